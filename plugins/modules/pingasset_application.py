#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_application
short_description: Manage PING asset OAuth2 applications (API clients) by name
version_added: 0.1.0
description:
  - Creates, updates or deletes an OAuth2 application of the user the credentials act as, found by its exact
    O(name) in every page of C(GET /1.0/applications/).
  - An existing application is updated with C(PATCH), sending only the fields that differ; an unchanged one costs
    no write.
  - B(The client secret is shown once.) When the module creates an application it returns its new client secret
    in RV(client_secret), and never again; the module strips the secret from every other answer (the vendor's
    samples show it in every answer about an application). Store it right away, for example in a vault, and set
    C(no_log) on the task so that it is not printed.
  - Deleting an application revokes every token issued through its credentials.
  - The body of the list answer is not documented (its sample is empty); the module reads it as the other paged lists.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  name:
    description:
      - Name of the application, matched exactly. Several applications with that name make the module fail with
        O(state=present), and are all deleted with O(state=absent).
    type: str
    required: true
  authorization_grant_type:
    description:
      - The OAuth2 flow the application is for. V(client-credentials) for machine-to-machine access (what the
        fleetops.ping modules use), V(authorization-code) for a user login through a redirect. The API also lists
        V(implicit) without describing it.
      - Required with O(state=present).
    type: str
    choices: [authorization-code, implicit, client-credentials]
  redirect_uris:
    description:
      - Redirect URIs allowed in the authorization code flow, in order (the first one is the default). Sent
        comma-separated, as documented.
      - Omit to leave them as they are; an empty list clears them.
    type: list
    elements: str
  state:
    description:
      - V(present) creates or updates the application, V(absent) deletes it.
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - fleetops.ping.pingasset
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: Reads only, and reports in RV(actions) what would be created, updated or deleted.
  diff_mode:
    support: full
    description: Shows the name, grant type and redirect URIs before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingasset_application_info
'''

EXAMPLES = r'''
- name: Create an API client for the nightly exporter (the secret is returned this once)
  fleetops.ping.pingasset_application:
    name: Nightly exporter
    authorization_grant_type: client-credentials
  delegate_to: localhost
  register: exporter
  no_log: true

- name: Store the new client secret at once
  ansible.builtin.copy:
    content: "{{ exporter.client_secret }}"
    dest: /etc/fleetops/pingasset-exporter.secret
    mode: "0600"
  when: exporter.client_secret is defined
  no_log: true

- name: A web dashboard that logs users in
  fleetops.ping.pingasset_application:
    name: Fleet dashboard
    authorization_grant_type: authorization-code
    redirect_uris:
      - https://dashboard.example.org/oauth/callback
      - https://dashboard-staging.example.org/oauth/callback
  delegate_to: localhost

- name: Revoke the exporter's access
  fleetops.ping.pingasset_application:
    name: Nightly exporter
    state: absent
  delegate_to: localhost
'''

RETURN = r'''
application:
  description:
    - The application after the task, as the API returns it but without its client secret. In check mode, what it
      would look like. Null with O(state=absent).
  returned: always
  type: dict
  sample:
    id: 2
    name: Nightly exporter
    client_id: tVjLAng6wRI4oAE1AAFVtqeB0oLZ65WstjIV32MU
    authorization_grant_type: client-credentials
    redirect_uris: ""
    created_at: "2024-07-13T18:09:35Z"
    modified_at: "2024-07-13T18:09:35Z"
client_secret:
  description:
    - The client secret of the application that was just created. B(Returned this once only); the module never
      returns it again, so store it now. Not returned in check mode, nor when the application already existed.
    - This is a secret; set C(no_log) on the task that registers it.
  returned: when the application was created
  type: str
  sample: 9u3La89Ai4SRkKfJZqhak8W6fVVD437ZnhHmySN4jKonVHHA9YGG
actions:
  description: What was done (or would be done, in check mode); C(create), C(update <id>), C(delete <id>).
  returned: always
  type: list
  elements: str
  sample: [create]
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import APPLICATION
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**APPLICATION.module_kwargs()), APPLICATION)


if __name__ == '__main__':
    main()
