#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_event_info
short_description: Read PING asset device events
version_added: 0.1.0
description:
  - Reads events with C(GET /1.0/events/), page after page, up to O(limit).
  - The vendor's documentation names this call only in its authentication example. Filtering by C(imei) is known
    from a public client, not from the vendor's documentation; so are the order of the events and their fields,
    which are not documented; the events are returned as the API gives them. The C(page_size) parameter that
    the same public client sends is not documented and not sent.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  imei:
    description:
      - Only events of the device with this IMEI (14 to 16 digits). Omit for the events of every device.
    type: str
  limit:
    description:
      - Stop reading pages once this many events are in; RV(truncated) tells whether more were left.
      - V(0) reads every page, which may be many for a device that reports often.
    type: int
    default: 100
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
  - module: fleetops.ping.pingasset_device_info
'''

EXAMPLES = r'''
- name: The latest events of one tracker
  fleetops.ping.pingasset_event_info:
    imei: "357100000870188"
    limit: 20
  delegate_to: localhost
  register: tracker_events

- name: Every event of one tracker
  fleetops.ping.pingasset_event_info:
    imei: "357100000870188"
    limit: 0
  delegate_to: localhost
'''

RETURN = r'''
events:
  description: The events, as the API returns them (their fields are not documented), in the API's order.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1
      imei: "357100000870188"
      timestamp: "2024-03-01T00:00:00Z"
count:
  description: How many events match, as the API counts them.
  returned: always
  type: int
  sample: 25
truncated:
  description: Whether O(limit) left events unread.
  returned: always
  type: bool
  sample: true
pages_read:
  description: How many pages were read.
  returned: always
  type: int
  sample: 2
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import EVENT_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**EVENT_INFO.module_kwargs()), EVENT_INFO)


if __name__ == '__main__':
    main()
