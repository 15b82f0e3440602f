# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``invocation`` in a result: the in-process path adds it exactly when the module path does on this ansible-core.

Up to ansible-core 2.20 every module result carries it. From 2.21 on, a module adds it only when
``INJECT_INVOCATION`` is set (``ANSIBLE_INJECT_INVOCATION``, or the variable ``ansible_inject_invocation``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import pingpl_modules as pm
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import injects_invocation
from ansible_collections.fleetops.ping.tests.unit.plugins.action.parity_helpers import (
    ASKS_FOR_INVOCATION, as_module, in_process)
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY

NO_LOG_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


@pytest.mark.parametrize('asked', [True, False])
def test_both_paths_return_invocation_alike(sim, monkeypatch, asked):
    monkeypatch.delenv('ANSIBLE_INJECT_INVOCATION', raising=False)
    args = {'api_url': sim.url + '/pingpl/1.0', 'token': PINGPL_KEY, 'timeout': 5}
    module_result = as_module('pingpl_account_info', args, invocation=asked)
    local_result = in_process(pm.ACCOUNT_INFO, args, invocation=asked)
    assert 'failed' not in module_result, module_result.get('msg')
    expected = asked or not ASKS_FOR_INVOCATION
    assert ('invocation' in module_result) is expected
    assert ('invocation' in local_result) is expected
    if expected:
        assert local_result['invocation'] == module_result['invocation']
        assert local_result['invocation']['module_args']['token'] == NO_LOG_MASK
    for result in (module_result, local_result):
        assert PINGPL_KEY not in json.dumps(result)


def test_the_in_process_path_reads_inject_invocation_as_ansible_core_does(monkeypatch):
    monkeypatch.delenv('ANSIBLE_INJECT_INVOCATION', raising=False)
    if not ASKS_FOR_INVOCATION:
        # ansible-core 2.20 and older: no such setting, every module result has it.
        assert injects_invocation({}) is True
        assert injects_invocation({'ansible_inject_invocation': False}) is True
        return
    assert injects_invocation({}) is False
    assert injects_invocation(None) is False
    assert injects_invocation({'ansible_inject_invocation': True}) is True
    monkeypatch.setenv('ANSIBLE_INJECT_INVOCATION', '1')
    assert injects_invocation({}) is True
