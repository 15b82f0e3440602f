#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_contact_state
short_description: Activate or deactivate a ping.pl contact
version_added: 0.1.0
description:
  - Finds the contact with C(get-contacts), by O(contact_id) or by O(email), and only when its status differs
    from O(state) changes it with C(activate-contact) or C(deactivate-contact).
  - Notifications and periodic reports go to active contacts only.
  - The contact is sent as the parameter C(contactId), as the API's parameter tables name it (one example in the
    documentation writes C(contact)).
  - "On a host of the C(fleetops.ping.pingpl) inventory plugin, the contact listing the inventory read stands in
    for C(get-contacts) while it is younger than O(reading_max_age) and exactly one listed contact matches: an
    unchanged contact costs no request, a change is one call and no listing. Both calls set the status
    whatever it was; a contact someone else changed after the listing is reported unchanged."
author:
  - fleetops.ping maintainers (@fleetops)
options:
  contact_id:
    description:
      - The contact's id.
      - Exactly one of O(contact_id) and O(email) is required.
    type: int
  email:
    description:
      - The contact's email address, compared without regard to case.
      - When several contacts carry this address the module fails and lists their ids; use O(contact_id) then.
    type: str
  state:
    description:
      - V(active) (status C(ACTIVE)) receives notifications and reports, V(inactive) (status C(INACTIVE)) does not.
    type: str
    required: true
    choices: [active, inactive]
extends_documentation_fragment:
  - fleetops.ping.pingpl
  - fleetops.ping.connection
  - fleetops.ping.reading
attributes:
  check_mode:
    support: full
    description: In check mode the contact is read (or taken from a young enough inventory reading), never changed.
  diff_mode:
    support: full
    description: Shows the contact's status before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingpl_contact_info
  - module: fleetops.ping.pingpl_monitor_state
'''

EXAMPLES = r'''
- name: Stop notifying the night shift while it is on holiday
  fleetops.ping.pingpl_contact_state:
    email: night@fleetops.example
    state: inactive
  delegate_to: localhost

- name: Notify contact 123 again
  fleetops.ping.pingpl_contact_state:
    contact_id: 123
    state: active
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
status:
  description: The contact's status after the task (in check mode, the status it would have).
  returned: success
  type: str
  sample: INACTIVE
previous_status:
  description: The contact's status before the task.
  returned: success
  type: str
  sample: ACTIVE
contact:
  description:
    - The contact as C(get-contacts) reports it after the task (read again after a change).
    - In check mode, the contact as read with the status it would have.
  returned: success
  type: dict
  contains:
    id:
      description: The contact's id.
      type: int
      sample: 123
    status:
      description: C(ACTIVE) or C(INACTIVE).
      type: str
      sample: INACTIVE
    locale:
      description: Language of the notifications and reports.
      type: str
      sample: pl
    name:
      description: The contact's name, when it has one.
      type: str
    email:
      description: The contact's email address, when it has one.
      type: str
      sample: user@example.com
    phoneNumber:
      description: The contact's phone number, when it has one.
      type: str
    isTimeMaskEnabled:
      description: 1 when notifications go out only within the time windows below, else 0.
      type: int
      sample: 0
  sample:
    id: 123
    status: INACTIVE
    locale: pl
    email: user@example.com
    isTimeMaskEnabled: 0
contact_ids:
  description: The ids of every contact that carries O(email), when there are several.
  returned: failure, when O(email) matches several contacts
  type: list
  elements: int
  sample: [790, 791]
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import CONTACT_STATE
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**CONTACT_STATE.module_kwargs()), CONTACT_STATE)


if __name__ == '__main__':
    main()
