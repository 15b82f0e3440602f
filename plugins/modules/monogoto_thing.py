#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing
short_description: Name and describe a Monogoto SIM (Thing)
version_added: 0.2.0
description:
  - Reads the Thing C(ThingId_ICCID_<iccid>), compares its C(ThingName) and C(ThingDescription) with O(name) and
    O(description), and only for what differs sends C(PUT /thing/update/) with the C(cas) value it read, as
    Monogoto's "Update Thing Name" and "Update Thing Description" pages say. Each attribute is its own update; when
    both differ, the Thing is read again between the two for the C(cas) the first one changed.
  - Only the attributes given are managed; an attribute left out is neither compared nor written, nor shown in the diff.
  - If another writer changed the Thing between the read and the write, the API refuses the update (a CAS
    conflict, HTTP 409 or 412); the module then reads the Thing again, compares again and retries once.
  - A write answered without Monogoto's documented confirmation (C(Thing ... successfully saved.)) counts only when
    the Thing read again shows it, with a warning; otherwise the task fails naming what the API answered.
  - An unchanged Thing costs exactly one API request (beside a login, when no cached token is valid).
  - "On a host of the C(fleetops.ping.monogoto) inventory plugin, the Thing the inventory listed (with its C(cas))
    stands in for the read while it is younger than O(reading_max_age) and shows every attribute managed: an
    unchanged Thing then costs no request at all, and a change of one attribute is one C(PUT) with the listed
    C(cas). A Thing changed since it was listed meets a CAS conflict and is read again, as above."
  - Monogoto documents no length bound nor character set for either attribute, so the module checks none; the API's
    refusal is reported with its HTTP status and message.
  - The paired reading module is M(fleetops.ping.monogoto_thing_info), whose C(things) carry C(ThingName) and
    C(ThingDescription). For many SIMs at once, M(fleetops.ping.monogoto_fleet) takes C(name) and C(description)
    per SIM and writes them through the same code.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccid:
    description:
      - ICCID of the SIM, digits only, 16 to 22 long. The Thing id is C(ThingId_ICCID_<iccid>).
    type: str
    required: true
  name:
    description:
      - The name the Thing must have (C(ThingName)), compared exactly (case and blanks count).
      - It must not be empty. Omitted, the name is not managed.
      - At least one of O(name) and O(description) is required.
    type: str
  description:
    description:
      - The description the Thing must have (C(ThingDescription)), compared exactly.
      - An empty string clears it. Omitted, the description is not managed.
    type: str
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
  - fleetops.ping.reading
attributes:
  check_mode:
    support: full
    description: In check mode the Thing is read (or taken from a young enough inventory reading), never written.
  diff_mode:
    support: full
    description: Shows C(ThingName) and C(ThingDescription) before and after, only those the task manages.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.monogoto_thing_info
  - module: fleetops.ping.monogoto_fleet
  - module: fleetops.ping.monogoto_thing_imei
'''

EXAMPLES = r'''
- name: Name a tracker's SIM after the trailer it serves
  fleetops.ping.monogoto_thing:
    iccid: "8944500102198304826"
    name: "trailer-4711"
    description: "Reefer trailer 4711, depot Rotterdam"
  delegate_to: localhost

- name: Clear the description of a SIM that went back to stock
  fleetops.ping.monogoto_thing:
    iccid: "8944500102198304826"
    description: ""
  delegate_to: localhost

# On the hosts of the fleetops.ping.monogoto inventory plugin (one host per SIM, connection local): each SIM named
# after its device from the host vars; SIMs already named so cost no request.
- name: Name every SIM after its device and site
  fleetops.ping.monogoto_thing:
    iccid: "{{ monogoto_iccid }}"
    name: "{{ device_name }}"
    description: "{{ site }} / {{ device_model }}"
  when: device_name is defined
'''

RETURN = r'''
reading:
  description:
    - Where the comparison came from. C(source) is V(api) when the module read the Thing from the API, or
      V(inventory) when it compared against the inventory reading (see O(reading_max_age)); then C(read_at) is
      the epoch time the inventory read it and C(age_s) its age in seconds when it was judged.
  returned: success
  type: dict
  sample:
    source: api
thing:
  description:
    - The Thing as it stands after the task (read again after a write). In check mode, the Thing as read with
      the values that would be written.
  returned: success
  type: dict
  sample:
    ThingId: ThingId_ICCID_8944500102198304826
    ExternalUniqueId: "8944500102198304826"
    ThingName: trailer-4711
    ThingDescription: Reefer trailer 4711, depot Rotterdam
    State: ACTIVE
    cas: "1236781245913489491"
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

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING.module_kwargs()), THING)


if __name__ == '__main__':
    main()
