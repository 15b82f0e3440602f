#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingpl_outage_info
short_description: Read one ping.pl outage, or a monitor's outages
version_added: 0.1.0
description:
  - With O(outage_id), reads one outage with C(get-outage), with the last tests run while it lasted and the
    notifications it caused.
  - With O(monitor_id), lists the monitor's outages with C(get-outages), newest first, optionally only those
    detected within O(date_from) and O(date_to).
author:
  - fleetops.ping maintainers (@fleetops)
options:
  outage_id:
    description:
      - The outage to read, with its tests and notifications.
      - Exactly one of O(outage_id) and O(monitor_id) is required.
    type: int
  monitor_id:
    description:
      - The monitor whose outages to list.
    type: int
  date_from:
    description:
      - With O(monitor_id), only outages detected on or after this day, C(yyyy-mm-dd).
    type: str
  date_to:
    description:
      - With O(monitor_id), only outages detected on or before this day, C(yyyy-mm-dd).
    type: str
  limit:
    description:
      - With O(monitor_id), the most outages to return, from 1 to 200. The API returns 50 when it is not given.
    type: int
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
- name: Read the outage under way on the registration page
  fleetops.ping.pingpl_outage_info:
    outage_id: 47017
  register: outage

- name: Show where the last tests ran
  ansible.builtin.debug:
    msg: "{{ outage.outage.tests | map(attribute='location') | list }}"

- name: Outages of monitor 3009 in March 2017
  fleetops.ping.pingpl_outage_info:
    monitor_id: 3009
    date_from: "2017-03-01"
    date_to: "2017-03-31"
    limit: 200
  register: march
'''

RETURN = r'''
outage:
  description: The outage read with O(outage_id), with C(<name>_iso) beside each date field.
  returned: O(outage_id) given
  type: dict
  contains:
    id:
      description: The outage's id.
      type: int
      sample: 47017
    monitorId:
      description: The monitor the outage concerns (documented, though the API's own example leaves it out).
      type: int
    reason:
      description: Why the monitor failed.
      type: str
      sample: KEYWORDS_MUST_EXIST
    reasonDetails:
      description: Details of the reason, for example the keyword that was not found.
      type: str
    startedAt:
      description: When the outage was detected, Polish time.
      type: str
      sample: "2017-06-30 10:21:00"
    startedAt_iso:
      description: The same in ISO 8601 with the documented offset.
      type: str
      sample: "2017-06-30T10:21:00+01:00"
    endedAt:
      description: When the outage ended; absent while it lasts.
      type: str
    endedAt_iso:
      description: The same in ISO 8601.
      type: str
    tests:
      description: The last tests run during the outage.
      type: list
      elements: dict
      contains:
        status:
          description: The test's result.
          type: str
        responseTime:
          description: Response time, in seconds.
          type: float
        date:
          description: When the test ran, Polish time.
          type: str
        date_iso:
          description: The same in ISO 8601.
          type: str
        location:
          description: Where the test ran from.
          type: str
          sample: Warszawa
    notifications:
      description: Notifications sent because of the outage (empty when the API lists none).
      type: list
      elements: dict
      contains:
        event:
          description: C(UP), C(DOWN), C(BOUNCE), C(REMIND), C(INFO) or C(SLOWER_LOAD_TIME).
          type: str
        type:
          description: How it was sent, for example C(SMS) or C(EMAIL).
          type: str
        receiver:
          description: Who received it.
          type: str
        date:
          description: When it was sent, Polish time.
          type: str
        date_iso:
          description: The same in ISO 8601.
          type: str
outages:
  description:
    - With O(monitor_id), the monitor's outages, newest first, each with C(id), C(reason), C(reasonDetails),
      C(startedAt), C(endedAt) and their C(_iso) forms.
    - With O(outage_id), a list holding the one outage.
  returned: success
  type: list
  elements: dict
  sample:
    - id: 43900
      reason: KEYWORDS_MUST_EXIST
      startedAt: "2017-03-23 06:43:51"
      startedAt_iso: "2017-03-23T06:43:51+01:00"
      endedAt: "2017-03-23 06:51:50"
      endedAt_iso: "2017-03-23T06:51:50+01:00"
      reasonDetails: "<h1>Dołącz do nas!</h1>"
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import OUTAGE_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**OUTAGE_INFO.module_kwargs()), OUTAGE_INFO)


if __name__ == '__main__':
    main()
