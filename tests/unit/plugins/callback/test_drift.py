# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleetops.ping.drift callback: what it records from task results, the files it writes, the exit status."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import sys

import pytest
import yaml

from ansible import constants as C
from ansible import context
from ansible.executor.stats import AggregateStats
from ansible.module_utils.common.collections import ImmutableDict

from ansible_collections.fleetops.ping.plugins.callback import drift
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD

THING = 'ThingId_ICCID_8944500100000000020'
DIFF = {'before': {'LockMasterImei': False}, 'after': {'LockMasterImei': True}, 'before_header': THING, 'after_header': THING}


class FakeHost:
    def __init__(self, name):
        self.name = name

    def get_name(self):
        return self.name


class FakeTask:
    def __init__(self, name, action='fleetops.ping.monogoto_thing_imei', args=None, no_log=False, module_defaults=None):
        self.name = name
        self.action = action
        self.resolved_action = action
        self.args = args or {}
        self.no_log = no_log
        self.module_defaults = module_defaults or []

    def get_name(self):
        return self.name


class FakeResult:
    def __init__(self, host, task, result):
        self._host = FakeHost(host)
        self._task = task
        self._result = result


def load_callback():
    """The callback with its documented options registered, as the plugin loader would do."""
    cb = drift.CallbackModule()
    cb._load_name = 'fleetops.ping.drift'
    options = yaml.safe_load(drift.DOCUMENTATION)['options']
    C.config.initialize_plugin_configuration_definitions('callback', cb._load_name, options)
    return cb


class Exits(list):
    """Stands in for sys.exit: records the status instead of leaving."""

    def __call__(self, status=None):
        self.append(status)


@pytest.fixture
def run(monkeypatch, tmp_path):
    """A callback set up for a run in check and diff mode, with sys.exit recorded."""
    monkeypatch.setattr(context, 'CLIARGS', ImmutableDict(check=True, diff=True))
    monkeypatch.delenv('GITHUB_STEP_SUMMARY', raising=False)
    exits = Exits()
    monkeypatch.setattr(sys, 'exit', exits)

    def make(exit_code=3, check=True, diff=True, **env):
        monkeypatch.setattr(context, 'CLIARGS', ImmutableDict(check=check, diff=diff))
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        cb = load_callback()
        cb.set_options(direct={'report_dir': str(tmp_path / 'reports'), 'exit_code': exit_code})
        playbook = type('Playbook', (), {'_file_name': str(tmp_path / 'site.yml')})()
        cb.v2_playbook_on_start(playbook)
        return cb
    make.exits = exits
    make.dir = tmp_path / 'reports'
    return make


def exit_as_ansible_playbook(status):
    """What ansible-playbook does last (CLI.cli_executor): sys.exit with its own status."""
    sys.exit(status)


def finish(cb, stats=None):
    stats = stats or AggregateStats()
    cb.v2_playbook_on_stats(stats)


def stats_for(**hosts):
    stats = AggregateStats()
    for host, what in hosts.items():
        for key in what:
            stats.increment(key, host)
    return stats


def test_drift_in_check_mode_turns_status_0_into_the_exit_code(run):
    cb = run(exit_code=3)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    cb.v2_runner_on_ok(FakeResult('sim-2', FakeTask('Lock'), {'changed': False}))
    finish(cb, stats_for(**{'sim-1': ['ok', 'changed'], 'sim-2': ['ok']}))
    exit_as_ansible_playbook(0)
    exit_as_ansible_playbook(None)
    assert run.exits == [3, 3]
    data = json.loads((run.dir / 'drift.json').read_text())
    assert data['drift'] is True and data['check_mode'] is True
    assert [(c['host'], c['object'], c['diff'][0]['after']) for c in data['changed']] == [('sim-1', THING, {'LockMasterImei': True})]
    assert data['hosts']['sim-1'] == {'ok': 1, 'changed': 1, 'failures': 0, 'unreachable': 0, 'skipped': 0, 'rescued': 0, 'ignored': 0}
    assert (run.dir / 'drift.junit.xml').exists() and (run.dir / 'drift.md').exists()


def test_a_failing_status_is_never_changed(run):
    cb = run(exit_code=3)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    finish(cb, stats_for(**{'sim-1': ['ok', 'changed']}))
    for status in (1, 2, 4, 5, 8, 250, 'error text'):
        exit_as_ansible_playbook(status)
    assert run.exits == [1, 2, 4, 5, 8, 250, 'error text']


def test_failed_or_unreachable_hosts_keep_status_0_as_it_is(run):
    cb = run(exit_code=3)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    cb.v2_runner_on_unreachable(FakeResult('sim-2', FakeTask('Lock'), {'unreachable': True, 'msg': 'no route'}))
    finish(cb, stats_for(**{'sim-1': ['ok', 'changed'], 'sim-2': ['dark']}))
    exit_as_ansible_playbook(0)
    assert run.exits == [0]


def test_no_drift_keeps_the_status(run):
    cb = run(exit_code=3)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': False}))
    cb.v2_runner_on_skipped(FakeResult('sim-2', FakeTask('Lock'), {'skipped': True}))
    finish(cb)
    exit_as_ansible_playbook(0)
    assert run.exits == [0]
    assert json.loads((run.dir / 'drift.json').read_text())['drift'] is False


def test_not_in_check_mode_reports_changes_but_keeps_the_status(run):
    cb = run(exit_code=3, check=False)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    finish(cb)
    exit_as_ansible_playbook(0)
    assert run.exits == [0]
    data = json.loads((run.dir / 'drift.json').read_text())
    assert data['drift'] is True and data['check_mode'] is False


def test_without_exit_code_the_status_is_left_alone(run):
    cb = run(exit_code=None)
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    finish(cb)
    exit_as_ansible_playbook(0)
    assert run.exits == [0]
    assert json.loads((run.dir / 'drift.json').read_text())['drift'] is True


def test_exit_code_out_of_range_is_refused(run, monkeypatch):
    warnings = []
    cb = run(exit_code=300)
    monkeypatch.setattr(cb._display, 'warning', warnings.append)
    cb.set_options(direct={'exit_code': 300})
    assert cb.exit_code is None and 'must be 1 to 255' in warnings[0]


def test_step_summary_is_appended(run, tmp_path):
    summary = tmp_path / 'summary.md'
    summary.write_text('# earlier step\n')
    cb = run(exit_code=3, GITHUB_STEP_SUMMARY=str(summary))
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Lock'), {'changed': True, 'diff': DIFF}))
    finish(cb)
    text = summary.read_text()
    assert text.startswith('# earlier step\n## Drift report: ')
    assert text.rstrip('\n') == '# earlier step\n' + (run.dir / 'drift.md').read_text().rstrip('\n')


def test_no_log_and_task_secrets_never_reach_a_report(run, tmp_path):
    cb = run(exit_code=3, MONOGOTO_TOKEN='env-token-value-123456')
    # A no_log task: the callback gets ansible's censored result, and reports host and task only.
    cb.v2_runner_on_ok(FakeResult('sim-1', FakeTask('Secret', no_log=True), {
        'changed': True, 'censored': 'the output has been hidden', '_ansible_no_log': True}))
    # A leaky module of another collection: the password from the task's (module_defaults merged) args,
    # and the token from the environment show up in its diff and message.
    task = FakeTask('Other', action='community.general.ini_file', args={'password': PASSWORD, 'path': '/etc/x'})
    cb.v2_runner_on_ok(FakeResult('sim-2', task, {'changed': True, 'diff': {
        'before': 'pass = %s\n' % PASSWORD, 'after': 'pass = env-token-value-123456\n'}}))
    cb.v2_runner_on_failed(FakeResult('sim-3', task, {'failed': True, 'msg': 'refused %s' % PASSWORD}))
    finish(cb)
    texts = ''.join((run.dir / name).read_text() for name in ('drift.json', 'drift.junit.xml', 'drift.md'))
    assert PASSWORD not in texts and 'env-token-value-123456' not in texts
    data = json.loads((run.dir / 'drift.json').read_text())
    assert data['changed'][0] == {'host': 'sim-1', 'task': 'Secret', 'action': 'fleetops.ping.monogoto_thing_imei',
                                  'no_log': True, 'diff': None}
    assert data['changed'][1]['diff'][0]['before'] == 'pass = ********\n'
    assert data['failures'][0]['msg'] == 'refused ********'


def test_a_fleet_task_is_reported_one_object_per_sim(run, monkeypatch):
    shown = []
    cb = run(exit_code=3)
    monkeypatch.setattr(cb._display, 'display', shown.append)
    sims = ['ThingId_ICCID_8944500100%09d' % i for i in range(10000)]
    diff = [{'before': {'state': 'SUSPENDED'}, 'after': {'state': 'ACTIVE'}, 'before_header': s, 'after_header': s} for s in sims]
    task = FakeTask('Enforce the fleet', action='fleetops.ping.monogoto_fleet')
    cb.v2_runner_on_ok(FakeResult('localhost', task, {'changed': True, 'diff': diff, 'changes': [], 'failures': []}))
    finish(cb, stats_for(localhost=['ok', 'changed']))
    exit_as_ansible_playbook(0)
    assert run.exits == [3]
    assert shown == ['fleetops.ping.drift: 10000 object(s) would change; reports in %s; exit status 3 unless the run '
                     'failed' % run.dir]
    data = json.loads((run.dir / 'drift.json').read_text())
    assert [c['object'] for c in data['changed']] == sims
    assert data['hosts'] == {'localhost': {'ok': 1, 'changed': 1, 'failures': 0, 'unreachable': 0, 'skipped': 0,
                                           'rescued': 0, 'ignored': 0}}
    assert (run.dir / 'drift.junit.xml').read_text().count('<testcase ') == 10000
    assert len((run.dir / 'drift.md').read_text()) <= 60000
