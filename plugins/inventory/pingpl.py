# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: pingpl
short_description: ping.pl uptime monitors as an inventory, one host per monitor
version_added: 0.1.0
description:
  - Reads every monitor of a ping.pl account with C(get-monitors) and the account's alert contacts with
    C(get-contacts), one call each whatever the size of the account, and makes one host of each monitor, named by
    its id by default.
  - ping.pl's API has no filters, so O(filters) are applied here, after the listing.
  - "Host variables, all prefixed C(pingpl_): C(pingpl_monitor_id) (int), C(pingpl_name), C(pingpl_status),
    C(pingpl_type), C(pingpl_tags) (a list, empty when the monitor has none), every other top-level field of the
    monitor in snake_case (C(pingpl_note), C(pingpl_is_shared), C(pingpl_current_outage_id), ...),
    C(pingpl_monitor) (the monitor exactly as read), C(pingpl_read_at) (epoch seconds when it was read; a cached
    inventory keeps the original time), C(pingpl_api_url), and on every host the contact listing read once per
    run, C(pingpl_contacts) and C(pingpl_contacts_read_at)."
  - The modules C(fleetops.ping.pingpl_monitor_state) and C(fleetops.ping.pingpl_contact_state) can use these
    readings instead of listing again (their option C(reading_max_age)).
  - The configuration file's name must end in C(.pingpl.yml) or C(.pingpl.yaml).
author:
  - fleetops.ping maintainers (@fleetops)
extends_documentation_fragment:
  - fleetops.ping.inventory
  - fleetops.ping.inventory.pingpl_api
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin; the configuration file is only read by this plugin when it says so.
    type: str
    required: true
    choices: [fleetops.ping.pingpl]
  filters:
    description:
      - Which monitors become hosts; applied locally, since the API has no filters. A monitor must match every
        filter given.
      - C(status) is a list of statuses (C(ACTIVE), C(INACTIVE), C(DELETED), C(BLOCKED)), C(type) a list of types
        (C(WWW), C(WWW_FULL), C(WWW_SCRIPT), C(WWW_HEALTH), C(PING), C(TCP_UDP), C(MAIL), C(DNS)); a monitor
        matches when its own is one of them (case does not matter).
      - C(tags) is a list of tags; a monitor matches when it carries at least one of them.
    type: dict
    default: {}
  hostnames:
    description:
      - Where each host's name comes from, in order of preference; the first entry that gives a non-empty value
        for an object is its name.
      - Each entry is the name of a host variable this plugin sets (see the description), or a Jinja2 expression
        over those variables, for example V(pingpl_name | lower | replace(' ', '_')).
      - The default, the monitor id, is unique. Monitor names need not be (ping.pl allows two monitors of one name).
    type: list
    elements: str
    default: [pingpl_monitor_id]
'''

EXAMPLES = r'''
# shop.pingpl.yml: the active and paused monitors tagged prod, one host each, named by monitor id.
plugin: fleetops.ping.pingpl
token: "{{ vault_pingpl_key }}"
filters:
  status: [ACTIVE, INACTIVE]
  tags: [prod]
keyed_groups:
  - key: pingpl_tags
    prefix: tag
  - key: pingpl_type | lower
    prefix: type
groups:
  paused: pingpl_status == 'INACTIVE'
compose:
  wanted_state: "'paused' if 'maintenance' in pingpl_tags else 'active'"
'''

import time

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import PingPlClient, as_int
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.plugin_utils.inventory import FleetopsInventory, field_vars

STATUSES = ('ACTIVE', 'INACTIVE', 'DELETED', 'BLOCKED')
TYPES = ('WWW', 'WWW_FULL', 'WWW_SCRIPT', 'WWW_HEALTH', 'PING', 'TCP_UDP', 'MAIL', 'DNS')


def _text_list(name, value):
    if isinstance(value, str):
        value = [v for v in value.split(',') if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModuleFailure('filters.%s: expected a list of strings, found %r (%s)' % (name, value, type(value).__name__))
    return [v.strip() for v in value]


def check_filters(filters):
    if not isinstance(filters, dict):
        raise ModuleFailure('filters: expected a mapping of filter names to values, found %s' % type(filters).__name__)
    unknown = sorted(set(filters) - {'status', 'type', 'tags'})
    if unknown:
        raise ModuleFailure('filters: unknown filter(s) %s; ping.pl monitors can be filtered by status, type and tags'
                            % ', '.join(unknown))
    checked = {}
    for name, allowed in (('status', STATUSES), ('type', TYPES)):
        if filters.get(name) is None:
            continue
        values = [v.upper() for v in _text_list(name, filters[name])]
        wrong = [v for v in values if v not in allowed]
        if wrong:
            raise ModuleFailure('filters.%s: %s not documented; the documented values are %s'
                                % (name, ', '.join(wrong), ', '.join(allowed)))
        checked[name] = sorted(set(values))
    if filters.get('tags') is not None:
        checked['tags'] = sorted(set(_text_list('tags', filters['tags'])))
    return checked


def tags_of(monitor):
    tags = monitor.get('tags')
    if tags in (None, ''):
        return []
    if isinstance(tags, str):
        return [t.strip() for t in tags.split(',') if t.strip()]
    if isinstance(tags, list):
        return [str(t) for t in tags]
    return [str(tags)]


def matches(monitor, filters):
    if 'status' in filters and str(monitor.get('status') or '').upper() not in filters['status']:
        return False
    if 'type' in filters and str(monitor.get('type') or '').upper() not in filters['type']:
        return False
    if 'tags' in filters and not set(tags_of(monitor)) & set(filters['tags']):
        return False
    return True


class InventoryModule(FleetopsInventory):

    NAME = 'fleetops.ping.pingpl'
    PREFIX = 'pingpl'
    CLIENT = PingPlClient
    API_OPTIONS = ('api_url', 'token')
    SECRET_OPTIONS = ('token',)
    ACCOUNT_OPTIONS = ()
    KEY_OPTIONS = ('checked_filters',)
    KIND = 'monitor'

    def check_params(self, params):
        params['checked_filters'] = check_filters(params.get('filters') or {})

    def read(self, client, params):
        monitors = client.get_monitors()
        for monitor in monitors:
            if as_int(monitor.get('id')) is None:
                raise ModuleFailure('POST get-monitors: a monitor has no integer "id"; found keys: %s'
                                    % ', '.join(sorted(str(k) for k in monitor)))
        contacts_read_at = time.time()
        contacts = client.get_contacts()
        return {'objects': monitors, 'contacts': contacts, 'contacts_read_at': contacts_read_at}

    def select(self, objects, params):
        return [m for m in objects if matches(m, params['checked_filters'])]

    def describe(self, obj):
        return '%s (%s)' % (obj.get('id'), obj.get('name'))

    def host_vars(self, obj, data, params):
        variables = field_vars('pingpl', obj)
        variables.update({
            'pingpl_monitor_id': as_int(obj.get('id')),
            'pingpl_name': obj.get('name'),
            'pingpl_status': obj.get('status'),
            'pingpl_type': obj.get('type'),
            'pingpl_tags': tags_of(obj),
            'pingpl_monitor': obj,
            'pingpl_contacts': data.get('contacts') or [],
            'pingpl_contacts_read_at': data.get('contacts_read_at'),
        })
        variables.pop('pingpl_id', None)
        return variables
