# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When the action plugin runs a module's logic in-process, and when it falls back to the real module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import transport
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_STATE
from ansible_collections.fleetops.ping.plugins.plugin_utils import inprocess
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction, task_environment


class Bag:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def action(transport_name='local', async_val=0, become=False, args=None):
    plugin = InProcessAction.__new__(InProcessAction)
    plugin.MODULE = THING_STATE
    plugin._connection = Bag(transport=transport_name)
    plugin._task = Bag(async_val=async_val, environment=None, args=args or {}, action='fleetops.ping.monogoto_thing_state')
    plugin._play_context = Bag(become=become, check_mode=False, diff=False)
    return plugin


def test_local_task_runs_in_process(monkeypatch):
    monkeypatch.delenv(inprocess.ENV_SWITCH, raising=False)
    assert action().in_process_reason() is None


@pytest.mark.parametrize('kwargs, env, words', [
    ({'transport_name': 'ssh'}, None, 'does not run on the controller'),
    ({'transport_name': 'paramiko_ssh'}, None, 'does not run on the controller'),
    ({'async_val': 30}, None, 'async'),
    ({'become': True}, None, 'become'),
    ({}, '0', 'FLEETOPS_PING_IN_PROCESS is off'),
    ({}, 'false', 'FLEETOPS_PING_IN_PROCESS is off'),
])
def test_falls_back_to_the_module(monkeypatch, kwargs, env, words):
    if env is None:
        monkeypatch.delenv(inprocess.ENV_SWITCH, raising=False)
    else:
        monkeypatch.setenv(inprocess.ENV_SWITCH, env)
    reason = action(**kwargs).in_process_reason()
    assert reason is not None and words in reason


def test_falls_back_when_requests_is_missing_on_the_controller(monkeypatch):
    monkeypatch.delenv(inprocess.ENV_SWITCH, raising=False)
    monkeypatch.setattr(transport, 'HAS_REQUESTS', False)
    assert 'requests' in action().in_process_reason()


def test_task_environment_is_applied_and_restored(monkeypatch):
    monkeypatch.setenv('FLEETOPS_TEST_KEEP', 'before')
    monkeypatch.delenv('FLEETOPS_TEST_NEW', raising=False)
    with task_environment({'FLEETOPS_TEST_KEEP': 'during', 'FLEETOPS_TEST_NEW': 1}):
        assert os.environ['FLEETOPS_TEST_KEEP'] == 'during'
        assert os.environ['FLEETOPS_TEST_NEW'] == '1'
    assert os.environ['FLEETOPS_TEST_KEEP'] == 'before'
    assert 'FLEETOPS_TEST_NEW' not in os.environ


def test_validation_failure_is_reported_like_the_module_and_masks_secrets(monkeypatch):
    for name in ('MONOGOTO_TOKEN', 'MONOGOTO_USERNAME', 'MONOGOTO_PASSWORD'):
        monkeypatch.delenv(name, raising=False)
    result = action(args={'iccid': '8912372646888991', 'state': 'RETIRED', 'password': 'hunter2-secret',
                          'username': 'u'}).run_in_process()
    assert result['failed'] is True
    assert result['msg'] == 'value of state must be one of: ACTIVE, SUSPENDED, got: RETIRED'
    assert result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    assert 'hunter2-secret' not in repr(result)


def test_unsupported_option_names_the_module():
    result = action(args={'iccid': '8912372646888991', 'state': 'ACTIVE', 'colour': 'blue'}).run_in_process()
    assert result['failed'] is True
    assert result['msg'].startswith('Unsupported parameters for (fleetops.ping.monogoto_thing_state) module: colour.')
