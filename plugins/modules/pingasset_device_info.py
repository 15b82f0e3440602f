#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: pingasset_device_info
short_description: List PING asset devices (trackers), with the documented filters
version_added: 0.1.0
description:
  - Lists the devices of the customer (C(GET /1.0/devices/devices/)), every page unless O(limit) stops it earlier.
  - Every documented filter is available and sent as a query parameter; filters combine (AND).
  - The vendor documentation available for this collection stops inside the list of device filters. No filter,
    and no device field, beyond the ones listed here is known; the devices are returned as the API gives them.
    The device details call and the device-group calls are not documented and not used.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  imei:
    description:
      - Only the device with this IMEI (14 to 16 digits). The check digit is not verified, since the vendor's own
        example (990000862471854) does not pass it.
    type: str
  mac:
    description:
      - Only the device with this MAC address of its network interface, for example C(00:A0:C9:14:C8:29).
    type: str
  search:
    description:
      - A search term matched by the API against the IMEI and the MAC address.
    type: str
  fault:
    description:
      - V(true) for faulty devices only, V(false) for healthy ones only (sent as C(true)/C(false)).
    type: bool
  customer_group_id:
    description:
      - Only devices assigned to the customer group with this id.
    type: int
  latitude:
    description:
      - Latitude of a point, in degrees; with O(longitude) and O(radius__lte) or O(radius__gte).
    type: float
  longitude:
    description:
      - Longitude of that point, in degrees.
    type: float
  radius__lte:
    description:
      - Only devices whose last known location is within this many meters of O(latitude)/O(longitude).
      - Requires O(latitude) and O(longitude) (the API ignores it without them; the module refuses it).
    type: int
  radius__gte:
    description:
      - Only devices whose last known location is at least this many meters from O(latitude)/O(longitude).
      - Requires O(latitude) and O(longitude).
    type: int
  geogroup_inside:
    description:
      - Only devices whose last known location is inside the boundary of the geo group with this id.
    type: int
  geogroup_outside:
    description:
      - Only devices whose last known location is outside the boundary of the geo group with this id.
    type: int
  geogroup_distance:
    description:
      - A distance in meters to the geo group's boundary, used with O(geogroup_inside) or O(geogroup_outside).
        The documentation's only example, C(geogroup_inside=7&geogroup_distance=1000), reads "farther than 1000
        meters of geo group with ID=7 boundary"; the exact meaning beyond that example is not documented.
    type: int
  ordering:
    description:
      - Fields to order by, of C(imei), C(mac), C(last_event_timestamp), C(last_event_created_at), C(created_at)
        and C(modified_at); prefix with C(-) for descending order.
    type: list
    elements: str
  limit:
    description:
      - Stop reading pages once this many devices are in; RV(truncated) tells whether more were left.
      - Omit to read every page.
    type: int
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
  - module: fleetops.ping.pingasset_event_info
'''

EXAMPLES = r'''
- name: Faulty devices within 5 km of Times Square
  fleetops.ping.pingasset_device_info:
    fault: true
    latitude: 40.758970
    longitude: -73.984479
    radius__lte: 5000
  delegate_to: localhost
  register: nearby

- name: Devices that left the depot geo group, most recently heard first
  fleetops.ping.pingasset_device_info:
    geogroup_outside: 7
    ordering: ["-last_event_timestamp"]
  delegate_to: localhost

- name: Devices deep inside geo group 7 (the documented example)
  fleetops.ping.pingasset_device_info:
    geogroup_inside: 7
    geogroup_distance: 1000
  delegate_to: localhost

- name: The first 50 devices of customer group 3
  fleetops.ping.pingasset_device_info:
    customer_group_id: 3
    limit: 50
  delegate_to: localhost
'''

RETURN = r'''
devices:
  description:
    - The devices, as the API returns them (their fields are not documented), in the API's order.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      imei: "357100000870188"
      mac: 00:A0:C9:00:0B:7B
      fault: false
count:
  description: How many devices match, as the API counts them (more than are returned when O(limit) stopped early).
  returned: always
  type: int
  sample: 27
truncated:
  description: Whether O(limit) left devices unread.
  returned: always
  type: bool
  sample: false
pages_read:
  description: How many pages were read.
  returned: always
  type: int
  sample: 3
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

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import DEVICE_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**DEVICE_INFO.module_kwargs()), DEVICE_INFO)


if __name__ == '__main__':
    main()
