# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet scenario of issue 8, shared by tests/integration/test_fleet.py and benchmarks/ratelimit.py.

Many SIMs as hosts, half of them needing the IMEI lock, one ``monogoto_thing_imei lock: true`` task run with
many forks against a simulator that rate-limits and injects faults; then what the run did, read from the
PLAY RECAP, the simulator's request log and its final state (stdlib only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import json
import os
import re
import subprocess
import sys
import time

from .control import ROOT

PLAYBOOK = os.path.join(ROOT, 'tests', 'integration', 'fleet', 'lock_imei.yml')
UPDATE_PATH = '/thing/update/'
RECAP = re.compile(r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.M)


def prepare(ctl, hosts, rate, fail_every=23, reset_every=None, retry_after=1, burst=None):
    """Reset the simulator, lock every other one of the first ``hosts`` Things (so the rest need the lock),
    clear the log, then set the rate limit (bursts of ``burst``, default ``rate``) and the faults.

    Returns the fleet: a list of dicts (host, thing_id, iccid, imei, needs_lock).
    """
    ctl.reset()
    state = ctl.state('monogoto')['things']
    ids = sorted(state, key=lambda tid: state[tid]['ExternalUniqueId'])[:hosts]
    if len(ids) < hosts:
        raise ValueError('the simulator has %d Things, %d hosts were asked for' % (len(ids), hosts))
    fleet = []
    for index, tid in enumerate(ids):
        fleet.append({'host': 'sim%03d' % index, 'thing_id': tid, 'iccid': state[tid]['ExternalUniqueId'],
                      'imei': state[tid]['IMEI'], 'needs_lock': index % 2 == 1})
    ctl.monogoto_lock([f['thing_id'] for f in fleet if not f['needs_lock']])
    ctl.clear_log()
    if fail_every:
        ctl.intermittent(every=fail_every, status=503,
                         body={'message': 'Service temporarily unavailable (injected fault)'})
    if reset_every:
        ctl.intermittent(every=reset_every, method='GET', kind='reset')
    if rate:
        ctl.ratelimit(rate, retry_after=retry_after, burst=burst)
    return fleet


def write_inventory(path, fleet):
    lines = ['all:', '  children:', '    sims:', '      vars:', '        ansible_connection: local',
             '        ansible_python_interpreter: "{{ ansible_playbook_python }}"', '      hosts:']
    for item in fleet:
        lines.append('        %s: {iccid: "%s", imei: "%s"}' % (item['host'], item['iccid'], item['imei']))
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def playbook_env(coll_path, cache_dir, in_process=True, extra=None):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(('MONOGOTO_', 'PINGPL_', 'PINGASSET_', 'FLEETOPS_PING_')):
            del env[name]
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': coll_path,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_HOST_KEY_CHECKING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'FLEETOPS_PING_CACHE_DIR': cache_dir,
        'FLEETOPS_PING_IN_PROCESS': '1' if in_process else '0',
    })
    env.update(extra or {})
    return env


def run_play(inventory, url, env, forks=20, results_file=None, verbosity=0, timeout=900):
    """Run the fleet play; returns a dict: rc, output, wall (seconds), recap {host: counts}, results {host: result}."""
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', inventory, PLAYBOOK,
           '-f', str(forks), '-e', 'sim_url=' + url]
    if results_file:
        cmd += ['-e', 'results_file=' + results_file]
    if verbosity:
        cmd.append('-' + 'v' * verbosity)
    start = time.time()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=timeout, check=False)
    wall = time.time() - start
    recap = dict((m.group(1), {'ok': int(m.group(2)), 'changed': int(m.group(3)), 'unreachable': int(m.group(4)),
                               'failed': int(m.group(5))}) for m in RECAP.finditer(proc.stdout))
    results = {}
    if results_file and os.path.exists(results_file):
        with open(results_file) as handle:
            results = json.load(handle)
    return {'rc': proc.returncode, 'output': proc.stdout, 'wall': wall, 'recap': recap, 'results': results}


def analyse(log, fleet, state, rate=None):
    """What the server saw during one run, and whether every Thing ended in the desired state."""
    throttled = [e for e in log if e.get('fault') == 'ratelimit']
    accepted = len(log) - len(throttled)
    updates = [e for e in log if e['write'] and e.get('applied') and e['path'].rstrip('/') == UPDATE_PATH.rstrip('/')]
    per_thing = collections.Counter(e['object'] for e in updates)
    fleet_ids = set(f['thing_id'] for f in fleet)
    wrong = []
    for item in fleet:
        thing = state['things'][item['thing_id']]
        if thing['LockMasterImei'] is not True or thing['MasterIMEI'] != item['imei']:
            wrong.append(item['thing_id'])
    return {
        'requests': len(log),
        'accepted': accepted,
        'throttled': len(throttled),
        'throttled_per_100': 100.0 * len(throttled) / len(log) if log else 0.0,
        'faults_503': sum(1 for e in log if e.get('fault') == 'status' and e['status'] == 503),
        'resets': sum(1 for e in log if e.get('fault') == 'reset'),
        'logins': sum(1 for e in log if e.get('tag') == 'login' and e.get('fault') is None),
        'write_attempts': sum(1 for e in log if e['write'] and e.get('tag') != 'login'),
        'writes': len(updates),
        'written': per_thing,
        'doubly_written': sorted(tid for tid, count in per_thing.items() if count > 1),
        'written_outside_need': sorted(tid for tid in per_thing
                                       if tid not in fleet_ids or not [f for f in fleet if f['thing_id'] == tid][0]['needs_lock']),
        'not_in_desired_state': wrong,
        'floor': accepted / float(rate) if rate else None,
    }


def failed_hosts(run):
    return sorted(h for h, c in run['recap'].items() if c['failed'] or c['unreachable'])


def changed_hosts(run):
    return sorted(h for h, c in run['recap'].items() if c['changed'])
