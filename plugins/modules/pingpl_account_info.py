#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_account_info
short_description: Read the ping.pl account's plan and notification credits
version_added: 0.1.0
description:
  - Reads the account that owns the API key with C(get-account-info).
  - Useful as a check that the key works before changing anything.
author:
  - fleetops.ping maintainers (@fleetops)
options: {}
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
  - module: fleetops.ping.pingpl_monitor_info
'''

EXAMPLES = r'''
- name: Read the account
  fleetops.ping.pingpl_account_info:
  register: account

- name: Warn when few notification credits are left
  ansible.builtin.debug:
    msg: "Only {{ account.account.credits + account.account.extraCredits }} SMS credits left"
  when: (account.account.credits + account.account.extraCredits) < 50
'''

RETURN = r'''
account:
  description: The account, with C(<name>_iso) beside each date field.
  returned: success
  type: dict
  contains:
    email:
      description: The account's email address.
      type: str
      sample: admin@ping.pl
    locale:
      description: Language of the user panel, C(PL) or C(EN).
      type: str
      sample: PL
    planName:
      description: The current plan.
      type: str
      sample: Plan Platynowy
    planExpireAt:
      description: When the plan expires, C(yyyy-mm-dd), if it does.
      type: str
      sample: "2018-01-01"
    planExpireAt_iso:
      description: The same (a date stays a date).
      type: str
      sample: "2018-01-01"
    lastLoginAt:
      description: Last login, Polish time, if any.
      type: str
      sample: "2017-06-14 13:51:30"
    lastLoginAt_iso:
      description: The same in ISO 8601 with the documented offset.
      type: str
      sample: "2017-06-14T13:51:30+01:00"
    lastLoginIp:
      description: The address of the last login, if any.
      type: str
      sample: 79.133.201.36
    credits:
      description: Notification credits left in the plan's pool.
      type: int
      sample: 429
    extraCredits:
      description: Extra notification credits.
      type: int
      sample: 100
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import ACCOUNT_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**ACCOUNT_INFO.module_kwargs()), ACCOUNT_INFO)


if __name__ == '__main__':
    main()
