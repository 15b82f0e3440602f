#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_contact_info
short_description: Read ping.pl contacts
version_added: 0.1.0
description:
  - Lists the account's contacts with C(get-contacts), optionally only those chosen by O(ids) or O(emails),
    and only those with one of O(statuses).
author:
  - fleetops.ping maintainers (@fleetops)
options:
  ids:
    description:
      - Ids of the contacts to return. A contact is chosen when its id is in O(ids) or its address in O(emails).
      - Each id must exist, else the module fails and names the missing ones.
    type: list
    elements: int
  emails:
    description:
      - Email addresses of the contacts to return, compared without regard to case.
      - Each address must exist, else the module fails and names the missing ones.
    type: list
    elements: str
  statuses:
    description:
      - Keep only contacts with these statuses.
    type: list
    elements: str
    choices: [ACTIVE, INACTIVE]
extends_documentation_fragment:
  - fleetops.ping.pingpl
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reads only, so there is nothing to show.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingpl_contact_state
'''

EXAMPLES = r'''
- name: List the contacts that get no notifications
  fleetops.ping.pingpl_contact_info:
    statuses: [INACTIVE]
  register: silent

- name: Read two contacts
  fleetops.ping.pingpl_contact_info:
    ids: [123, 456]
  register: pair
'''

RETURN = r'''
contacts:
  description: The contacts chosen, in the order the API lists them.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The contact's id.
      type: int
      sample: 456
    status:
      description: C(ACTIVE) or C(INACTIVE).
      type: str
      sample: ACTIVE
    locale:
      description: Language of the notifications and reports (the API documents C(PL) and C(EN); its example
        writes them in lower case).
      type: str
      sample: en
    name:
      description: The contact's name, when it has one.
      type: str
    email:
      description: The contact's email address, when it has one.
      type: str
      sample: user2@example.com
    phoneNumber:
      description: The contact's phone number, when it has one.
      type: str
      sample: "123123123"
    isTimeMaskEnabled:
      description: 1 when notifications go out only within the time windows, else 0.
      type: int
      sample: 1
    timeMaskWeekdaysFrom:
      description: Start of the weekday window, C(hh:mm:ss).
      type: str
      sample: "08:00:00"
    timeMaskWeekdaysTo:
      description: End of the weekday window, C(hh:mm:ss).
      type: str
      sample: "15:00:00"
    timeMaskWeekendsFrom:
      description: Start of the weekend window, C(hh:mm:ss).
      type: str
      sample: "10:30:00"
    timeMaskWeekendsTo:
      description: End of the weekend window, C(hh:mm:ss).
      type: str
      sample: "14:30:00"
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import CONTACT_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**CONTACT_INFO.module_kwargs()), CONTACT_INFO)


if __name__ == '__main__':
    main()
