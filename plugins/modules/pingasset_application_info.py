#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_application_info
short_description: List PING asset OAuth2 applications, without their secrets
version_added: 0.1.0
description:
  - Lists the OAuth2 applications of the user the credentials act as (C(GET /1.0/applications/), every page).
  - The client secrets are stripped from what is returned, whatever the API shows; a secret is only ever returned
    by M(fleetops.ping.pingasset_application) when it creates the application.
  - The list call documents no filter; O(name) is applied by the module.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  name:
    description:
      - Only applications with one of these exact names.
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
  - module: fleetops.ping.pingasset_application
'''

EXAMPLES = r'''
- name: List every API client
  fleetops.ping.pingasset_application_info:
  delegate_to: localhost
  register: apps

- name: Show the client ids
  ansible.builtin.debug:
    msg: "{{ apps.applications | items2dict(key_name='name', value_name='client_id') }}"
'''

RETURN = r'''
applications:
  description: The applications, as the API returns them but without C(client_secret).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1
      name: Backup event retriever
      client_id: tVjLAng6wRI4oAE1AAFVtqeB0oLZ65WstjIV32MU
      authorization_grant_type: authorization-code
      redirect_uris: https://myapiapp.localhost/
      created_at: "2019-07-13T18:09:35Z"
      modified_at: "2019-07-13T18:09:35Z"
count:
  description: How many applications were returned.
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import APPLICATION_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**APPLICATION_INFO.module_kwargs()), APPLICATION_INFO)


if __name__ == '__main__':
    main()
