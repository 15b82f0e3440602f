#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_monitor_info
short_description: Read ping.pl monitors, with their uptime, response times and outages
version_added: 0.1.0
description:
  - Lists the account's monitors with C(get-monitors) (monitors other users shared with the account included),
    chosen by O(ids) and O(names) and filtered by O(types), O(statuses) and O(tags).
  - With O(include_data=true), adds each monitor's hourly uptime and response time over the date range
    (C(get-data)), with the range's mean uptime and mean response time.
  - With O(include_outages=true), adds each monitor's outages (C(get-outages)), newest first.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  ids:
    description:
      - Ids of the monitors to return. A monitor is chosen when its id is in O(ids) or its name is in O(names).
      - Each id must exist, else the module fails and names the missing ones.
      - Omit O(ids) and O(names) to choose every monitor.
    type: list
    elements: int
  names:
    description:
      - Exact names of the monitors to return (every monitor carrying one of these names).
      - Each name must exist, else the module fails and names the missing ones.
    type: list
    elements: str
  types:
    description:
      - Keep only monitors of these types.
    type: list
    elements: str
    choices: [WWW, WWW_FULL, WWW_SCRIPT, WWW_HEALTH, PING, TCP_UDP, MAIL, DNS]
  statuses:
    description:
      - Keep only monitors with these statuses. C(INACTIVE) is a paused monitor.
    type: list
    elements: str
    choices: [ACTIVE, INACTIVE, DELETED, BLOCKED]
  tags:
    description:
      - Keep only monitors that carry these tags (all of them, or any, see O(tags_match)).
    type: list
    elements: str
  tags_match:
    description:
      - V(all) keeps monitors carrying every tag of O(tags), V(any) those carrying at least one.
    type: str
    default: all
    choices: [all, any]
  include_data:
    description:
      - Whether to add each monitor's hourly C(data) and its C(data_summary) over O(date_from) to O(date_to).
      - Requires O(date_from).
    type: bool
    default: false
  include_outages:
    description:
      - Whether to add each monitor's C(outages), at most O(outages_limit), limited to those that started within
        O(date_from) and O(date_to) when these are given.
    type: bool
    default: false
  date_from:
    description:
      - First day of the range, C(yyyy-mm-dd), in Polish time as the API counts it.
    type: str
  date_to:
    description:
      - Last day of the range, C(yyyy-mm-dd), included. Defaults to O(date_from) for O(include_data).
    type: str
  outages_limit:
    description:
      - Most outages to return per monitor, from 1 to 200 (the API's maximum).
    type: int
    default: 50
  concurrency:
    description:
      - How many monitors to read data or outages for at once, from 1 to 16.
    type: int
    default: 4
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
  - module: fleetops.ping.pingpl_monitor_state
  - module: fleetops.ping.pingpl_outage_info
'''

EXAMPLES = r'''
- name: List the paused monitors
  fleetops.ping.pingpl_monitor_info:
    statuses: [INACTIVE]
  register: paused

- name: Show their names
  ansible.builtin.debug:
    msg: "{{ paused.monitors | map(attribute='name') | list }}"

- name: Uptime of the production web monitors in March, with their outages
  fleetops.ping.pingpl_monitor_info:
    tags: [prod]
    types: [WWW, WWW_FULL]
    include_data: true
    include_outages: true
    date_from: "2024-03-01"
    date_to: "2024-03-31"
  register: march

- name: Report each monitor's uptime
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.data_summary.uptime_percent }} %"
  loop: "{{ march.monitors }}"
  loop_control:
    label: "{{ item.id }}"
'''

RETURN = r'''
monitors:
  description: The monitors chosen, in the order the API lists them, each with C(<name>_iso) beside date fields.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The monitor's id.
      type: int
      sample: 3009
    status:
      description: C(ACTIVE), C(INACTIVE) (paused), C(DELETED) or C(BLOCKED).
      type: str
      sample: ACTIVE
    type:
      description: The monitor's type.
      type: str
      sample: WWW
    name:
      description: The monitor's name.
      type: str
      sample: Sklep - strona główna
    note:
      description: The monitor's note, when the API gives one.
      type: str
    tags:
      description: The monitor's tags (empty when the API gives none).
      type: list
      elements: str
    isShared:
      description: 1 when another user shared the monitor with this account, else 0.
      type: int
    currentOutageId:
      description: The id of the outage under way, if any.
      type: int
    data:
      description: Hourly samples of C(get-data) over the range.
      returned: O(include_data=true)
      type: list
      elements: dict
      contains:
        date:
          description: Start of the hour, Polish time, as the API gives it.
          type: str
          sample: "2016-01-01 00:00:00"
        date_iso:
          description: The same in ISO 8601 with the documented offset.
          type: str
          sample: "2016-01-01T00:00:00+01:00"
        uptime:
          description: Availability over the hour, 0 to 100 (%).
          type: float
          sample: 100
        responseTime:
          description: Response time, in seconds.
          type: float
          sample: 0.576122
    data_summary:
      description: The range summed up.
      returned: O(include_data=true)
      type: dict
      contains:
        samples:
          description: How many samples the API returned.
          type: int
          sample: 24
        uptime_percent:
          description: Mean of the samples' uptime (%), null without samples.
          type: float
          sample: 99.8125
        response_time_mean:
          description: Mean of the samples' response time (seconds), null without samples.
          type: float
          sample: 0.5862
    outages:
      description: Outages of C(get-outages), newest first.
      returned: O(include_outages=true)
      type: list
      elements: dict
      contains:
        id:
          description: The outage's id.
          type: int
          sample: 43900
        reason:
          description: Why the monitor failed.
          type: str
          sample: KEYWORDS_MUST_EXIST
        reasonDetails:
          description: Details of the reason, when given.
          type: str
        startedAt:
          description: When the outage was detected, Polish time.
          type: str
          sample: "2017-03-23 06:43:51"
        startedAt_iso:
          description: The same in ISO 8601.
          type: str
          sample: "2017-03-23T06:43:51+01:00"
        endedAt:
          description: When the outage ended, absent while it lasts.
          type: str
        endedAt_iso:
          description: The same in ISO 8601.
          type: str
  sample:
    - id: 3009
      status: ACTIVE
      type: WWW
      name: Sklep - strona główna
      isShared: 0
      note: ""
      tags: [sklep, www]
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import MONITOR_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**MONITOR_INFO.module_kwargs()), MONITOR_INFO)


if __name__ == '__main__':
    main()
