# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The same ping.pl module run as a module process and in-process returns the same result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import pingpl_modules as pm
from ansible_collections.fleetops.ping.tests.unit.plugins.action.parity_helpers import as_module, in_process, normalized
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY

VOLATILE = ('invocation', 'warnings')


def connection(sim):
    return {'api_url': sim.url + '/pingpl/1.0', 'token': PINGPL_KEY, 'timeout': 5}


def pingpl_log(sim):
    return [e for e in sim.log() if e['api'] == 'pingpl']


CASES = [
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'monitor_id': 3009, 'state': 'paused'}, False),
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'name': 'Sklep - rejestracja', 'state': 'paused'}, True),
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'monitor_id': 3301, 'state': 'paused'}, False),
    ('pingpl_contact_state', pm.CONTACT_STATE, {'email': 'user@example.com', 'state': 'inactive'}, False),
    ('pingpl_monitor_info', pm.MONITOR_INFO,
     {'tags': ['prod'], 'include_data': True, 'include_outages': True, 'date_from': '2024-02-01',
      'date_to': '2024-02-03'}, False),
    ('pingpl_outage_info', pm.OUTAGE_INFO, {'outage_id': 47017}, False),
    ('pingpl_outage_info', pm.OUTAGE_INFO, {'monitor_id': 3009, 'limit': 2}, False),
    ('pingpl_contact_info', pm.CONTACT_INFO, {'statuses': ['ACTIVE']}, False),
    ('pingpl_account_info', pm.ACCOUNT_INFO, {}, False),
]


@pytest.mark.parametrize('name, defn, args, check_mode', CASES,
                         ids=['%s-%d' % (c[0], i) for i, c in enumerate(CASES)])
def test_module_and_in_process_agree(sim, name, defn, args, check_mode):
    full = dict(connection(sim), **args)
    module_result = as_module(name, full, check_mode=check_mode, diff=True)
    module_log = [(e['path'], e['write']) for e in pingpl_log(sim)]
    sim.reset()
    local_result = in_process(defn, full, check_mode=check_mode, diff=True)
    local_log = [(e['path'], e['write']) for e in pingpl_log(sim)]
    assert 'failed' not in module_result, module_result.get('msg')
    assert normalized(module_result, VOLATILE) == normalized(local_result, VOLATILE)
    assert sorted(module_log) == sorted(local_log)  # concurrent reads may interleave
    for result in (module_result, local_result):
        assert PINGPL_KEY not in json.dumps(result)
        assert result['invocation']['module_args']['token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    for entry in pingpl_log(sim):
        assert 'token' not in entry['query']


@pytest.mark.parametrize('name, defn, args', [
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'name': 'Kopia zapasowa', 'state': 'paused'}),
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'monitor_id': 3302, 'state': 'paused'}),
    ('pingpl_outage_info', pm.OUTAGE_INFO, {'outage_id': 3}),
    ('pingpl_monitor_info', pm.MONITOR_INFO, {'include_data': True, 'date_from': '2024-02-31'}),
    ('pingpl_monitor_state', pm.MONITOR_STATE, {'monitor_id': 3009, 'name': 'x', 'state': 'paused'}),
    ('pingpl_contact_state', pm.CONTACT_STATE, {'contact_id': 123, 'state': 'gone'}),
], ids=['ambiguous', 'deleted', 'error-header', 'bad-date', 'exclusive', 'choices'])
def test_failures_agree(sim, name, defn, args):
    full = dict(connection(sim), **args)
    module_result = as_module(name, full)
    local_result = in_process(defn, full)
    assert module_result['failed'] and local_result['failed']
    assert module_result['msg'] == local_result['msg']
    for key in ('monitor_ids', 'monitor', 'status'):
        assert module_result.get(key) == local_result.get(key)
    assert [e for e in pingpl_log(sim) if e['write']] == []
    for result in (module_result, local_result):
        assert PINGPL_KEY not in json.dumps(result)


def test_environment_fallbacks_agree(sim, monkeypatch):
    monkeypatch.setenv('PINGPL_API_URL', sim.url + '/pingpl/1.0')
    monkeypatch.setenv('PINGPL_TOKEN', PINGPL_KEY)
    local_result = in_process(pm.ACCOUNT_INFO, {})
    assert local_result['account']['email'] == 'admin@ping.pl'
    assert PINGPL_KEY not in json.dumps(local_result)
