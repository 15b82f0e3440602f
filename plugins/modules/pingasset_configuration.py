#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_configuration
short_description: Manage PING asset device configurations, as drafts or published
version_added: 0.1.0
description:
  - Manages one PING asset device configuration (reporting frequency, temperature logging interval, shock
    threshold and the like, held in O(settings)) by its O(name), or by its O(id).
  - Configurations are drafts or published. Only drafts may be edited; publishing makes a configuration read-only
    for good, and only published configurations may be assigned to device groups.
  - B(Publishing cannot be undone.) The vendor's documentation says so; a published configuration can never be
    edited again, so a change of its settings always means a new configuration. Run with C(--check --diff) first.
  - The module lists the configurations of that name (every page of C(GET /1.0/configurations/customer/?name=...),
    then keeps exact matches), compares, and writes only what differs.
  - With O(state=draft), a draft of that name holds exactly O(description) and O(settings); it is created
    (C(POST)) or edited in place (C(PATCH) with only the fields that differ). A published configuration of the same
    name is left alone. When several drafts share the name, the newest (by C(created_at), then id) is managed and a
    warning names the others.
  - With O(state=published), a published configuration of that name holds exactly these values. The newest
    published one of that name is the current one; when its description and settings match, nothing is done.
    Otherwise, if a draft of that name exists it is brought up to date and published (C(POST .../publish/));
    if none does, a new configuration is created and published. Values not given are carried over from the
    current published configuration. The older published configurations of that name are returned as
    RV(superseded) and stay unless O(delete_superseded=true).
  - With O(state=absent), no configuration of that name (drafts and published) remains, or the one with that O(id);
    one already gone is no change. The docs allow deleting a configuration in either state; what the API does
    with a published configuration that is assigned to a device group is not documented, and any refusal is
    reported with the API's own message.
  - Not documented by the vendor, so not handled here; the keys allowed inside O(settings) (they are passed as
    given and compared as given), the device-group endpoints (so assigning a configuration to a group), and the
    body of the publish answer (the configuration is read again after publishing when the answer does not hold it).
    The docs name only the state C(draft); any other state is taken as published (read-only), with a warning when
    it is not C(published).
author:
  - fleetops.ping maintainers (@fleetops)
options:
  name:
    description:
      - Name of the configuration. Matched exactly (the API's C(name) filter selects, the module keeps exact matches).
      - Exactly one of O(name) and O(id) is required.
    type: str
  id:
    description:
      - Id of one configuration, instead of O(name).
      - With O(state=draft) it must be a draft. With O(state=published) and other values than the ones it holds,
        a published configuration is replaced by a new one of the same name, and it is returned in RV(superseded).
      - With O(state=absent), that configuration is deleted; an id the API does not know is no change.
    type: int
  description:
    description:
      - Description of the configuration. Omit to leave it as it is (or empty on creation).
    type: str
  settings:
    description:
      - The configuration's settings, compared deeply with what the API holds (a value V(true) differs from V(1)).
      - Omit to leave them as they are (or as the API's default on creation).
      - The keys are not documented by the vendor and are passed as given.
    type: dict
  state:
    description:
      - V(draft) keeps an editable draft, V(published) a read-only published configuration, V(absent) removes it.
    type: str
    default: draft
    choices: [draft, published, absent]
  delete_superseded:
    description:
      - With O(state=published), also delete the older published configurations of that name, the ones returned
        in RV(superseded). Off by default, so that a configuration still assigned to a device group is not lost.
      - Only valid with O(state=published).
    type: bool
    default: false
extends_documentation_fragment:
  - fleetops.ping.pingasset
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: Reads only, and reports in RV(actions) what would be created, edited, published or deleted.
  diff_mode:
    support: full
    description: Shows the description and settings before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingasset_configuration_info
'''

EXAMPLES = r'''
- name: Keep a draft of the cold-chain configuration
  fleetops.ping.pingasset_configuration:
    name: Cold chain
    description: Reports every 10 minutes, logs temperature every 5
    settings:
      reporting_interval: 600
      temperature_logging_interval: 300
      shock_threshold: 3
    state: draft
  delegate_to: localhost

- name: Publish it (a new configuration when the published one holds other settings)
  fleetops.ping.pingasset_configuration:
    name: Cold chain
    description: Reports every 10 minutes, logs temperature every 5
    settings:
      reporting_interval: 600
      temperature_logging_interval: 300
      shock_threshold: 3
    state: published
  delegate_to: localhost
  register: cold_chain

- name: Show which older configurations it replaced
  ansible.builtin.debug:
    msg: "{{ cold_chain.superseded | map(attribute='id') | list }}"

- name: Publish and remove the configurations it replaces
  fleetops.ping.pingasset_configuration:
    name: Cold chain
    settings:
      reporting_interval: 600
      temperature_logging_interval: 300
      shock_threshold: 3
    state: published
    delete_superseded: true
  delegate_to: localhost

- name: Remove every configuration of that name
  fleetops.ping.pingasset_configuration:
    name: Cold chain
    state: absent
  delegate_to: localhost

- name: Credentials once for a block through the action group
  module_defaults:
    group/fleetops.ping.pingasset:
      client_id: "{{ vault_pingasset_client_id }}"
      client_secret: "{{ vault_pingasset_client_secret }}"
  block:
    - name: Keep the draft
      fleetops.ping.pingasset_configuration:
        name: Frozen goods
        settings:
          reporting_interval: 300
      delegate_to: localhost
'''

RETURN = r'''
configuration:
  description:
    - The configuration that matches after the task, as the API returns it. In check mode, what it would look like
      (C(id) is null for one that would be created). Null with O(state=absent).
  returned: always
  type: dict
  sample:
    id: 14
    name: Cold chain
    description: Reports every 10 minutes, logs temperature every 5
    checksum: a7cd6c22
    settings:
      reporting_interval: 600
    state: published
    created_at: "2024-07-13T18:09:35Z"
    modified_at: "2024-07-13T18:09:40Z"
    customer:
      id: 1
actions:
  description:
    - What was done (or, in check mode, would be done), in order; C(create), C(edit <id>), C(publish <id>)
      (C(publish) alone for one not created yet in check mode), C(delete <id>).
  returned: always
  type: list
  elements: str
  sample: [create, publish 14]
superseded:
  description:
    - With O(state=published), the older published configurations of that name (or the one named by O(id) when it
      was replaced), oldest first. They stay unless O(delete_superseded=true), in which case RV(actions) shows them
      deleted. Empty otherwise.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Id of the configuration.
      type: int
    name:
      description: Its name.
      type: str
    description:
      description: Its description.
      type: str
    checksum:
      description: The checksum the API gives it.
      type: str
    settings:
      description: Its settings.
      type: dict
    state:
      description: Its state.
      type: str
    created_at:
      description: When it was created.
      type: str
    modified_at:
      description: When it was last modified.
      type: str
  sample:
    - id: 13
      name: Cold chain
      checksum: 226a61f4
      settings:
        reporting_interval: 900
      state: published
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import CONFIGURATION
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**CONFIGURATION.module_kwargs()), CONFIGURATION)


if __name__ == '__main__':
    main()
