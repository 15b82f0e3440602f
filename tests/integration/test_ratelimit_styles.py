# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 17: the shared limiter against every way a server enforces its limit, end to end.

For each style of the simulator's rate limit (token bucket, fixed window, sliding window, no burst (GCRA),
GCRA advertising its limit in X-RateLimit-* or in the IETF draft's RateLimit-Policy/RateLimit fields with
Retry-After as an HTTP date, requests in flight), at 10 requests a second with a 503 on every 23rd request:

- the per-host play: 30 SIMs as hosts, forks 10, ``monogoto_thing_imei lock: true``, half needing the lock;
- the fleet task: one ``monogoto_fleet`` task over 300 SIMs seeded with 10% drift;
- the Monogoto inventory plugin's concurrent listing of the same 301 Things with their status (``concurrency: 8``,
  at 5 requests a second so that even a bucket's burst is spent).

Asserted from the PLAY RECAP, the task's result and the simulator's request log: no failed host or SIM, every
Thing as wanted, no Thing (or attribute) written twice, the server did throttle (or, where it states its limit,
throttled no more than the first wave), and the second run changes and writes nothing. No assertion about time:
benchmarks/ratelimit.py measures that.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator import fleet  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.control import SimControl, collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.monogoto import make_iccid  # noqa: E402 pylint: disable=wrong-import-position

RATE = 10
HOSTS = 30
FORKS = 10
FLEET = 300
FLEET_CONCURRENCY = 8  # fleet_task.yml's concurrency
FAIL_EVERY = 23
PLAYBOOK = os.path.join(ROOT, 'tests', 'integration', 'fleet', 'fleet_task.yml')
INVENTORY_RATE = 5
INVENTORY_CONCURRENCY = 8
INVENTORY = '''---
plugin: fleetops.ping.monogoto
api_url: "%s/monogoto"
username: demo@fleetops.example
password: demo-password
include_status: true
concurrency: %d
'''
STYLES = [
    ('bucket', {'style': 'bucket'}),
    ('fixed', {'style': 'fixed'}),
    ('sliding', {'style': 'sliding'}),
    ('gcra', {'style': 'gcra'}),
    ('gcra-x', {'style': 'gcra', 'headers': 'x'}),
    ('gcra-ietf-date', {'style': 'gcra', 'headers': 'ietf', 'retry_after_format': 'date'}),
    ('concurrency', {'style': 'concurrency'}),
]


def ratelimited(log):
    """How many requests of the simulator's log its rate limit refused."""
    return sum(1 for e in log if e.get('fault') == 'ratelimit')


def check_throttles(how, throttled, first_wave):
    """The server throttled, or (when it states its limit) the limiter kept to it from the first answer.

    Without stated limits a run that was never throttled would prove nothing about the limiter. A server that
    states its limit in every answer may never need to throttle: the pace is believed from the first answer, so
    at most the first wave (every fork or thread sending before any answer came back) can be throttled; more
    than that means the stated limit was not believed.
    """
    if how.get('headers', 'none') == 'none':
        assert throttled > 0, 'the server never throttled: this test would prove nothing'
    else:
        assert throttled <= first_wave, (
            'the server stated its limit, yet throttled %d requests (more than the first wave of %d)' % (throttled, first_wave))


@pytest.fixture(scope='module')
def work():
    path = tempfile.mkdtemp(prefix='fleetops-ratelimit-styles-')
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope='module')
def host_sim(work):
    base = os.path.join(work, 'hosts')
    os.makedirs(base)
    proc, url = start_simulator(base, HOSTS + 1)
    ctl = SimControl(url)
    ctl.url = url
    try:
        yield ctl, collections_path(base)
    finally:
        stop_simulator(proc)


@pytest.fixture(scope='module')
def fleet_sim(work):
    base = os.path.join(work, 'fleet')
    os.makedirs(base)
    proc, url = start_simulator(base, FLEET + 1, ['--locked', '--unlocked-every', '10', '--suspended-every', '20'],
                                timeout=120)
    ctl = SimControl(url)
    ctl.url = url
    try:
        yield ctl, collections_path(base)
    finally:
        stop_simulator(proc)


@pytest.mark.parametrize('name, how', STYLES, ids=[s[0] for s in STYLES])
def test_per_host_play_under_each_style(host_sim, name, how, tmp_path):
    ctl, coll_path = host_sim
    items = fleet.prepare(ctl, HOSTS, RATE, fail_every=FAIL_EVERY, reset_every=0)
    ctl.ratelimit(RATE, retry_after=1, **how)
    assert ctl.ratelimit_status()['style'] == how['style']
    inventory = fleet.write_inventory(str(tmp_path / 'inventory.yml'), items)
    env = fleet.playbook_env(coll_path, str(tmp_path / 'cache'))
    first = fleet.run_play(inventory, ctl.url, env, forks=FORKS)
    seen = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), RATE)
    assert first['recap'], first['output'][-3000:]
    assert fleet.failed_hosts(first) == [], first['output'][-3000:]
    check_throttles(how, seen['throttled'], FORKS)
    assert seen['not_in_desired_state'] == []
    assert seen['doubly_written'] == []
    needing = sorted(f['host'] for f in items if f['needs_lock'])
    assert fleet.changed_hosts(first) == needing
    assert sorted(seen['written']) == sorted(f['thing_id'] for f in items if f['needs_lock'])
    ctl.clear_log()
    second = fleet.run_play(inventory, ctl.url, env, forks=FORKS)
    again = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), RATE)
    assert fleet.failed_hosts(second) == [] and fleet.changed_hosts(second) == []
    assert again['write_attempts'] == 0


@pytest.mark.parametrize('name, how', STYLES, ids=[s[0] for s in STYLES])
def test_fleet_task_under_each_style(fleet_sim, name, how, tmp_path):
    ctl, coll_path = fleet_sim
    ctl.reset()  # the seeded drift again
    iccids = [make_iccid(i) for i in range(1, FLEET + 1)]
    need_lock = set(make_iccid(i) for i in range(1, FLEET + 1) if i % 10 == 0)
    varsfile = str(tmp_path / 'fleet.json')
    with open(varsfile, 'w') as handle:
        json.dump({'fleet_iccids': iccids}, handle)
    ctl.intermittent(every=FAIL_EVERY, status=503, body={'message': 'Service temporarily unavailable (injected fault)'})
    ctl.ratelimit(RATE, retry_after=1, **how)
    env = fleet.playbook_env(coll_path, str(tmp_path / 'cache'), extra={'ANSIBLE_LOCALHOST_WARNING': '0'})
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
           PLAYBOOK, '-e', 'sim_url=' + ctl.url, '-e', '@' + varsfile, '-e', 'ansible_python_interpreter=' + sys.executable]

    def run(label):
        results_file = str(tmp_path / ('%s.json' % label))
        proc = subprocess.run(cmd + ['-e', 'results_file=' + results_file], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=900, check=False)
        assert proc.returncode == 0, proc.stdout[-4000:]
        with open(results_file) as handle:
            return json.load(handle)

    result = run('first')
    log = ctl.log()
    check_throttles(how, ratelimited(log), FLEET_CONCURRENCY)
    assert result['summary']['failed'] == 0 and result['failures'] == []
    assert result['summary']['changed'] == len(need_lock)
    applied = collections.Counter((e['path'], e['object']) for e in log if e['write'] and e.get('applied'))
    assert [key for key, count in applied.items() if count > 1] == []
    things = ctl.state('monogoto')['things']
    wrong = [i for i in iccids if not (things['ThingId_ICCID_' + i]['LockMasterImei'] is True
                                       and things['ThingId_ICCID_' + i]['MasterIMEI'] == things['ThingId_ICCID_' + i]['IMEI']
                                       and things['ThingId_ICCID_' + i]['State'] == 'ACTIVE')]
    assert wrong == []
    ctl.clear_log()
    again = run('second')
    assert again['changed'] is False and again['summary']['failed'] == 0
    assert [e for e in ctl.log() if e['write'] and e.get('tag') != 'login'] == []


@pytest.mark.parametrize('name, how', STYLES, ids=[s[0] for s in STYLES])
def test_inventory_listing_under_each_style(fleet_sim, name, how, tmp_path):
    """The inventory plugin reads its pages concurrently through the same shared limiter: every Thing becomes a host,
    nothing fails, and (with the same 503s) the run ends in one piece under every style."""
    ctl, coll_path = fleet_sim
    ctl.reset()
    ctl.intermittent(every=FAIL_EVERY, status=503, body={'message': 'Service temporarily unavailable (injected fault)'})
    ctl.ratelimit(INVENTORY_RATE, retry_after=1, **how)
    source = str(tmp_path / 'fleet.monogoto.yml')
    with open(source, 'w') as handle:
        handle.write(INVENTORY % (ctl.url, INVENTORY_CONCURRENCY))
    env = fleet.playbook_env(coll_path, str(tmp_path / 'cache'))
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', source, '--list']
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    hostvars = json.loads(proc.stdout)['_meta']['hostvars']
    expected = set(key[len('ThingId_ICCID_'):] for key in ctl.state('monogoto')['things'])
    assert len(expected) == FLEET + 1
    # ansible-inventory --list marks the plugin's values unsafe: {"__ansible_unsafe": value}.
    iccids = [v.get('monogoto_iccid') for v in hostvars.values()]
    iccids = [i.get('__ansible_unsafe') if isinstance(i, dict) else i for i in iccids]
    assert sorted(iccids) == sorted(expected)
    log = ctl.log()
    check_throttles(how, ratelimited(log), INVENTORY_CONCURRENCY)
    assert [e for e in log if e['write'] and e.get('tag') != 'login'] == []
