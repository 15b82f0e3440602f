#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_configuration_info
short_description: List PING asset device configurations
version_added: 0.1.0
description:
  - Lists the configurations of the customer account (C(GET /1.0/configurations/customer/)), every page,
    drafts and published alike.
  - Filters are sent to the API as documented and combine (AND).
author:
  - fleetops.ping maintainers (@fleetops)
options:
  name:
    description:
      - Only configurations with one of these names (sent comma-separated in the C(name) filter; exact matches are kept).
      - A name that holds a comma cannot be asked for this way, since the API splits on commas; use O(search).
    type: list
    elements: str
  search:
    description:
      - Full-text search on the configuration name, done by the API.
    type: str
  ordering:
    description:
      - Fields to order by, of C(name), C(created_at) and C(modified_at); prefix with C(-) for descending order.
        The module refuses other fields before sending anything.
    type: list
    elements: str
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
seealso:
  - module: fleetops.ping.pingasset_configuration
'''

EXAMPLES = r'''
- name: List the published configurations, newest first
  fleetops.ping.pingasset_configuration_info:
    ordering: ["-created_at"]
  delegate_to: localhost
  register: configs

- name: Show the names of the published ones
  ansible.builtin.debug:
    msg: "{{ configs.configurations | selectattr('state', 'eq', 'published') | map(attribute='name') | list }}"

- name: Read two configurations by name
  fleetops.ping.pingasset_configuration_info:
    name:
      - Cold chain
      - Frozen goods
  delegate_to: localhost
'''

RETURN = r'''
configurations:
  description: The configurations, as the API returns them, in the API's order.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1
      name: Custom Configuration
      description: Custom configuration extending reporting frequency
      checksum: a7cd6c22
      settings: {}
      state: draft
      created_at: "2019-07-13T18:09:35Z"
      modified_at: "2019-07-13T18:09:35Z"
count:
  description: How many configurations were returned.
  returned: always
  type: int
  sample: 1
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import CONFIGURATION_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**CONFIGURATION_INFO.module_kwargs()), CONFIGURATION_INFO)


if __name__ == '__main__':
    main()
