# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet task at scale: thousands of SIMs in one monogoto_fleet task, against a rate-limiting, faulty server.

The simulator is seeded with 10% drift (every generated SIM locked to the IMEI it reports and ACTIVE, except
every 10th unlocked and every 20th also SUSPENDED), allows 20 requests a second per credential (429 with
``Retry-After: 1`` beyond that), answers every 23rd request with a 503 and resets the connection of every 50th
GET. One task brings the SIMs to "locked to the reported IMEI, ACTIVE" (``tests/integration/fleet/fleet_task.yml``),
with ``-vvvv``, then runs again. Asserted from the task's result and the simulator: the task succeeded, every SIM
is as wanted, each drifted attribute was written exactly once and nothing else was written, the faults did happen,
the second run changes and writes nothing, and no secret shows in the output. No assertion about time:
benchmarks/fleet.py measures that.
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

from tests.simulator.control import SimControl, collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.fleet import playbook_env  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.monogoto import make_iccid  # noqa: E402 pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(ROOT, 'tests', 'integration', 'fleet', 'fleet_task.yml')
SIZE = 5000
RATE = 20
FAIL_EVERY = 23
RESET_EVERY = 50
UNLOCKED_EVERY = 10
SUSPENDED_EVERY = 20
UPDATE_PATH = '/thing/update/'


@pytest.fixture(scope='module')
def fleet_sim():
    work = tempfile.mkdtemp(prefix='fleetops-fleet-task-')
    proc, url = start_simulator(work, SIZE + 1, ['--locked', '--unlocked-every', str(UNLOCKED_EVERY),
                                                 '--suspended-every', str(SUSPENDED_EVERY)], timeout=120)
    ctl = SimControl(url)
    ctl.url = url
    try:
        yield ctl, collections_path(work)
    finally:
        stop_simulator(proc)
        shutil.rmtree(work, ignore_errors=True)


def run(ctl, env, varsfile, results_file=None, verbosity=0):
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
           PLAYBOOK, '-e', 'sim_url=' + ctl.url, '-e', '@' + varsfile,
           '-e', 'ansible_python_interpreter=' + sys.executable]
    if results_file:
        cmd += ['-e', 'results_file=' + results_file]
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=1200, check=False)
    result = None
    if results_file and os.path.exists(results_file):
        with open(results_file) as handle:
            result = json.load(handle)
    return proc, result


def applied_writes(log):
    """(per Thing: lock writes carried out, per state path: state writes carried out, write attempts)."""
    writes = [e for e in log if e['write']]
    locks = collections.Counter(e['object'] for e in writes if e['path'] == UPDATE_PATH and e['applied'])
    states = collections.Counter(e['path'] for e in writes if e['path'] != UPDATE_PATH and e['applied'])
    return locks, states, len(writes)


@pytest.mark.parametrize('mode, size', [('in_process', SIZE), ('module', 1000)])
def test_fleet_task_under_rate_limit_and_faults(fleet_sim, mode, size, tmp_path):
    ctl, coll_path = fleet_sim
    ctl.reset()  # the seeded drift again; no fault, no limit
    iccids = [make_iccid(i) for i in range(1, size + 1)]
    need_lock = set(make_iccid(i) for i in range(1, size + 1) if i % UNLOCKED_EVERY == 0)
    need_state = set(make_iccid(i) for i in range(1, size + 1) if i % SUSPENDED_EVERY == 0)
    varsfile = str(tmp_path / 'fleet.json')
    with open(varsfile, 'w') as handle:
        json.dump({'fleet_iccids': iccids}, handle)
    ctl.intermittent(every=FAIL_EVERY, status=503, body={'message': 'Service temporarily unavailable (injected fault)'})
    ctl.intermittent(every=RESET_EVERY, method='GET', kind='reset')
    ctl.ratelimit(RATE, retry_after=1)
    env = playbook_env(coll_path, str(tmp_path / 'cache'), in_process=mode == 'in_process',
                       extra={'ANSIBLE_LOCALHOST_WARNING': '0'})
    secrets = [s for s in ctl._call('GET', 'secrets') if len(s) >= 6]

    # First run: the drift is written through the limit and the faults.
    results_file = str(tmp_path / 'first.json')
    proc, result = run(ctl, env, varsfile, results_file, verbosity=4)
    (tmp_path / 'first.txt').write_text(proc.stdout)
    tail = proc.stdout[-6000:]
    assert proc.returncode == 0, tail
    log = ctl.log()
    # The faults did happen, or this test would prove nothing.
    assert any(e.get('fault') == 'ratelimit' for e in log), 'no request was throttled'
    assert any(e.get('fault') == 'status' and e['status'] == 503 for e in log), 'no 503 was injected'
    assert any(e.get('fault') == 'reset' for e in log), 'no connection was reset'
    assert result['changed'] is True and not result.get('failed')
    assert result['summary'] == {'things': size, 'unchanged': size - len(need_lock), 'changed': len(need_lock),
                                 'failed': 0}
    assert result['failures'] == []
    assert sorted(c['iccid'] for c in result['changes']) == sorted(need_lock)
    for change in result['changes']:
        assert change['before']['LockMasterImei'] is False and change['after']['LockMasterImei'] is True
        assert change['before']['state'] == ('SUSPENDED' if change['iccid'] in need_state else 'ACTIVE')
        assert change['after']['state'] == 'ACTIVE'
    # Each drifted attribute written exactly once, nothing else written.
    locks, states, _attempts = applied_writes(log)
    assert set(locks) == set('ThingId_ICCID_' + i for i in need_lock) and set(locks.values()) == {1}
    assert set(states) == set('/thing/ThingId_ICCID_%s/state/' % i for i in need_state) and set(states.values()) == {1}
    # Every SIM of the fleet as wanted.
    things = ctl.state('monogoto')['things']
    wrong = [i for i in iccids if not (things['ThingId_ICCID_' + i]['LockMasterImei'] is True
                                       and things['ThingId_ICCID_' + i]['MasterIMEI'] == things['ThingId_ICCID_' + i]['IMEI']
                                       and things['ThingId_ICCID_' + i]['State'] == 'ACTIVE')]
    assert wrong == []
    # What it cost is in the result, and the throttling and retries show as one warning.
    calls = result['api_calls']
    assert calls['requests'] >= len(need_lock) + len(need_state) and calls['throttled'] >= 1
    assert calls['requests'] <= len(log)
    assert len(result.get('warnings', [])) <= 1, result.get('warnings')
    leaked = [s for s in secrets if s in proc.stdout or s in (tmp_path / 'first.json').read_text()]
    assert not leaked, '%d secret(s) in the -vvvv output (%s)' % (len(leaked), mode)

    # Second run, same limit and faults: nothing changes and nothing is written.
    ctl.clear_log()
    proc, again = run(ctl, env, varsfile, str(tmp_path / 'second.json'))
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert again['changed'] is False and again['changes'] == [] and again['failures'] == []
    assert again['summary'] == {'things': size, 'unchanged': size, 'changed': 0, 'failed': 0}
    assert applied_writes(ctl.log())[2] == 0
    leaked = [s for s in secrets if s in proc.stdout]
    assert not leaked
