# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""runner.execute and runner.run_module: the one way every module's logic is run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import runner
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure, execute, run_module
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient


class Exit(Exception):
    pass


class FakeModule:
    def __init__(self, params, check_mode=False, diff=False):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []
        self.exited = None
        self.failed = None

    def warn(self, msg):
        self.warnings.append(msg)

    def exit_json(self, **kwargs):
        self.exited = kwargs
        raise Exit()

    def fail_json(self, **kwargs):
        self.failed = kwargs
        raise Exit()


class FakeClient:
    def __init__(self, secret):
        self.http = HttpClient('http://127.0.0.1:9')
        self.http.add_secret(secret)


def definition(run, check_params=None, made=None):
    def factory(params, warn):
        if made is not None:
            made.append(params)
        return FakeClient('s3cr3t-value')
    return ModuleDef('fake', {}, run, client_factory=factory, check_params=check_params)


def test_check_params_fail_before_the_client_is_made():
    made = []

    def check(params):
        raise ModuleFailure('iccid: bad')
    result = execute(definition(lambda *a, **k: {}, check_params=check, made=made), {})
    assert result == {'failed': True, 'msg': 'iccid: bad', 'changed': False,
                      'api_calls': {'requests': 0, 'throttled': 0, 'waited_s': 0.0}}
    assert made == []


def test_api_error_becomes_a_failure_with_its_status_and_no_secret():
    def run(params, client, check_mode=False, diff=False):
        raise ApiError('GET /x: HTTP 500: token s3cr3t-value refused', status=500)
    result = execute(definition(run), {})
    assert result['failed'] is True and result['status'] == 500
    assert 's3cr3t-value' not in result['msg'] and 'HTTP 500' in result['msg']


def test_module_failure_keeps_its_extra_keys_and_is_redacted():
    def run(params, client, check_mode=False, diff=False):
        raise ModuleFailure('monitor s3cr3t-value is DELETED', monitor={'id': 1})
    result = execute(definition(run), {})
    assert result['monitor'] == {'id': 1}
    assert result['msg'] == 'monitor ******** is DELETED'


@pytest.mark.parametrize('diff', [True, False])
def test_diff_is_returned_only_in_diff_mode(diff):
    def run(params, client, check_mode=False, diff=False):
        return {'changed': True, 'diff': {'before': {}, 'after': {'a': 1}}}
    result = execute(definition(run), {}, diff=diff)
    assert ('diff' in result) is diff
    assert result['changed'] is True


def test_run_module_fails_with_missing_required_lib_when_requests_is_absent(monkeypatch):
    monkeypatch.setattr(runner, 'HAS_REQUESTS', False)
    monkeypatch.setattr(runner, 'REQUESTS_IMPORT_ERROR', 'ImportError: No module named requests')
    module = FakeModule({})
    with pytest.raises(Exit):
        run_module(module, definition(lambda *a, **k: {}))
    assert 'requests' in module.failed['msg']
    assert 'Failed to import the required Python library' in module.failed['msg']


def test_run_module_passes_check_mode_diff_and_warnings(monkeypatch):
    seen = {}

    def run(params, client, check_mode=False, diff=False):
        seen.update(check_mode=check_mode, diff=diff)
        client.http.warn('ICCID 1: the update met a CAS conflict')
        return {'changed': True, 'diff': {'before': 1, 'after': 2}}

    def factory(params, warn):
        client = FakeClient('s3cr3t-value')
        client.http._warn = warn
        return client
    module = FakeModule({}, check_mode=True, diff=True)
    with pytest.raises(Exit):
        run_module(module, ModuleDef('fake', {}, run, client_factory=factory))
    assert seen == {'check_mode': True, 'diff': True}
    assert module.exited['changed'] is True and module.exited['diff'] == {'before': 1, 'after': 2}
    assert module.warnings == ['ICCID 1: the update met a CAS conflict']
    assert module.exited['api_calls'] == {'requests': 0, 'throttled': 0, 'waited_s': 0.0}


# -- what the calls cost: api_calls and one summary warning ---------------------------

def counted(throttled=0, retried=(), requests=1, waited=0.0):
    """A run that leaves the client's counters as a throttled or retried task would."""
    def run(params, client, check_mode=False, diff=False):
        http = client.http
        http.api_title = 'Monogoto API'
        http._count(requests_sent=requests, throttled=throttled, waited=waited)
        for what in retried:
            http._count(retried=what)
        return {'changed': False}
    return run


def test_every_result_carries_api_calls_and_no_warning_when_nothing_was_retried():
    warnings = []
    result = execute(definition(counted(requests=3, waited=0.25)), {}, warn=warnings.append)
    assert result['api_calls'] == {'requests': 3, 'throttled': 0, 'waited_s': 0.25}
    assert warnings == [] and 'warnings' not in result


def test_a_throttled_task_gets_one_warning_that_sums_it_up():
    warnings = []
    retried = ['GET /thing/ThingId_ICCID_1: HTTP 429 with Retry-After'] * 4 + ['PUT /thing/update/: HTTP 503']
    result = execute(definition(counted(throttled=4, retried=retried, requests=7, waited=3.24)), {},
                     warn=warnings.append)
    assert result['api_calls'] == {'requests': 7, 'throttled': 4, 'waited_s': 3.24}
    assert warnings == ['Monogoto API throttled this task 4 time(s); it waited 3.2 s in total (7 request(s) sent, '
                        '5 resent: GET /thing/ThingId_ICCID_1: HTTP 429 with Retry-After x4; '
                        'PUT /thing/update/: HTTP 503 x1); see docs/rate-limits.md']


def test_a_retried_task_gets_one_warning_and_a_failed_one_keeps_its_counts():
    def run(params, client, check_mode=False, diff=False):
        client.http._count(requests_sent=4, waited=1.5)
        for dummy in range(3):
            client.http._count(retried='GET /things: connection failed')
        raise ApiError('GET /things: connection failed (s3cr3t-value)')
    warnings = []
    result = execute(definition(run), {}, warn=warnings.append)
    assert result['failed'] is True and 's3cr3t-value' not in result['msg']
    assert result['api_calls'] == {'requests': 4, 'throttled': 0, 'waited_s': 1.5}
    assert warnings == ['API: this task resent 3 request(s); it waited 1.5 s in total (4 request(s) sent, 3 resent: '
                        'GET /things: connection failed x3); see docs/rate-limits.md']


def test_the_summary_names_at_most_three_requests_and_is_redacted():
    retried = ['GET /a/s3cr3t-value: HTTP 503', 'GET /b: HTTP 503', 'GET /c: HTTP 503', 'GET /d: HTTP 503']
    result = execute(definition(counted(retried=retried, requests=8)), {})
    (summary,) = result['warnings']  # without a warn callback the warning is returned in the result
    assert 's3cr3t-value' not in summary and 'GET /a/********: HTTP 503 x1' in summary
    assert 'GET /d' not in summary and '; and 1 more)' in summary
