# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The same PING asset module run as a module process and in-process returns the same result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import pingasset as _client_module
from ansible_collections.fleetops.ping.plugins.module_utils import pingasset_modules as pm
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

# .../<root>/ansible_collections/fleetops/ping/plugins/module_utils/pingasset.py -> <root>
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_client_module.__file__), *(['..'] * 5)))
MODULES = os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'fleetops', 'ping', 'plugins', 'modules')
VOLATILE = ('invocation', 'modified_at', 'created_at', 'checksum', 'warnings')


def credentials(sim):
    return {'api_url': sim.url + '/pingasset', 'client_id': DEMO_CLIENT_ID, 'client_secret': DEMO_CLIENT_SECRET}


def as_module(name, args, check_mode=False, diff=False):
    payload = dict(args)
    payload.update({'_ansible_check_mode': check_mode, '_ansible_diff': diff, '_ansible_no_log': False})
    env = dict(os.environ)
    env['PYTHONPATH'] = COLLECTIONS_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.run([sys.executable, os.path.join(MODULES, name + '.py')],
                          input=json.dumps({'ANSIBLE_MODULE_ARGS': payload}), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=60, check=False)
    return json.loads(proc.stdout)


def in_process(defn, args, check_mode=False, diff=False):
    """What the action plugin does, without a task around it."""
    action = InProcessAction.__new__(InProcessAction)
    action.MODULE = defn

    class Task:
        environment = None
        args = {}
    action._task = Task()
    action._task.args = dict(args)

    class Ctx:
        pass
    action._play_context = Ctx()
    action._play_context.check_mode = check_mode
    action._play_context.diff = diff
    return action.run_in_process()


def normalized(result):
    def clean(value):
        if isinstance(value, dict):
            return dict((k, clean(v)) for k, v in value.items() if k not in VOLATILE)
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(result)


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
]


@pytest.mark.parametrize('name, defn, args, check_mode', CASES, ids=[c[0] for c in CASES])
def test_module_and_in_process_agree(sim, name, defn, args, check_mode):
    full = dict(credentials(sim), **args)
    module_result = as_module(name, full, check_mode=check_mode, diff=True)
    sim.reset()
    local_result = in_process(defn, full, check_mode=check_mode, diff=True)
    assert 'failed' not in module_result, module_result.get('msg')
    assert normalized(module_result) == normalized(local_result)
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
