# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: pingasset
short_description: PING asset trackers as an inventory, one host per device
version_added: 0.1.0
description:
  - Lists the devices (trackers) of a PING asset account with C(GET /1.0/devices/devices/) and makes one host of
    each, named by its IMEI by default.
  - O(filters) are sent to the API as query parameters, as the vendor documents them; nothing is filtered
    afterwards. The first page is read alone; once it gives C(num_pages), the other pages are read O(concurrency)
    at a time. No call is made per device.
  - "Host variables, all prefixed C(pingasset_): C(pingasset_imei), C(pingasset_mac), C(pingasset_fault),
    C(pingasset_customer_group_id), C(pingasset_latitude), C(pingasset_longitude), every other top-level field of
    the device in snake_case (C(pingasset_id), C(pingasset_name), C(pingasset_last_event_timestamp), ...),
    C(pingasset_device) (the device exactly as read), C(pingasset_read_at) (epoch seconds when it was read; a cached
    inventory keeps the original time) and C(pingasset_api_url)."
  - The fields of a device are not documented (the vendor's page stops inside the filters); a field the API does not
    send is left as null.
  - The configuration file's name must end in C(.pingasset.yml) or C(.pingasset.yaml).
author:
  - fleetops.ping maintainers (@fleetops)
extends_documentation_fragment:
  - fleetops.ping.inventory
  - fleetops.ping.inventory.pingasset_api
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin; the configuration file is only read by this plugin when it says so.
    type: str
    required: true
    choices: [fleetops.ping.pingasset]
  filters:
    description:
      - Device filters, sent as query parameters of the listing; each is checked for its type before any request.
      - C(imei) (14 to 16 digits), C(mac), C(search) (str); C(fault) (bool); C(customer_group_id) (int);
        C(latitude) and C(longitude) (float, together) with C(radius__lte) or C(radius__gte) (int, meters);
        C(geogroup_inside), C(geogroup_outside) (int, a geogroup id) with C(geogroup_distance) (int, meters);
        C(ordering) (list of C(imei), C(mac), C(last_event_timestamp), C(last_event_created_at), C(created_at),
        C(modified_at), each optionally prefixed with C(-)).
    type: dict
    default: {}
  hostnames:
    description:
      - Where each host's name comes from, in order of preference; the first entry that gives a non-empty value
        for an object is its name.
      - Each entry is the name of a host variable this plugin sets (see the description), or a Jinja2 expression
        over those variables, for example V('tracker-' ~ pingasset_id).
      - The default, the IMEI, is unique among devices.
    type: list
    elements: str
    default: [pingasset_imei]
'''

EXAMPLES = r'''
# trackers.pingasset.yml: the faulty trackers of customer group 2, one host each, named by IMEI.
plugin: fleetops.ping.pingasset
client_id: "{{ lookup('env', 'PINGASSET_CLIENT_ID') }}"
client_secret: "{{ vault_pingasset_client_secret }}"
filters:
  fault: true
  customer_group_id: 2
  ordering: [-last_event_timestamp]
keyed_groups:
  - key: pingasset_customer_group_id | string
    prefix: customer_group
groups:
  near_times_square: pingasset_latitude | float > 40.7 and pingasset_latitude | float < 40.8

# Trackers within 5 km of a point.
# plugin: fleetops.ping.pingasset
# filters: {latitude: 40.758970, longitude: -73.984479, radius__lte: 5000}
'''

from ansible.module_utils.common.validation import check_type_bool, check_type_float, check_type_int, check_type_list, check_type_str

from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import DEVICES, PingAssetClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import (
    check_device_info_params,
    device_query,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.plugin_utils.inventory import FleetopsInventory, field_vars

FILTER_TYPES = {
    'imei': check_type_str,
    'mac': check_type_str,
    'search': check_type_str,
    'fault': check_type_bool,
    'customer_group_id': check_type_int,
    'latitude': check_type_float,
    'longitude': check_type_float,
    'radius__lte': check_type_int,
    'radius__gte': check_type_int,
    'geogroup_inside': check_type_int,
    'geogroup_outside': check_type_int,
    'geogroup_distance': check_type_int,
    'ordering': check_type_list,
}
TYPE_NAMES = {check_type_str: 'a string', check_type_bool: 'a boolean', check_type_int: 'an integer',
              check_type_float: 'a number', check_type_list: 'a list'}


def check_filters(filters):
    """The filters converted to their documented types and validated as pingasset_device_info validates them."""
    if not isinstance(filters, dict):
        raise ModuleFailure('filters: expected a mapping of filter names to values, found %s' % type(filters).__name__)
    unknown = sorted(set(filters) - set(FILTER_TYPES))
    if unknown:
        raise ModuleFailure('filters: unknown filter(s) %s; the documented device filters are %s'
                            % (', '.join(unknown), ', '.join(sorted(FILTER_TYPES))))
    params = dict((k, None) for k in FILTER_TYPES)
    for name, value in filters.items():
        if value is None:
            continue
        checker = FILTER_TYPES[name]
        wrong = isinstance(value, bool) and checker is not check_type_bool
        wrong = wrong or (checker is check_type_str and not isinstance(value, (str, int)))
        if wrong:
            raise ModuleFailure('filters.%s: expected %s, found %r (%s)' % (name, TYPE_NAMES[checker], value, type(value).__name__))
        try:
            params[name] = checker(value)
        except (TypeError, ValueError):
            raise ModuleFailure('filters.%s: expected %s, found %r (%s)' % (name, TYPE_NAMES[checker], value, type(value).__name__))
    if (params['latitude'] is None) != (params['longitude'] is None):
        raise ModuleFailure('filters: latitude and longitude must be given together')
    params['limit'] = None
    check_device_info_params(params)
    return params


class InventoryModule(FleetopsInventory):

    NAME = 'fleetops.ping.pingasset'
    PREFIX = 'pingasset'
    CLIENT = PingAssetClient
    API_OPTIONS = ('api_url', 'client_id', 'client_secret', 'access_token')
    SECRET_OPTIONS = ('client_secret', 'access_token')
    ACCOUNT_OPTIONS = ('client_id',)
    KEY_OPTIONS = ('query',)
    KIND = 'device'

    def check_params(self, params):
        checked = check_filters(params.get('filters') or {})
        params['query'] = device_query(checked)

    def read(self, client, params):
        client.auth.token()  # one token, before any worker thread starts
        devices, meta = client.list_devices(params['query'], workers=params['concurrency'])
        for device in devices:
            if not isinstance(device, dict):
                raise ModuleFailure('GET %s: expected each device to be an object, found %s' % (DEVICES, type(device).__name__))
        return {'objects': devices, 'count': meta['count']}

    def describe(self, obj):
        return 'id %s (IMEI %s)' % (obj.get('id'), obj.get('imei'))

    def host_vars(self, obj, data, params):
        variables = field_vars('pingasset', obj)
        for key in ('imei', 'mac', 'fault', 'customer_group_id', 'latitude', 'longitude'):
            variables['pingasset_%s' % key] = obj.get(key)
        if variables['pingasset_imei'] is not None:
            variables['pingasset_imei'] = str(variables['pingasset_imei'])
        variables['pingasset_device'] = obj
        return variables
