#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing_state
short_description: Activate or suspend a Monogoto SIM (Thing)
version_added: 0.1.0
description:
  - Reads the SIM's lifecycle state with C(GET /thing/ThingId_ICCID_<iccid>/state/) and, only when it differs
    from O(state), changes it with C(PUT) on the same path.
  - The API knows the states C(PROVISIONED), C(TEST_ACTIVE), C(SUSPENDED), C(ACTIVE) and C(RETIRED); this module
    sets C(ACTIVE) or C(SUSPENDED). Whether a transition is allowed (for example out of C(RETIRED)) is decided
    by the API, whose refusal is reported with its HTTP status and message.
  - "On a host of the C(fleetops.ping.monogoto) inventory plugin, the C(State) of the Thing the inventory listed
    stands in for the read while it is younger than O(reading_max_age): an unchanged SIM costs no request, a
    change is one C(PUT). The state call carries no C(cas): a state someone else changed after the listing is
    not seen (a SIM already in O(state) is then written again, which the API accepts; a SIM that left O(state)
    after the listing is reported unchanged). Check mode reports from the listing too."
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccid:
    description:
      - ICCID of the SIM, digits only, 16 to 22 long.
    type: str
    required: true
  state:
    description:
      - The lifecycle state the SIM must be in.
    type: str
    required: true
    choices: [ACTIVE, SUSPENDED]
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
  - fleetops.ping.reading
attributes:
  check_mode:
    support: full
    description: In check mode the state is read (or taken from a young enough inventory reading), never written.
  diff_mode:
    support: full
    description: Shows the state before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.monogoto_thing_info
'''

EXAMPLES = r'''
- name: Suspend the SIM of a tracker that was reported stolen
  fleetops.ping.monogoto_thing_state:
    iccid: "8944500102198304826"
    state: SUSPENDED
  delegate_to: localhost

- name: Activate every SIM of the rollout group
  fleetops.ping.monogoto_thing_state:
    iccid: "{{ sim_iccid }}"
    state: ACTIVE
  delegate_to: localhost
'''

RETURN = r'''
reading:
  description:
    - Where the comparison came from. C(source) is V(api) when the module read the object from the API, or
      V(inventory) when it compared against the inventory reading (see O(reading_max_age)); then C(read_at) is
      the epoch time the inventory read it and C(age_s) its age in seconds when it was judged (at the start of
      the run, see O(reading_max_age)).
  returned: success
  type: dict
  sample:
    source: inventory
    read_at: 1764000000.5
    age_s: 12.3
state:
  description: The state of the SIM after the task (in check mode, the state it would have).
  returned: success
  type: str
  sample: SUSPENDED
previous_state:
  description: The state the SIM had before the task.
  returned: success
  type: str
  sample: ACTIVE
thing_id:
  description: The Thing id.
  returned: success
  type: str
  sample: ThingId_ICCID_8944500102198304826
api_message:
  description: The API's plain-text answer to the change.
  returned: changed and not in check mode
  type: str
  sample: Thing state updated successfully.
api_calls:
  description:
    - What the API calls of the task cost, retries and logins included. See C(docs/rate-limits.md) in the collection.
  returned: always
  type: dict
  contains:
    requests:
      description: Requests sent to the API (every attempt, retries and logins included).
      type: int
      sample: 2
    throttled:
      description: Answers that throttled the task (HTTP 429, or HTTP 503 with C(Retry-After)).
      type: int
      sample: 0
    waited_s:
      description: Seconds the task waited, in the rate limiter shared by every fork and between retries.
      type: float
      sample: 0.0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_STATE
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING_STATE.module_kwargs()), THING_STATE)


if __name__ == '__main__':
    main()
