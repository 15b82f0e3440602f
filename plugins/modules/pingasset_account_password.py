#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_account_password
short_description: Change the password of the PING asset user the credentials act as
version_added: 0.2.0
description:
  - Sends C(POST /1.0/customers/accounts/password/change/) with C(old_password), C(password) and
    C(password_confirmation) (both O(new_password)), for the user the access token acts as (see
    M(fleetops.ping.pingasset_account_info)).
  - Success is the documented HTTP 204 and nothing else. Another success status fails the task, saying that whether
    the password changed is not known.
  - The API's validation errors (HTTP 400, for example a wrong old password or a new one too weak) fail the task in
    one line with the API's field messages, each after its field's name, such as
    C(old_password (Your old password was entered incorrectly. Please enter it again.)). The field names are not
    followed by a colon here as in the other PING asset modules. The collection blanks whatever follows C(password)
    and a colon in any text, since it looks like a credential.
  - A password cannot be read back, so the module cannot know whether the password already is O(new_password). It
    reports C(changed=true) every time it sends the change. Run it only when a rotation is due, for example under a
    C(when:) on a date or a flag kept with the passwords in the vault (see the examples).
  - The request is never resent where the API may have acted on it. A second change with the same old password
    would then fail, and the first one may have gone through.
  - The same O(old_password) and O(new_password) fail before any request.
  - Neither password appears in the task's output, warnings, returned values or error messages, at any verbosity.
    Both are C(no_log), and the HTTP layer replaces them with a placeholder in every text it produces.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  old_password:
    description:
      - The user's current password.
    type: str
    required: true
  new_password:
    description:
      - The password the user must have after the task. It is sent as C(password) and C(password_confirmation).
      - It must differ from O(old_password). The API applies its own rules (length, common passwords, ...), which are
        not documented; its refusal is reported as described above.
    type: str
    required: true
extends_documentation_fragment:
  - fleetops.ping.pingasset
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent; the task reports C(changed=true), since a rotation would be sent.
  diff_mode:
    support: none
    description: A password cannot be read or shown; there is nothing to compare.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingasset_account_info
'''

EXAMPLES = r'''
# The vault holds the current password, the next one and the date the next one is due:
#   vault_pingasset_password: "..."
#   vault_pingasset_next_password: "..."
#   vault_pingasset_rotate_on: "2026-12-01"
# The task runs only on or after that date. Afterwards, move the next password into vault_pingasset_password and
# set the next date, so that the following runs skip it.
- name: Rotate the PING asset user's password when it is due
  fleetops.ping.pingasset_account_password:
    old_password: "{{ vault_pingasset_password }}"
    new_password: "{{ vault_pingasset_next_password }}"
  delegate_to: localhost
  run_once: true
  when: (now(utc=true).strftime('%Y-%m-%d')) >= vault_pingasset_rotate_on

# Or on demand only, with a flag: ansible-playbook site.yml -e rotate_pingasset_password=true
- name: Rotate the PING asset user's password on demand
  fleetops.ping.pingasset_account_password:
    old_password: "{{ vault_pingasset_password }}"
    new_password: "{{ vault_pingasset_next_password }}"
  delegate_to: localhost
  run_once: true
  when: rotate_pingasset_password | default(false) | bool
'''

RETURN = r'''
msg:
  description: What was done. The passwords are never part of it.
  returned: success
  type: str
  sample: the password was changed (HTTP 204)
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import ACCOUNT_PASSWORD
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**ACCOUNT_PASSWORD.module_kwargs()), ACCOUNT_PASSWORD)


if __name__ == '__main__':
    main()
