#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_account_info
short_description: Read the PING asset user the credentials act as, and its customer
version_added: 0.1.0
description:
  - Reads C(GET /1.0/customers/accounts/me/), the user that the access token acts as and the customer that user
    belongs to. Useful to check credentials.
  - The fields of the C(customer) object are not documented.
author:
  - fleetops.ping maintainers (@fleetops)
options: {}
extends_documentation_fragment:
  - fleetops.ping.pingasset
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
'''

EXAMPLES = r'''
- name: Check the PING asset credentials
  fleetops.ping.pingasset_account_info:
  delegate_to: localhost
  register: me

- name: Show who the credentials act as
  ansible.builtin.debug:
    msg: "{{ me.account.username }}"
'''

RETURN = r'''
account:
  description: The user, as the API returns it.
  returned: success
  type: dict
  sample:
    id: 1
    username: jon.doe@example.org
    first_name: Jon
    last_name: Doe
    customer:
      id: 1
    created_at: "2019-07-13T18:09:35Z"
    modified_at: "2019-07-13T18:09:35Z"
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import ACCOUNT_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**ACCOUNT_INFO.module_kwargs()), ACCOUNT_INFO)


if __name__ == '__main__':
    main()
