# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The same PING asset module run as a module process and in-process returns the same result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import pingasset_modules as pm
from ansible_collections.fleetops.ping.tests.unit.plugins.action.parity_helpers import as_module, in_process, normalized
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, USER_PASSWORD

VOLATILE = ('invocation', 'modified_at', 'created_at', 'checksum', 'warnings')


def credentials(sim):
    return {'api_url': sim.url + '/pingasset', 'client_id': DEMO_CLIENT_ID, 'client_secret': DEMO_CLIENT_SECRET}


CASES = [
    ('pingasset_account_info', pm.ACCOUNT_INFO, {}, False),
    ('pingasset_configuration_info', pm.CONFIGURATION_INFO, {'ordering': ['-name']}, False),
    ('pingasset_device_info', pm.DEVICE_INFO, {'fault': False, 'customer_group_id': 2}, False),
    ('pingasset_event_info', pm.EVENT_INFO, {'limit': 15}, False),
    ('pingasset_application_info', pm.APPLICATION_INFO, {}, False),
    ('pingasset_configuration', pm.CONFIGURATION,
     {'name': 'Custom Configuration', 'settings': {'reporting_interval': 900}, 'state': 'published'}, True),
    ('pingasset_application', pm.APPLICATION,
     {'name': 'Backup event retriever', 'authorization_grant_type': 'client-credentials'}, True),
    ('pingasset_account_password', pm.ACCOUNT_PASSWORD,
     {'old_password': USER_PASSWORD, 'new_password': 'parity-Pa55word-Xw3'}, True),
]
NEW_PASSWORD = 'parity-Pa55word-Rt6'


@pytest.mark.parametrize('old', [USER_PASSWORD, 'not-the-Pa55word-Zk2'], ids=['changed', 'refused'])
def test_password_change_agrees_and_shows_no_password(sim, old):
    full = dict(credentials(sim), old_password=old, new_password=NEW_PASSWORD)
    module_result = as_module('pingasset_account_password', full)
    module_changes = sim.state('pingasset')['password_changes']
    sim.reset()
    local_result = in_process(pm.ACCOUNT_PASSWORD, full)
    assert sim.state('pingasset')['password_changes'] == module_changes == (1 if old == USER_PASSWORD else 0)
    assert normalized(module_result, VOLATILE) == normalized(local_result, VOLATILE)
    assert bool(module_result.get('failed')) is (old != USER_PASSWORD)
    for result in (module_result, local_result):
        text = json.dumps(result)
        assert old not in text and NEW_PASSWORD not in text
        for option in ('old_password', 'new_password'):
            assert result['invocation']['module_args'][option] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


@pytest.mark.parametrize('name, defn, args, check_mode', CASES, ids=[c[0] for c in CASES])
def test_module_and_in_process_agree(sim, name, defn, args, check_mode):
    full = dict(credentials(sim), **args)
    module_result = as_module(name, full, check_mode=check_mode, diff=True)
    sim.reset()
    local_result = in_process(defn, full, check_mode=check_mode, diff=True)
    assert 'failed' not in module_result, module_result.get('msg')
    assert normalized(module_result, VOLATILE) == normalized(local_result, VOLATILE)
    # Neither path echoes the secret, and both mask it in the invocation.
    for result in (module_result, local_result):
        assert DEMO_CLIENT_SECRET not in json.dumps(result)
        assert result['invocation']['module_args']['client_secret'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_failures_agree(sim):
    full = dict(credentials(sim), radius__lte=100)
    module_result = as_module('pingasset_device_info', full)
    local_result = in_process(pm.DEVICE_INFO, full)
    assert module_result['failed'] and local_result['failed']
    assert module_result['msg'] == local_result['msg']
    assert [e for e in sim.log() if e['api'] == 'pingasset'] == []
