#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_monitor_state
short_description: Pause or resume a ping.pl monitor
version_added: 0.1.0
description:
  - Finds the monitor with C(get-monitors), by O(monitor_id) or by its exact O(name), and only when its status
    differs from O(state) pauses it with C(pause-monitor) or resumes it with C(start-monitor).
  - ping.pl reports a paused monitor with the status C(INACTIVE); O(state=active) is the status C(ACTIVE).
  - A monitor whose status is C(DELETED) or C(BLOCKED) cannot be paused or resumed; the module fails and sends
    nothing.
  - ping.pl has no calls that create, edit or delete monitors.
  - "On a host of the C(fleetops.ping.pingpl) inventory plugin, the monitor the inventory listed stands in for
    C(get-monitors) while it is younger than O(reading_max_age) and its status is C(ACTIVE) or C(INACTIVE):
    an unchanged monitor costs no request, a change is one C(pause-monitor) or C(start-monitor) and no listing.
    Both calls set the status whatever it was, so a stale listing costs at most a needless call; a monitor
    someone else paused or resumed after the listing is reported unchanged. With O(name), the listed monitor is
    used when it carries exactly that name; that other monitors carry it too is then not checked."
author:
  - fleetops.ping maintainers (@fleetops)
options:
  monitor_id:
    description:
      - The monitor's id.
      - Exactly one of O(monitor_id) and O(name) is required.
    type: int
  name:
    description:
      - The monitor's name, compared exactly (case and spacing included).
      - When several monitors carry this name the module fails and lists their ids; use O(monitor_id) then.
    type: str
  state:
    description:
      - V(active) monitors (status C(ACTIVE)), V(paused) stops monitoring (status C(INACTIVE)).
    type: str
    required: true
    choices: [active, paused]
extends_documentation_fragment:
  - fleetops.ping.pingpl
  - fleetops.ping.connection
  - fleetops.ping.reading
attributes:
  check_mode:
    support: full
    description: In check mode the monitor is read (or taken from a young enough inventory reading), never paused or resumed.
  diff_mode:
    support: full
    description: Shows the monitor's status before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.pingpl_monitor_info
  - module: fleetops.ping.pingpl_contact_state
'''

EXAMPLES = r'''
- name: Pause every monitor of the fleetops.ping.pingpl inventory tagged maintenance (no listing per host)
  fleetops.ping.pingpl_monitor_state:
    monitor_id: "{{ pingpl_monitor_id }}"
    state: paused
  when: "'maintenance' in pingpl_tags"

- name: Pause the shop's registration page monitor during a deployment
  fleetops.ping.pingpl_monitor_state:
    monitor_id: 3118
    state: paused
  delegate_to: localhost

- name: Resume the monitor named "Sklep - strona główna"
  fleetops.ping.pingpl_monitor_state:
    name: Sklep - strona główna
    state: active
    token: "{{ vault_pingpl_token }}"
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
  description: The monitor's status after the task (in check mode, the status it would have).
  returned: success
  type: str
  sample: INACTIVE
previous_status:
  description: The monitor's status before the task.
  returned: success
  type: str
  sample: ACTIVE
monitor:
  description:
    - The monitor as C(get-monitors) reports it after the task (read again after a change), with C(<name>_iso)
      beside each date field.
    - In check mode, the monitor as read with the status it would have.
  returned: success, and on failure when the monitor was found but is C(DELETED) or C(BLOCKED)
  type: dict
  contains:
    id:
      description: The monitor's id.
      type: int
      sample: 3118
    status:
      description: C(ACTIVE), C(INACTIVE) (paused), C(DELETED) or C(BLOCKED).
      type: str
      sample: INACTIVE
    type:
      description: C(WWW), C(WWW_FULL), C(WWW_SCRIPT), C(WWW_HEALTH), C(PING), C(TCP_UDP), C(MAIL) or C(DNS).
      type: str
      sample: WWW
    name:
      description: The monitor's name.
      type: str
      sample: Sklep - rejestracja
    note:
      description: The monitor's note, when the API gives one.
      type: str
    tags:
      description: The monitor's tags, when the API gives them.
      type: list
      elements: str
    isShared:
      description: 1 when another user shared the monitor with this account, else 0.
      type: int
      sample: 0
    currentOutageId:
      description: The id of the outage under way, if any.
      type: int
      sample: 47017
  sample:
    id: 3118
    status: INACTIVE
    type: WWW
    name: Sklep - rejestracja
    currentOutageId: 47017
    isShared: 0
monitor_ids:
  description: The ids of every monitor that carries O(name), when there are several.
  returned: failure, when O(name) matches several monitors
  type: list
  elements: int
  sample: [3305, 3306]
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import MONITOR_STATE
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**MONITOR_STATE.module_kwargs()), MONITOR_STATE)


if __name__ == '__main__':
    main()
