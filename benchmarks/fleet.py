# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One task for a whole SIM fleet (fleetops.ping.monogoto_fleet) against the listing and the per-host path.

For each API latency (default: none, and 20 ms) and each fleet size N (default 10,000 and 100,000), a simulator with
N + 1 Things (the vendor's example Thing and N generated SIMs) is seeded with 10% drift: every generated SIM locked
to the IMEI it reports and ACTIVE, except every 10th unlocked and every 20th SUSPENDED as well, so N/10 SIMs drift
with N/10 + N/20 drifted attributes. The fleet is the N generated SIMs, wanted locked to the IMEI they report and
ACTIVE: ``iccids`` from a vars file with ``defaults: {lock: true, state: ACTIVE}``. Each run is one
``ansible-playbook`` (what users pay for), its wall time and the requests the simulator logged:

- listing:    fleetops.ping.monogoto_thing_info, ``concurrency: 8``, ``include_status: false`` (the listing alone,
              comparable to the fleet's own), after a run that reads one Thing and is not reported (it logs in,
              and warms the caches): every reported run reuses the cached token
- check:      the fleet task with ``--check --diff`` on the drifted fleet (must write nothing)
- drift:      the fleet task applying the 10% drift (must write each drifted attribute exactly once)
- no change:  the fleet task again (must write nothing: the second run of the drift)
- things:     (latency 0 only) the no-change run again with ``things``, a list of one dict per SIM, instead of
              ``iccids``: what Ansible's templating of 100,000 dicts costs

With ``--per-host``, also the per-host path at ``--per-host-size`` SIMs (default 10,000) for each latency of
``--per-host-latencies`` (default: those of ``--latencies``): the
``fleetops.ping.monogoto`` inventory's hosts, a no-change ``monogoto_thing_imei lock: true`` task per host, forks 20.
It takes many minutes (Ansible's own per-host cost is about 80 ms per host on a 2-core machine).

Verdicts: the no-change fleet run over 10,000 SIMs within 2x the listing's wall time and at most the listing's
requests plus 2; 100,000 SIMs, no change, no latency, under 60 s; 10% drift: exactly one write per drifted
attribute, and a second run that writes nothing; the per-host path at most 0.1 requests per host. Exit status 1
when a goal is missed.

    python benchmarks/fleet.py [--sizes 10000,100000] [--latencies 0,0.02]
                               [--per-host [--per-host-size 10000] [--per-host-latencies 0,0.02] [--forks 20]]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.request import Request, urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator.control import SimControl, collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.fleet import playbook_env  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.monogoto import make_iccid  # noqa: E402 pylint: disable=wrong-import-position

BIN = os.path.dirname(sys.executable)
UNLOCKED_EVERY = 10
SUSPENDED_EVERY = 20
UPDATE_PATH = '/thing/update/'
MARK = 'FLEETBENCH '
RESULT = re.compile(r'"msg": "(%s(?:[^"\\]|\\.)*)"' % MARK)

HEAD = """- name: {name}
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/fleetops.ping.monogoto:
      api_url: "{{{{ sim_url }}}}/monogoto"
      username: demo@fleetops.example
      password: demo-password
      timeout: 60
  tasks:
"""

WARM_UP = HEAD.format(name='Warm up') + """    - name: Read one Thing (the login, and the caches of Python and Ansible)
      fleetops.ping.monogoto_thing_info:
        iccids: ["8912372646888991"]
        include_status: false
      register: result

    - name: Report
      ansible.builtin.debug:
        msg: "{{ 'FLEETBENCH ' ~ ({'things': result.things | length} | to_json) }}"
"""

LISTING = HEAD.format(name='The listing') + """    - name: List every Thing
      fleetops.ping.monogoto_thing_info:
        include_status: false
        concurrency: 8
      register: result

    - name: Report
      ansible.builtin.debug:
        msg: "{{ 'FLEETBENCH ' ~ ({'things': result.things | length, 'api_calls': result.api_calls} | to_json) }}"
"""

FLEET_TASKS = """    - name: Bring the fleet to its state
      fleetops.ping.monogoto_fleet:
        {wanted}
        concurrency: 8
      register: result

    - name: Report
      ansible.builtin.debug:
        msg: "{{{{ 'FLEETBENCH ' ~ ({{'summary': result.summary, 'api_calls': result.api_calls,
                  'diff': result.diff | default([]) | length, 'failed': result is failed}} | to_json) }}}}"
"""

INVENTORY = """plugin: fleetops.ping.monogoto
api_url: "{{ sim_url }}/monogoto"
username: demo@fleetops.example
password: demo-password
concurrency: 8
"""

PER_HOST = """- name: Lock each SIM of the inventory, a task per host
  hosts: all:!{vendor}
  gather_facts: false
  module_defaults:
    group/fleetops.ping.monogoto:
      api_url: "{{{{ sim_url }}}}/monogoto"
      username: demo@fleetops.example
      password: demo-password
      timeout: 60
  tasks:
    - name: Lock each SIM to its device
      fleetops.ping.monogoto_thing_imei:
        iccid: "{{{{ monogoto_iccid }}}}"
        lock: true
"""


def simulator(work, things, extra):
    """A simulator of its own (its own directory, so that its port file is fresh): (process, SimControl, url)."""
    proc, url = start_simulator(tempfile.mkdtemp(dir=work, prefix='sim-'), things, extra, timeout=300)
    return proc, SimControl(url), url


def sim_get(url, path):
    """A control call with a long timeout: at 100,000 Things the state dump (and a log of 17,000 requests) may take
    longer than SimControl's 10 s on a loaded machine."""
    with urlopen(Request(url + '/_sim/' + path), timeout=600) as resp:  # nosec - loopback only
        return json.loads(resp.read().decode('utf-8'))


def write(work, name, text):
    path = os.path.join(work, name)
    with open(path, 'w') as handle:
        handle.write(text)
    return path


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def play(cmd, env, what):
    """Run one playbook: (wall seconds, CPU seconds of ansible-playbook and its forks, the reported result, output).

    The CPU seconds do not depend on what else the machine runs (the simulator is not counted: it runs on)."""
    start, cpu = time.time(), cpu_of_children()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False)
    wall = time.time() - start
    cpu = cpu_of_children() - cpu
    found = RESULT.search(proc.stdout)
    report = json.loads(json.loads('"%s"' % found.group(1))[len(MARK):]) if found else None
    if proc.returncode != 0 and (report is None or not report.get('failed')):
        print(proc.stdout[-4000:])
        raise SystemExit('%s failed' % what)
    return wall, cpu, report, proc.stdout


def counted(log):
    writes = [e for e in log if e['write'] and e.get('tag') != 'login']
    updates = collections.Counter(e['object'] for e in writes if e['path'] == UPDATE_PATH and e['applied'])
    states = collections.Counter(e['path'] for e in writes if e['path'] != UPDATE_PATH and e['applied'])
    return {
        'requests': len(log),
        'logins': sum(1 for e in log if e.get('tag') == 'login'),
        'pages': sum(1 for e in log if e['path'] == '/things'),
        'reads': sum(1 for e in log if e['method'] == 'GET' and e['path'].startswith('/thing/')),
        'writes': len(writes),
        'updates': updates,
        'states': states,
    }


def drifted(size):
    """(ICCIDs wanted unlocked->locked, ICCIDs wanted SUSPENDED->ACTIVE) of the seeded drift."""
    locks = set(make_iccid(i) for i in range(1, size + 1) if i % UNLOCKED_EVERY == 0)
    states = set(make_iccid(i) for i in range(1, size + 1) if i % SUSPENDED_EVERY == 0)
    return locks, states


def fleet_runs(work, env, size, latency, things_form):
    """Every run at one size and latency, on one simulator; returns {run: (wall, report, counts)}."""
    proc, ctl, url = simulator(work, size + 1, ['--latency', str(latency), '--locked', '--unlocked-every',
                                                str(UNLOCKED_EVERY), '--suspended-every', str(SUSPENDED_EVERY)])
    iccids = [make_iccid(i) for i in range(1, size + 1)]
    varsfile = write(work, 'fleet-%d.json' % size, json.dumps({
        'fleet_iccids': iccids, 'fleet_things': [{'iccid': i, 'lock': True, 'state': 'ACTIVE'} for i in iccids]}))
    listing = write(work, 'listing.yml', LISTING)
    head = HEAD.format(name='The fleet')
    by_iccids = write(work, 'fleet-iccids.yml', head + FLEET_TASKS.format(
        wanted='iccids: "{{ fleet_iccids }}"\n        defaults: {lock: true, state: ACTIVE}'))
    by_things = write(work, 'fleet-things.yml', head + FLEET_TASKS.format(wanted='things: "{{ fleet_things }}"'))
    runs = {}
    try:
        def run(name, playbook, *extra):
            ctl.clear_log()
            cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', playbook,
                   '-e', 'sim_url=' + url, '-e', '@' + varsfile,
                   '-e', 'ansible_python_interpreter=' + sys.executable] + list(extra)
            wall, cpu, report, _out = play(cmd, env, '%s at %d SIMs' % (name, size))
            count = counted(sim_get(url, 'log'))
            count['cpu'] = cpu
            runs[name] = (wall, report, count)
            print('    %-10s %8.2f s (CPU %6.2f s)  requests %6d' % (name, wall, cpu, count['requests']), flush=True)

        run('warm-up', write(work, 'warm-up.yml', WARM_UP))  # not reported: it logs in and warms the caches
        run('listing', listing)
        run('check', by_iccids, '--check', '--diff')
        run('drift', by_iccids)
        state = sim_get(url, 'state/monogoto')['things']
        wrong = [i for i in iccids if not (state['ThingId_ICCID_' + i]['LockMasterImei']
                                           and state['ThingId_ICCID_' + i]['MasterIMEI'] == state['ThingId_ICCID_' + i]['IMEI']
                                           and state['ThingId_ICCID_' + i]['State'] == 'ACTIVE')]
        runs['drift'][2]['wrong'] = len(wrong)
        run('no change', by_iccids)
        if things_form:
            run('things', by_things)
    finally:
        stop_simulator(proc)
    return runs


def per_host_run(work, env, size, latency, forks):
    proc, ctl, url = simulator(work, size + 1, ['--latency', str(latency), '--locked'])
    try:
        config = write(work, 'fleet.monogoto.yml', INVENTORY)
        playbook = write(work, 'per-host.yml', PER_HOST.format(vendor='8912372646888991'))
        ctl.clear_log()
        cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', config, playbook, '-f', str(forks), '-e', 'sim_url=' + url]
        start, cpu = time.time(), cpu_of_children()
        out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                             check=False)
        wall = time.time() - start
        cpu = cpu_of_children() - cpu
        hosts = len(re.findall(r'^\S+\s+: ok=', out.stdout, re.M))
        changed = len(re.findall(r'^\S+\s+: ok=\d+\s+changed=[1-9]', out.stdout, re.M))
        failed = len(re.findall(r'^\S+\s+: .*failed=[1-9]', out.stdout, re.M))
        if out.returncode != 0 or hosts != size:
            print(out.stdout[-3000:])
            raise SystemExit('the per-host play failed (%d hosts in the recap)' % hosts)
        count = counted(sim_get(url, 'log'))
        count['cpu'] = cpu
        return wall, count, hosts, changed, failed
    finally:
        stop_simulator(proc)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='10000,100000', help='fleet sizes, comma-separated')
    parser.add_argument('--latencies', default='0,0.02', help='API latencies in seconds, comma-separated')
    parser.add_argument('--per-host', action='store_true', help='also run the per-host path (takes many minutes)')
    parser.add_argument('--per-host-size', type=int, default=10000)
    parser.add_argument('--per-host-latencies', help='latencies of the per-host path (default: --latencies)')
    parser.add_argument('--forks', type=int, default=20, help='forks of the per-host path')
    parser.add_argument('--module-path', action='store_true', help='run the modules as modules (FLEETOPS_PING_IN_PROCESS=0)')
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(',') if s]
    latencies = [float(s) for s in args.latencies.split(',') if s]
    per_host_latencies = latencies if args.per_host_latencies is None else [
        float(s) for s in args.per_host_latencies.split(',') if s]

    work = tempfile.mkdtemp(prefix='fleetops-bench-fleet-')
    env = playbook_env(collections_path(work), os.path.join(work, 'cache'), in_process=not args.module_path,
                       extra={'ANSIBLE_LOCALHOST_WARNING': '0'})
    figures, per_host = {}, {}
    try:
        for latency in latencies:
            for size in sizes:
                print('  running: %d SIMs, latency %.0f ms' % (size, latency * 1000), flush=True)
                figures[(latency, size)] = fleet_runs(work, env, size, latency, things_form=latency == 0)
            if args.per_host and latency in per_host_latencies:
                print('  running: the per-host path, %d hosts, latency %.0f ms' % (args.per_host_size, latency * 1000),
                      flush=True)
                per_host[latency] = per_host_run(work, env, args.per_host_size, latency, args.forks)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report(figures, per_host, sizes, latencies, args)


def report(figures, per_host, sizes, latencies, args):
    print('monogoto_fleet against the listing: N SIMs (N + 1 Things listed), 10%% drift (every %dth SIM unlocked, '
          'every %dth also SUSPENDED), %s path, concurrency 8'
          % (UNLOCKED_EVERY, SUSPENDED_EVERY, 'module' if args.module_path else 'in-process'))
    print('  latency    SIMs  run          wall s  x listing    CPU s  requests  writes  changed  summary')
    goals = []
    for latency in latencies:
        for size in sizes:
            runs = figures[(latency, size)]
            base_wall, _base_report, base = runs['listing']
            for name in ('listing', 'check', 'drift', 'no change', 'things'):
                if name not in runs:
                    continue
                wall, result, count = runs[name]
                summary = result.get('summary') if result else None
                print('  %5.0f ms %7d  %-10s %8.2f %8.2fx %8.2f %9d %7d  %7s  %s' % (
                    latency * 1000, size, name, wall, wall / base_wall, count['cpu'], count['requests'], count['writes'],
                    summary['changed'] if summary else '-',
                    json.dumps(summary, sort_keys=True) if summary else '%d Things' % (result or {}).get('things', 0)))
            locks, states = drifted(size)
            drift = runs['drift'][2]
            exact = (set(drift['updates']) == set('ThingId_ICCID_' + i for i in locks)
                     and set(drift['updates'].values()) == {1}
                     and set(drift['states']) == set('/thing/ThingId_ICCID_%s/state/' % i for i in states)
                     and set(drift['states'].values()) == {1}
                     and drift['writes'] == len(locks) + len(states) and drift['wrong'] == 0)
            goals.append(('%d SIMs, %.0f ms: 10%% drift written exactly once per drifted attribute' % (size, latency * 1000),
                          exact, '%d writes for %d + %d drifted attributes, %d SIMs not as wanted after it'
                          % (drift['writes'], len(locks), len(states), drift['wrong'])))
            again = runs['no change'][2]
            goals.append(('%d SIMs, %.0f ms: the second run writes nothing' % (size, latency * 1000),
                          again['writes'] == 0 and runs['no change'][1]['summary']['changed'] == 0,
                          '%d writes' % again['writes']))
            goals.append(('%d SIMs, %.0f ms: check mode writes nothing and reports the drift' % (size, latency * 1000),
                          runs['check'][2]['writes'] == 0 and runs['check'][1]['summary']['changed'] == len(locks),
                          '%d writes, %d SIMs reported' % (runs['check'][2]['writes'], runs['check'][1]['summary']['changed'])))
            if size == 10000:
                ratio = runs['no change'][0] / base_wall
                goals.append(('10000 SIMs, %.0f ms: no-change run within 2x the listing task\'s wall time' % (latency * 1000),
                              ratio <= 2.0, '%.2fx (%.2f s against %.2f s)' % (ratio, runs['no change'][0], base_wall)))
                goals.append(('10000 SIMs, %.0f ms: no-change run at most the listing\'s requests plus 2' % (latency * 1000),
                              again['requests'] <= base['requests'] + 2,
                              '%d against %d (%d login(s) in the listing run)' % (again['requests'], base['requests'],
                                                                                  base['logins'])))
            if size == 100000 and latency == 0:
                goals.append(('100000 SIMs, no latency: no-change run under 60 s', runs['no change'][0] < 60,
                              '%.2f s (CPU %.2f s; load average %.1f)' % (runs['no change'][0], again['cpu'],
                                                                          os.getloadavg()[0])))
    if per_host:
        print('the per-host path: %d inventory hosts, a no-change monogoto_thing_imei lock: true each, forks %d'
              % (args.per_host_size, args.forks))
        for latency in sorted(per_host):
            wall, count, hosts, changed, failed = per_host[latency]
            fleet = figures.get((latency, args.per_host_size))
            print('  %5.0f ms  %8.2f s (%s, CPU %.1f s)  requests %6d (%.3f per host: %d listing pages, %d login(s), '
                  '%d per-Thing GETs)  writes %d  changed %d  failed %d' % (
                      latency * 1000, wall, '%.1fx the fleet task' % (wall / fleet['no change'][0]) if fleet else '-',
                      count['cpu'],
                      count['requests'], count['requests'] / float(hosts), count['pages'], count['logins'], count['reads'],
                      count['writes'], changed, failed))
            goals.append(('per-host path, %.0f ms: at most 0.1 requests per host' % (latency * 1000),
                          count['requests'] / float(hosts) <= 0.1, '%.3f per host' % (count['requests'] / float(hosts))))
    for text, ok, value in goals:
        print('  [%s] %s: %s' % ('met' if ok else 'missed', text, value))
    return 0 if all(ok for _t, ok, _v in goals) else 1


if __name__ == '__main__':
    sys.exit(main())
