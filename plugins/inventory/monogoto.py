# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: monogoto
short_description: Monogoto SIMs (Things) as an inventory, one host per SIM
version_added: 0.1.0
description:
  - Lists every Thing (SIM) of a Monogoto account with the listing call C(GET /things), page after page, and makes
    one host of each, named by its ICCID by default.
  - The listing reads the whole fleet in one request per 50 Things, never one per host; O(concurrency) pages are
    read at once. With O(include_status), the data-session status of every Thing is added from
    C(GET /thing/status), 50 Things per call, also O(concurrency) at once.
  - "Host variables, all prefixed C(monogoto_): C(monogoto_iccid), C(monogoto_imei), C(monogoto_master_imei),
    C(monogoto_lock_master_imei) (bool), C(monogoto_state), C(monogoto_ip) (the first of C(IPs[].IP), or C(IPv4)),
    every other top-level field of the Thing in snake_case (C(monogoto_thing_name), C(monogoto_msisdn),
    C(monogoto_things_group_id), C(monogoto_cas), ...), C(monogoto_thing) (the Thing exactly as the listing returned
    it), C(monogoto_read_at) (epoch seconds when it was read; a cached inventory keeps the original time),
    C(monogoto_api_url); with O(include_status) also C(monogoto_connection_status) (C(CONNECTED) or
    C(DISCONNECTED)), C(monogoto_session) (the status entry as read) and its other fields in snake_case
    (C(monogoto_provision_status), C(monogoto_active_imsi), ...)."
  - The modules C(fleetops.ping.monogoto_thing_imei), C(fleetops.ping.monogoto_thing) and
    C(fleetops.ping.monogoto_thing_state) can use C(monogoto_thing) as their reading of the Thing instead of reading it again (their option C(reading_max_age)).
  - The configuration file's name must end in C(.monogoto.yml) or C(.monogoto.yaml).
  - The listing call is not in Monogoto's documentation; its answer is read defensively (a bare list, or a list under
    C(Data), C(Things) or C(results)) and paging stops at a short page. It announces no total, so a page that is more
    than half made of Things already listed, or a listing of more than O(max_things) Things, fails instead of
    paging on.
author:
  - fleetops.ping maintainers (@fleetops)
extends_documentation_fragment:
  - fleetops.ping.inventory
  - fleetops.ping.inventory.monogoto_api
  - constructed
  - inventory_cache
options:
  plugin:
    description:
      - The name of this plugin; the configuration file is only read by this plugin when it says so.
    type: str
    required: true
    choices: [fleetops.ping.monogoto]
  include_status:
    description:
      - Add each Thing's data-session status (C(monogoto_connection_status) and the status fields), read in batches
        of 50 Things per C(GET /thing/status).
    type: bool
    default: false
  max_things:
    description:
      - The most Things the listing reads; past it the inventory fails instead of reading on (the listing
        announces no total, so this bounds what an API whose pages never end can cost).
    type: int
    default: 1000000
    version_added: 0.2.0
  hostnames:
    description:
      - Where each host's name comes from, in order of preference; the first entry that gives a non-empty value
        for an object is its name.
      - Each entry is the name of a host variable this plugin sets (see the description), or a Jinja2 expression
        over those variables, for example V(monogoto_thing.ThingName).
      - The default, the ICCID, is unique in an account.
    type: list
    elements: str
    default: [monogoto_iccid]
'''

EXAMPLES = r'''
# fleet.monogoto.yml: every SIM of the account, one host each, named by ICCID.
plugin: fleetops.ping.monogoto
username: "{{ lookup('env', 'MONOGOTO_USERNAME') }}"
password: "{{ vault_monogoto_password }}"   # an extra var (-e @vault.yml) or a vault-encrypted value
include_status: true
concurrency: 8
compose:
  sim_state: "'SUSPENDED' if monogoto_thing.ThingDescription is search('spare') else 'ACTIVE'"
groups:
  connected: monogoto_connection_status == 'CONNECTED'
  unlocked: not monogoto_lock_master_imei
keyed_groups:
  - key: monogoto_state | lower
    prefix: state
  - key: monogoto_things_group_id
    prefix: group
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/fleetops.ping/inventory
cache_timeout: 300

# Named by the Thing's name instead, falling back to the ICCID; a duplicate name fails unless told to warn.
# plugin: fleetops.ping.monogoto
# hostnames: [monogoto_thing_name, monogoto_iccid]
# duplicate_hostnames: warn
'''

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import MonogotoClient, find_key, thing_id
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import (
    _iccid_of,
    imei_state,
    list_all_things,
    thing_statuses,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.plugin_utils.inventory import FleetopsInventory, field_vars, snake


def first_ip(thing):
    _k, ips = find_key(thing, 'IPs')
    if isinstance(ips, list):
        for entry in ips:
            _k, value = find_key(entry, 'IP')
            if value:
                return str(value)
    _k, value = find_key(thing, 'IPv4')
    return str(value) if value else None


class InventoryModule(FleetopsInventory):

    NAME = 'fleetops.ping.monogoto'
    PREFIX = 'monogoto'
    CLIENT = MonogotoClient
    API_OPTIONS = ('api_url', 'token', 'username', 'password', 'customer_id')
    SECRET_OPTIONS = ('token', 'password')
    ACCOUNT_OPTIONS = ('username', 'customer_id')
    KEY_OPTIONS = ('include_status',)
    KIND = 'Thing'

    def check_params(self, params):
        if params.get('max_things') is not None and params['max_things'] < 1:
            raise ModuleFailure('max_things: must be 1 or more, found %s' % params['max_things'])

    def read(self, client, params):
        workers = params['concurrency']
        client.auth.token()  # log in once, before any worker thread starts
        things = list_all_things(client, workers=workers, max_things=params.get('max_things'))
        for thing in things:
            if not isinstance(thing, dict):
                raise ModuleFailure('GET /things: expected each Thing to be an object, found %s' % type(thing).__name__)
        data = {'objects': things}
        if params.get('include_status'):
            data['statuses'] = thing_statuses(client, [_iccid_of(t) for t in things], workers)
        return data

    def describe(self, obj):
        _k, tid = find_key(obj, 'ThingId')
        return str(tid or _iccid_of(obj) or '(a Thing without ThingId)')

    def host_vars(self, obj, data, params):
        variables = field_vars('monogoto', obj)
        iccid = _iccid_of(obj)
        imei = imei_state(obj)
        _k, reported = find_key(obj, 'IMEI')
        _k, state = find_key(obj, 'State')
        variables.update({
            'monogoto_iccid': iccid,
            'monogoto_imei': str(reported) if reported not in (None, '') else None,
            'monogoto_master_imei': imei['MasterIMEI'],
            'monogoto_lock_master_imei': imei['LockMasterImei'],
            'monogoto_state': state,
            'monogoto_ip': first_ip(obj),
            'monogoto_thing': obj,
        })
        statuses = data.get('statuses')
        if statuses is not None:
            status = statuses.get(thing_id(iccid)) if iccid else None
            variables['monogoto_session'] = status
            variables['monogoto_connection_status'] = status.get('ConnectionStatus') if status else None
            for key, value in (status or {}).items():
                variables.setdefault('monogoto_%s' % snake(key), value)
        return variables
