# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift gate end to end: the demo playbook in check mode with the fleetops.ping.drift callback.

The simulator is drifted on purpose through the vendors' APIs (two SIMs unlocked
with a cas-checked update, one ping.pl monitor paused) after the demo was
applied. ``ansible-playbook --check --diff`` with the callback must then exit
with the chosen status and report exactly those objects with their before and
after, in JSON, JUnit XML and Markdown, and append the Markdown to
GITHUB_STEP_SUMMARY; a failing run keeps ansible-playbook's own status; after
an apply the same check exits 0 with ``drift: false``. No secret the simulator
knows may show up in any report or in the output. The same holds for one
``fleetops.ping.monogoto_fleet`` task over the whole fleet, on both execution
paths: each drifted SIM is its own object with its own diff, a SIM that is not
in the account is its own failure.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
PLAYBOOK = os.path.join(ROOT, 'playbooks', 'demo.yml')


def demo_inventory():
    """The inventory `make demo` gives the demo playbook (.ci/demo.sh), so that this test follows it."""
    with open(os.path.join(ROOT, '.ci', 'demo.sh'), encoding='utf-8') as handle:
        found = re.search(r'ansible-playbook"? -i (\S+) playbooks/demo.yml', handle.read())
    return os.path.join(ROOT, found.group(1) if found else os.path.join('playbooks', 'inventory'))


INVENTORY = demo_inventory()
# The demo's own credentials for the simulator (playbooks/demo.yml), used to drift it as a person would.
USERNAME = 'demo@fleetops.example'
PASSWORD = 'demo-password'
PINGPL_KEY = 'pingpl-demo-key-7f3a9c'
DRIFT_STATUS = 3
UNLOCKED = ('8944500100000000020', '8944500100000000053')
PAUSED_MONITOR = 3118
REPORTS = ('drift.json', 'drift.junit.xml', 'drift.md')


def collections_path(tmp):
    """A directory whose ansible_collections/fleetops/ping is this checkout."""
    parts = ROOT.split(os.sep)
    if parts[-3:-2] == ['ansible_collections']:
        return os.sep.join(parts[:-3])
    os.makedirs(os.path.join(tmp, 'ansible_collections', 'fleetops'))
    os.symlink(ROOT, os.path.join(tmp, 'ansible_collections', 'fleetops', 'ping'))
    return tmp


@pytest.fixture(scope='module')
def simulator():
    tmp = tempfile.mkdtemp(prefix='fleetops-drift-')
    port_file = os.path.join(tmp, 'url')
    proc = subprocess.Popen([sys.executable, '-m', 'tests.simulator', '--port', '0', '--port-file', port_file],
                            cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.time() + 20
    while not os.path.exists(port_file):
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail('the simulator did not start')
        time.sleep(0.05)
    with open(port_file) as handle:
        url = handle.read().strip()
    yield url, collections_path(tmp)
    proc.terminate()
    proc.wait(10)


def call(url, method, path, body=None, headers=None, form=None):
    """One request to the simulator; JSON in and out, or a form for ping.pl."""
    all_headers = {'Content-Type': 'application/json'}
    data = None
    if form is not None:
        all_headers['Content-Type'] = 'application/x-www-form-urlencoded'
        data = urlencode(form).encode('utf-8')
    elif body is not None:
        data = json.dumps(body).encode('utf-8')
    all_headers.update(headers or {})
    req = Request(url + path, data=data, method=method, headers=all_headers)
    with urlopen(req, timeout=10) as resp:  # nosec - loopback only
        raw = resp.read().decode('utf-8')
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def drift_on_purpose(url):
    """Unlock two SIMs (a cas-checked Thing update, as the Monogoto console does) and pause one ping.pl monitor."""
    token = call(url, 'POST', '/monogoto/Auth', {'UserName': USERNAME, 'Password': PASSWORD})['token']
    auth = {'Authorization': 'Bearer ' + token}
    for iccid in UNLOCKED:
        thing_id = 'ThingId_ICCID_' + iccid
        thing = call(url, 'GET', '/monogoto/thing/' + thing_id, headers=auth)
        assert thing['LockMasterImei'] is True, 'the demo should have locked %s' % iccid
        call(url, 'PUT', '/monogoto/thing/update', {'ThingId': thing_id, 'cas': thing['cas'], 'LockMasterImei': False}, headers=auth)
    answer = call(url, 'POST', '/pingpl/1.0/pause-monitor', form={'token': PINGPL_KEY, 'monitorId': PAUSED_MONITOR})
    assert answer['header']['status'] == 'OK', answer
    things = call(url, 'GET', '/_sim/state/monogoto')['things']
    assert [things['ThingId_ICCID_' + i]['LockMasterImei'] for i in UNLOCKED] == [False, False]


def ansible_env(coll_path, cache_dir, report_dir=None, extra=None):
    """The environment of an ansible-playbook run: none of the caller's API or collection settings, the gate on
    (reports in ``report_dir``) when a report directory is given."""
    env = dict((k, v) for k, v in os.environ.items()
               if not k.startswith(('MONOGOTO_', 'PINGPL_', 'PINGASSET_', 'FLEETOPS_PING_', 'GITHUB_')))
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': coll_path,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'FLEETOPS_PING_CACHE_DIR': str(cache_dir),
    })
    if report_dir is not None:
        env.update({
            'ANSIBLE_CALLBACKS_ENABLED': 'fleetops.ping.drift',
            'FLEETOPS_PING_DRIFT_DIR': str(report_dir),
            'FLEETOPS_PING_DRIFT_EXIT_CODE': str(DRIFT_STATUS),
        })
    env.update(extra or {})
    return env


def run_demo(url, coll_path, tmp_path, name, check=False, gate=True, extra_env=None):
    report_dir = tmp_path / ('reports-' + name)
    env = ansible_env(coll_path, tmp_path / ('cache-' + name), report_dir if gate else None, extra_env)
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', INVENTORY, PLAYBOOK, '-e', 'sim_url=' + url]
    if check:
        cmd += ['--check', '--diff']
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    (tmp_path / ('output-%s.txt' % name)).write_text(proc.stdout)
    return proc, report_dir


def read_reports(report_dir):
    texts = dict((name, (report_dir / name).read_text(encoding='utf-8')) for name in REPORTS)
    return json.loads(texts['drift.json']), ET.fromstring(texts['drift.junit.xml'].encode('utf-8')), texts


def assert_no_secret(url, *texts):
    secrets = [s for s in call(url, 'GET', '/_sim/secrets') if len(s) >= 6]
    assert secrets, 'the simulator named no secret'
    for text in texts:
        leaked = [s for s in secrets if s in text]
        assert not leaked, '%d simulator secret(s) found in a report or output' % len(leaked)


def without_source_excerpts(output):
    """The output without the playbook excerpts ansible-core 2.19 prints around a failed task ("13   password: ...").

    The demo playbook carries the simulator's credentials as literals, so those excerpts show them; that is
    ansible-core's display of the playbook's own text, not something this callback or the modules emit.
    """
    with open(PLAYBOOK, encoding='utf-8') as handle:
        source = set(line.rstrip() for line in handle)
    kept = []
    for line in output.splitlines():
        match = re.match(r'^\s*\d+\s+(.*)$', line)
        if match and any(src.endswith(match.group(1).rstrip()) for src in source if src.strip()):
            continue
        kept.append(line)
    return '\n'.join(kept)


def changed_objects(data):
    return sorted((c['action'].rsplit('.', 1)[-1], c.get('object')) for c in data['changed'])


def test_drift_gate(simulator, tmp_path):
    url, coll_path = simulator
    call(url, 'POST', '/_sim/reset')

    proc = run_demo(url, coll_path, tmp_path, 'apply1', gate=False)[0]
    assert proc.returncode == 0, proc.stdout[-4000:]
    drift_on_purpose(url)
    writes_before = [e for e in call(url, 'GET', '/_sim/log') if e['write']]

    # The check run with the gate on: the chosen status, exactly the drifted objects, the step summary.
    summary = tmp_path / 'step-summary.md'
    summary.write_text('## Earlier step\n', encoding='utf-8')
    proc, reports = run_demo(url, coll_path, tmp_path, 'check1', check=True,
                             extra_env={'GITHUB_STEP_SUMMARY': str(summary)})
    output = proc.stdout
    assert proc.returncode == DRIFT_STATUS, 'exit status %d, not %d:\n%s' % (proc.returncode, DRIFT_STATUS, output[-4000:])
    assert 'PLAY RECAP' in output and 'failed=0' in output
    assert 'fleetops.ping.drift: 3 object(s) would change' in output
    assert [e for e in call(url, 'GET', '/_sim/log') if e['write']] == writes_before, 'check mode wrote to an API'

    data, junit, texts = read_reports(reports)
    assert data['drift'] is True and data['check_mode'] is True and data['diff_mode'] is True
    assert data['playbook'].endswith('demo.yml') and data['timestamp'].endswith('Z')
    expected = sorted([('monogoto_thing_imei', 'ThingId_ICCID_' + i) for i in UNLOCKED]
                      + [('pingpl_monitor_state', "monitor %d ('Sklep - rejestracja')" % PAUSED_MONITOR)])
    assert changed_objects(data) == expected
    for entry in data['changed']:
        assert len(entry['diff']) == 1
        diff = entry['diff'][0]
        if entry['action'].endswith('monogoto_thing_imei'):
            assert diff['before']['LockMasterImei'] is False and diff['after']['LockMasterImei'] is True
            assert diff['before']['MasterIMEI'] == diff['after']['MasterIMEI']
        else:
            assert diff == {'before': {'status': 'INACTIVE'}, 'after': {'status': 'ACTIVE'},
                            'before_header': entry['object'], 'after_header': entry['object']}
    assert data['failures'] == [] and data['unreachable'] == []
    assert data['summary']['objects'] == 3 and data['summary']['by_api'] == {'Monogoto': 2, 'ping.pl': 1}
    assert sum(h['changed'] for h in data['hosts'].values()) == 3

    suite = junit.find('testsuite')
    failures = [(c.get('classname'), c.find('failure')) for c in suite.findall('testcase') if c.find('failure') is not None]
    assert suite.get('failures') == '3' and suite.get('errors') == '0' and len(failures) == 3
    failure_texts = '\n'.join(f.text for _h, f in failures)
    for iccid in UNLOCKED:
        assert '--- before: ThingId_ICCID_%s' % iccid in failure_texts
    assert '-    "LockMasterImei": false,\n+    "LockMasterImei": true,' in failure_texts
    assert '-    "status": "INACTIVE"\n+    "status": "ACTIVE"' in failure_texts
    assert int(suite.get('tests')) > 3

    md = texts['drift.md']
    assert '**Drift: 3 objects would change** (check mode, diff on;' in md
    for iccid in UNLOCKED:
        assert 'ThingId_ICCID_%s LockMasterImei: false \u2192 true' % iccid in md
    assert 'status: INACTIVE \u2192 ACTIVE' in md
    assert summary.read_text(encoding='utf-8') == '## Earlier step\n' + md + '\n'
    assert_no_secret(url, output, *texts.values())
    print('\n--- drift.md of the check run ---\n' + md)

    # A run that fails keeps ansible-playbook's own status even though it found drift: the PING asset API fails
    # (after the SIMs and monitors were checked) when the configuration task reads its configurations.
    call(url, 'POST', '/_sim/faults', {'api': 'pingasset', 'path': 'configurations', 'status': 500, 'times': -1,
                                       'body': '{"detail": "Internal server error"}'})
    try:
        proc, reports = run_demo(url, coll_path, tmp_path, 'failing', check=True)
    finally:
        call(url, 'DELETE', '/_sim/faults')
    assert proc.returncode == 2, 'exit status %d, not ansible-playbook\'s 2:\n%s' % (proc.returncode, proc.stdout[-4000:])
    data, junit, texts = read_reports(reports)
    assert changed_objects(data) == expected, 'the drift found before the failure is reported'
    assert [(f['action'], 'HTTP 500' in f['msg']) for f in data['failures']] == [('fleetops.ping.pingasset_configuration', True)]
    assert junit.find('testsuite').get('errors') == '1' and junit.find('testsuite').get('failures') == '3'
    assert 'did not complete cleanly' in texts['drift.md']
    assert_no_secret(url, without_source_excerpts(proc.stdout), *texts.values())

    # After the apply, the same check finds nothing and exits 0.
    proc = run_demo(url, coll_path, tmp_path, 'apply2', gate=False)[0]
    assert proc.returncode == 0, proc.stdout[-4000:]
    proc, reports = run_demo(url, coll_path, tmp_path, 'check2', check=True)
    assert proc.returncode == 0, proc.stdout[-4000:]
    data, junit, texts = read_reports(reports)
    assert data['drift'] is False and data['changed'] == [] and junit.find('testsuite').get('failures') == '0'
    assert '**No drift**' in texts['drift.md']
    assert_no_secret(url, proc.stdout, *texts.values())


# -- a fleet-shaped task through the real ansible-playbook: one object per changed SIM ----------------------
# A stand-in module with the result contract of fleetops.ping.monogoto_fleet (summary, changes, failures, a
# list-form diff with one entry per changed SIM), written into the test's own directory, so that the gate is
# tested on a real run: Ansible's result handling, its no_log censoring, its recap and exit status.
FLEET_MODULE = '''#!/usr/bin/python
from __future__ import absolute_import, division, print_function
__metaclass__ = type
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(changed=dict(type='int', default=0), failures=dict(type='int', default=0)),
                           supports_check_mode=True)
    changes, diff, failures = [], [], []
    for index in range(module.params['changed']):
        iccid = '8944500100%09d' % index
        before, after = {'LockMasterImei': False, 'MasterIMEI': ''}, {'LockMasterImei': True, 'MasterIMEI': '35693803%07d' % index}
        changes.append(dict(iccid=iccid, thing_id='ThingId_ICCID_' + iccid, before=before, after=after))
        diff.append(dict(before=before, after=after, before_header='ThingId_ICCID_' + iccid, after_header='ThingId_ICCID_' + iccid))
    for index in range(module.params['failures']):
        failures.append(dict(iccid='8944500199%09d' % index, msg='ICCID 8944500199%09d is not in the account' % index))
    result = dict(changed=bool(changes), changes=changes, failures=failures,
                  summary=dict(things=len(changes) + len(failures), unchanged=0, changed=len(changes), failed=len(failures)))
    if module._diff:
        result['diff'] = diff
    if failures:
        module.fail_json(msg='%d of %d SIMs failed' % (len(failures), len(changes) + len(failures)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
'''
FLEET_PLAY = '''
- name: Fleet-shaped tasks through the drift gate
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Enforce the SIM fleet
      fake_fleet:
        changed: "{{ n_changed }}"
        failures: "{{ n_failed }}"
    - name: Enforce a fleet whose result is secret
      fake_fleet:
        changed: 5
      no_log: true
'''
FLEET_SIMS = 2000


def run_fleet_gate(tmp_path, name, n_failed=0, diff=True):
    work = tmp_path / 'fleet-play'
    if not work.exists():
        (work / 'library').mkdir(parents=True)
        (work / 'library' / 'fake_fleet.py').write_text(FLEET_MODULE, encoding='utf-8')
        (work / 'fleet.yml').write_text(FLEET_PLAY, encoding='utf-8')
    report_dir = tmp_path / ('reports-' + name)
    env = ansible_env(collections_path(str(tmp_path / ('coll-' + name))), tmp_path / 'cache', report_dir)
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', 'fleet.yml', '--check',
           '-e', 'n_changed=%d n_failed=%d ansible_python_interpreter=%s' % (FLEET_SIMS, n_failed, sys.executable)]
    if diff:
        cmd.append('--diff')
    proc = subprocess.run(cmd, cwd=str(work), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    (tmp_path / ('output-%s.txt' % name)).write_text(proc.stdout)
    return proc, report_dir


def test_drift_gate_over_a_fleet_shaped_task(tmp_path):
    sims = ['ThingId_ICCID_8944500100%09d' % i for i in range(FLEET_SIMS)]

    # --check --diff: every changed SIM is an object with its own diff; the no_log task is one object, no values.
    proc, reports = run_fleet_gate(tmp_path, 'diff')
    assert proc.returncode == DRIFT_STATUS, proc.stdout[-4000:]
    assert 'fleetops.ping.drift: %d object(s) would change' % (FLEET_SIMS + 1) in proc.stdout
    data, junit, texts = read_reports(reports)
    assert data['summary']['objects'] == FLEET_SIMS + 1 and data['diff_mode'] is True
    fleet = [c for c in data['changed'] if c['task'] == 'Enforce the SIM fleet']
    assert [c['object'] for c in fleet] == sims
    assert fleet[7]['diff'] == [{'before': {'LockMasterImei': False, 'MasterIMEI': ''},
                                 'after': {'LockMasterImei': True, 'MasterIMEI': '356938030000007'},
                                 'before_header': sims[7], 'after_header': sims[7]}]
    secret = [c for c in data['changed'] if c['task'] == 'Enforce a fleet whose result is secret']
    assert secret == [{'host': 'localhost', 'task': 'Enforce a fleet whose result is secret', 'action': 'fake_fleet',
                       'no_log': True, 'diff': None}]
    suite = junit.find('testsuite')
    assert suite.get('failures') == str(FLEET_SIMS + 1) and suite.get('errors') == '0'
    names = [c.get('name') for c in suite.findall('testcase') if c.find('failure') is not None]
    assert names[:2] == ['Enforce the SIM fleet: ' + sims[0], 'Enforce the SIM fleet: ' + sims[1]]
    md = texts['drift.md']
    assert '**Drift: %d objects would change** (check mode, diff on;' % (FLEET_SIMS + 1) in md
    assert '%s LockMasterImei: false \u2192 true' % sims[0] in md
    assert 'of %d objects are shown above' % (FLEET_SIMS + 1) in md and len(md) <= 60000
    assert '8944500100000000005' not in json.dumps(secret) and 'SIMs failed' not in md

    # --check without --diff: the objects come from the fleet task's changes, without values, and the reports say so.
    proc, reports = run_fleet_gate(tmp_path, 'nodiff', diff=False)
    assert proc.returncode == DRIFT_STATUS, proc.stdout[-4000:]
    data, junit, texts = read_reports(reports)
    fleet = [c for c in data['changed'] if c['task'] == 'Enforce the SIM fleet']
    assert [c['object'] for c in fleet] == sims and all(c['diff'] is None for c in fleet)
    assert 'diff mode was off' in data['note'] and 'diff mode off' in texts['drift.md']

    # Some SIMs failed: the run keeps ansible-playbook's own status; the changed SIMs are still drift objects and
    # each failed SIM is a failure with its own message.
    proc, reports = run_fleet_gate(tmp_path, 'failed', n_failed=3)
    assert proc.returncode == 2, proc.stdout[-4000:]
    data, junit, texts = read_reports(reports)
    assert data['summary']['objects'] == FLEET_SIMS and data['summary']['failed_objects'] == 3
    assert [(f['object'], f['msg']) for f in data['failures']] == [
        ('8944500199%09d' % i, 'ICCID 8944500199%09d is not in the account' % i) for i in range(3)]
    assert junit.find('testsuite').get('errors') == '3' and junit.find('testsuite').get('failures') == str(FLEET_SIMS)
    assert '1 failed task(s) (3 object(s) failed)' in texts['drift.md']


# -- the real fleetops.ping.monogoto_fleet through the gate, on both execution paths -------------------------
FLEET_GATE_PLAY = os.path.join(HERE, 'drift', 'fleet_gate.yml')
# Drifted on purpose after the apply: one SIM unlocked, one suspended, one both.
FLEET_UNLOCKED = '8944500100000000012'
FLEET_SUSPENDED = '8944500100000000020'
FLEET_BOTH = '8944500100000000038'
NOT_IN_ACCOUNT = '8944500199999999994'


def run_fleet_play(url, coll_path, tmp_path, name, mode, iccids, check=False, gate=True):
    report_dir = tmp_path / ('reports-' + name)
    env = ansible_env(coll_path, tmp_path / 'cache', report_dir if gate else None,
                      {'FLEETOPS_PING_IN_PROCESS': '1' if mode == 'in_process' else '0'})
    extra = tmp_path / ('vars-%s.json' % name)
    extra.write_text(json.dumps({'sim_url': url, 'fleet_iccids': iccids}), encoding='utf-8')
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', FLEET_GATE_PLAY,
           '-e', '@' + str(extra), '-vvvv']
    if check:
        cmd += ['--check', '--diff']
    proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    (tmp_path / ('output-%s.txt' % name)).write_text(proc.stdout)
    return proc, report_dir


def drift_the_fleet(url):
    """Through the API, as a person would: unlock one SIM (cas-checked update), suspend one, both on a third."""
    token = call(url, 'POST', '/monogoto/Auth', {'UserName': USERNAME, 'Password': PASSWORD})['token']
    auth = {'Authorization': 'Bearer ' + token}
    for iccid in (FLEET_UNLOCKED, FLEET_BOTH):
        thing_id = 'ThingId_ICCID_' + iccid
        thing = call(url, 'GET', '/monogoto/thing/' + thing_id, headers=auth)
        call(url, 'PUT', '/monogoto/thing/update', {'ThingId': thing_id, 'cas': thing['cas'], 'LockMasterImei': False},
             headers=auth)
    for iccid in (FLEET_SUSPENDED, FLEET_BOTH):
        call(url, 'PUT', '/monogoto/thing/ThingId_ICCID_%s/state/' % iccid, {'state': 'SUSPENDED'}, headers=auth)


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_drift_gate_over_the_fleet_task(simulator, tmp_path, mode):
    url, coll_path = simulator
    call(url, 'POST', '/_sim/reset')
    things = call(url, 'GET', '/_sim/state/monogoto')['things']
    iccids = sorted(t['ExternalUniqueId'] for t in things.values())
    assert len(iccids) >= 20 and {FLEET_UNLOCKED, FLEET_SUSPENDED, FLEET_BOTH} <= set(iccids)

    proc = run_fleet_play(url, coll_path, tmp_path, 'apply1', mode, iccids, gate=False)[0]
    assert proc.returncode == 0, proc.stdout[-4000:]
    drift_the_fleet(url)
    imei = dict((i, things['ThingId_ICCID_' + i]['IMEI']) for i in iccids)
    writes_before = [e for e in call(url, 'GET', '/_sim/log') if e['write']]

    # The check: the gate's status, and exactly the three drifted SIMs as objects of the one fleet task.
    proc, reports = run_fleet_play(url, coll_path, tmp_path, 'check1', mode, iccids, check=True)
    output = proc.stdout
    assert proc.returncode == DRIFT_STATUS, 'exit status %d (%s):\n%s' % (proc.returncode, mode, output[-4000:])
    assert 'fleetops.ping.drift: 3 object(s) would change' in output
    assert [e for e in call(url, 'GET', '/_sim/log') if e['write']] == writes_before, 'check mode wrote to the API'
    data, junit, texts = read_reports(reports)
    assert data['drift'] is True and data['failures'] == [] and data['summary']['objects'] == 3
    assert data['summary']['by_api'] == {'Monogoto': 3}
    by_object = dict((c['object'], c) for c in data['changed'])
    assert sorted(by_object) == sorted('ThingId_ICCID_' + i for i in (FLEET_UNLOCKED, FLEET_SUSPENDED, FLEET_BOTH))
    assert set(c['action'] for c in data['changed']) == {'fleetops.ping.monogoto_fleet'}
    # Each diff holds every attribute the task manages (lock, master IMEI, state), changed or not.
    for iccid, locked, state in ((FLEET_UNLOCKED, False, 'ACTIVE'), (FLEET_SUSPENDED, True, 'SUSPENDED'),
                                 (FLEET_BOTH, False, 'SUSPENDED')):
        header = 'ThingId_ICCID_' + iccid
        diff = by_object[header]['diff']
        assert len(diff) == 1 and diff[0]['before_header'] == header == diff[0]['after_header'], diff
        assert diff[0]['before'] == {'LockMasterImei': locked, 'MasterIMEI': imei[iccid], 'state': state}, (mode, diff)
        assert diff[0]['after'] == {'LockMasterImei': True, 'MasterIMEI': imei[iccid], 'state': 'ACTIVE'}, (mode, diff)
    suite = junit.find('testsuite')
    assert suite.get('failures') == '3' and suite.get('errors') == '0'
    md = texts['drift.md']
    assert '**Drift: 3 objects would change** (check mode, diff on;' in md
    assert 'ThingId_ICCID_%s LockMasterImei: false \u2192 true' % FLEET_UNLOCKED in md
    assert 'ThingId_ICCID_%s state: SUSPENDED \u2192 ACTIVE' % FLEET_SUSPENDED in md
    assert_no_secret(url, output, *texts.values())

    # One SIM that is not in the account: the task fails after the others were compared, the run keeps
    # ansible-playbook's own status, the drifted SIMs stay drift objects and the missing one is a failure.
    proc, reports = run_fleet_play(url, coll_path, tmp_path, 'check-missing', mode, iccids + [NOT_IN_ACCOUNT],
                                   check=True)
    assert proc.returncode == 2, 'exit status %d (%s):\n%s' % (proc.returncode, mode, proc.stdout[-4000:])
    data, junit, texts = read_reports(reports)
    assert data['summary']['objects'] == 3 and data['summary']['failed_objects'] == 1
    assert [f['object'] for f in data['failures']] == ['ThingId_ICCID_' + NOT_IN_ACCOUNT]
    assert NOT_IN_ACCOUNT in data['failures'][0]['msg'] and '\n' not in data['failures'][0]['msg']
    assert junit.find('testsuite').get('errors') == '1'
    assert [e for e in call(url, 'GET', '/_sim/log') if e['write']] == writes_before, 'check mode wrote to the API'
    assert_no_secret(url, proc.stdout, *texts.values())

    # The apply writes exactly the drifted attributes (four writes for three SIMs); then the check finds nothing.
    proc = run_fleet_play(url, coll_path, tmp_path, 'apply2', mode, iccids, gate=False)[0]
    assert proc.returncode == 0, proc.stdout[-4000:]
    writes = [e for e in call(url, 'GET', '/_sim/log') if e['write'] and e.get('tag') != 'login'][len(writes_before):]
    assert len(writes) == 4, writes
    state = call(url, 'GET', '/_sim/state/monogoto')['things']
    wrong = [i for i in iccids if (state['ThingId_ICCID_' + i]['LockMasterImei'], state['ThingId_ICCID_' + i]['State'])
             != (True, 'ACTIVE')]
    assert wrong == []
    proc, reports = run_fleet_play(url, coll_path, tmp_path, 'check2', mode, iccids, check=True)
    assert proc.returncode == 0, proc.stdout[-4000:]
    data = read_reports(reports)[0]
    assert data['drift'] is False and data['changed'] == [] and data['failures'] == []
