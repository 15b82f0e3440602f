# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet under a server rate limit: today's transport against the new one, at several rates.

The scenario of issue 8: N SIMs as hosts (default 100), forks 20, one fleetops.ping.monogoto_thing_imei
task with lock: true, half of the SIMs needing the lock, against the simulator allowing R requests a
second per credential (429 with Retry-After: 1 beyond that), answering every 23rd request with a 503 and
resetting every 50th GET. For each rate it runs the play twice per transport (the second run must change
nothing), resetting the simulator and re-creating the half-locked fleet before each transport:

- today: the collection as it was at commit 42d7865 (exported with git archive into a temporary
  ansible_collections/fleetops/ping)
- new:   this working tree

and prints per run: wall time, the floor the limit sets (requests the server accepted / R), their ratio,
429s per 100 requests, failed hosts, writes, doubly written Things and the second run's changes and
writes. Then verdicts for the new transport: zero failed hosts, wall time within 1.5x of the floor, no
Thing written twice, the second run changes nothing. Exit status 1 when the new transport misses one.

    python benchmarks/ratelimit.py [--rates 5,10,20] [--hosts 100] [--forks 20] [--fail-every 23]
                                   [--reset-every 50] [--burst B] [--baseline 42d7865 | --no-baseline]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator import fleet  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.control import SimControl, collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position

BASELINE = '42d7865'


def export_baseline(work, commit):
    """The collection at ``commit``, as a collections path (git archive of this checkout's history)."""
    dest = os.path.join(work, 'baseline', 'ansible_collections', 'fleetops', 'ping')
    os.makedirs(dest)
    archive = subprocess.run(['git', '-C', ROOT, 'archive', '--format=tar', commit], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=False)
    if archive.returncode != 0:
        raise SystemExit('cannot export commit %s with git archive (%s); run from a git checkout or pass --no-baseline'
                         % (commit, archive.stderr.decode('utf-8', 'replace').strip()))
    subprocess.run(['tar', '-x', '-C', dest], input=archive.stdout, check=True)
    return os.path.join(work, 'baseline')


def one_transport(ctl, args, rate, coll_path, work, name):
    """Both runs of one transport at one rate; returns the figures."""
    items = fleet.prepare(ctl, args.hosts, rate, fail_every=args.fail_every, reset_every=args.reset_every,
                          burst=args.burst)
    inventory = fleet.write_inventory(os.path.join(work, 'inventory.yml'), items)
    cache = os.path.join(work, 'cache-%s-%g' % (name, rate))
    env = fleet.playbook_env(coll_path, cache, in_process=not args.module_path)
    first = fleet.run_play(inventory, ctl.url, env, forks=args.forks)
    seen = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), rate)
    ctl.clear_log()
    second = fleet.run_play(inventory, ctl.url, env, forks=args.forks)
    again = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), rate)
    if not first['recap'] or not second['recap']:
        print(first['output'][-3000:] if not first['recap'] else second['output'][-3000:])
        raise SystemExit('%s at %g/s: the play did not run to its PLAY RECAP' % (name, rate))
    return {
        'name': name, 'rate': rate, 'wall': first['wall'], 'floor': seen['floor'],
        'ratio': first['wall'] / seen['floor'] if seen['floor'] else float('inf'),
        'requests': seen['requests'], 'accepted': seen['accepted'], 'throttled': seen['throttled'],
        'per100': seen['throttled_per_100'], 'faults': seen['faults_503'] + seen['resets'],
        'failed': len(fleet.failed_hosts(first)), 'changed': len(fleet.changed_hosts(first)),
        'needing': sum(1 for f in items if f['needs_lock']), 'writes': seen['writes'],
        'double': len(seen['doubly_written']), 'wrong': len(seen['not_in_desired_state']),
        'wall2': second['wall'], 'failed2': len(fleet.failed_hosts(second)),
        'changed2': len(fleet.changed_hosts(second)), 'writes2': again['write_attempts'],
        'per100_2': again['throttled_per_100'],
    }


def unlimited_reference(ctl, args, coll_path, work):
    """The same first run with no rate limit and no fault: what Ansible itself takes for the play."""
    items = fleet.prepare(ctl, args.hosts, None, fail_every=0, reset_every=0)
    inventory = fleet.write_inventory(os.path.join(work, 'inventory.yml'), items)
    env = fleet.playbook_env(coll_path, os.path.join(work, 'cache-reference'), in_process=not args.module_path)
    run = fleet.run_play(inventory, ctl.url, env, forks=args.forks)
    if fleet.failed_hosts(run) or not run['recap']:
        raise SystemExit('the reference run without limit or fault failed:\n' + run['output'][-3000:])
    return {'wall': run['wall'], 'requests': len(ctl.log())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--rates', default='5,10,20', help='server limits to run at, requests a second (comma-separated)')
    parser.add_argument('--hosts', type=int, default=100)
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--burst', type=float, help="the server's burst (token bucket size; default: R, at least 1)")
    parser.add_argument('--fail-every', type=int, default=23, help='a 503 on every Nth request (0: none)')
    parser.add_argument('--reset-every', type=int, default=50, help='a connection reset on every Nth GET (0: none)')
    parser.add_argument('--baseline', default=BASELINE, help="the commit of today's transport (default %(default)s)")
    parser.add_argument('--no-baseline', action='store_true', help="run only the new transport")
    parser.add_argument('--module-path', action='store_true', help='run the modules as real modules, not in-process')
    parser.add_argument('--no-reference', action='store_true',
                        help='skip the reference run of the new transport without any limit or fault')
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(',') if r.strip()]

    work = tempfile.mkdtemp(prefix='fleetops-ratelimit-')
    proc, url = start_simulator(work, max(args.hosts, 2))
    ctl = SimControl(url)
    ctl.url = url
    rows = []
    reference = None
    try:
        transports = [('new', collections_path(work))]
        if not args.no_baseline:
            transports.insert(0, ('today', export_baseline(work, args.baseline)))
        for rate in rates:
            for name, coll_path in transports:
                rows.append(one_transport(ctl, args, rate, coll_path, work, name))
                row = rows[-1]
                print('  ... %-5s at %g/s: %.1f s, %d failed host(s)' % (name, rate, row['wall'], row['failed']),
                      file=sys.stderr, flush=True)
        if not args.no_reference:
            reference = unlimited_reference(ctl, args, transports[-1][1], work)
    finally:
        stop_simulator(proc)
        shutil.rmtree(work, ignore_errors=True)

    print('fleet under a rate limit: %d SIMs as hosts (%d need the IMEI lock), forks %d, %s path, '
          '503 on every %s request, reset on every %s GET, Retry-After 1, server bursts of %s'
          % (args.hosts, rows[0]['needing'], args.forks, 'module' if args.module_path else 'in-process',
             ordinal(args.fail_every), ordinal(args.reset_every), '%g' % args.burst if args.burst else 'R'))
    print('today = the collection at %s, new = this tree; floor = requests the server accepted / R' % args.baseline)
    print('  %-5s %4s %7s %7s %6s %8s %7s %6s %6s %5s %6s %6s %8s %8s %8s' % (
        'run', 'R/s', 'wall s', 'floor s', 'ratio', 'requests', '429/100', 'faults', 'failed', 'wrong', 'writes',
        'double', '2nd fail', '2nd chg', '2nd wr'))
    for row in rows:
        print('  %-5s %4g %7.1f %7.1f %5.2fx %8d %7.1f %6d %6d %5d %6d %6d %8d %8d %8d' % (
            row['name'], row['rate'], row['wall'], row['floor'], row['ratio'], row['requests'], row['per100'],
            row['faults'], row['failed'], row['wrong'], row['writes'], row['double'], row['failed2'], row['changed2'],
            row['writes2']))
    print('  (faults: 503s and resets injected; failed/wrong: hosts failed and Things not in the desired state after '
          'the first run; writes: successful updates; 2nd: the second run; 2nd wr: write requests it sent)')
    if reference:
        print('  reference: the new transport, same play with no limit and no fault: %.1f s, %d requests '
              "(Ansible's own time for %d hosts)" % (reference['wall'], reference['requests'], args.hosts))
    new = [r for r in rows if r['name'] == 'new']
    goals = [
        ('zero failed hosts (both runs)', all(r['failed'] == 0 and r['failed2'] == 0 for r in new),
         ', '.join('%g/s: %d' % (r['rate'], r['failed'] + r['failed2']) for r in new)),
        ('every Thing locked to its IMEI', all(r['wrong'] == 0 for r in new),
         ', '.join('%g/s: %d wrong' % (r['rate'], r['wrong']) for r in new)),
        ('wall time within 1.5x of the rate-limit floor', all(r['ratio'] <= 1.5 for r in new),
         ', '.join('%g/s: %.2fx' % (r['rate'], r['ratio']) for r in new)),
        ('no Thing written twice', all(r['double'] == 0 for r in new),
         ', '.join('%g/s: %d' % (r['rate'], r['double']) for r in new)),
        ('the second run changes and writes nothing', all(r['changed2'] == 0 and r['writes2'] == 0 for r in new),
         ', '.join('%g/s: %d changed, %d writes' % (r['rate'], r['changed2'], r['writes2']) for r in new)),
    ]
    for text, ok, value in goals:
        print('  [%s] new: %s: %s' % ('met' if ok else 'missed', text, value))
    print('  [info] new: 429s per 100 requests: %s (today: %s)' % (
        ', '.join('%g/s: %.1f' % (r['rate'], r['per100']) for r in new),
        ', '.join('%g/s: %.1f' % (r['rate'], r['per100']) for r in rows if r['name'] == 'today') or 'not run'))
    if reference:
        print("  [info] new: wall time over the longer of the floor and Ansible's own time (the reference): %s" % ', '.join(
            '%g/s: %.2fx' % (r['rate'], r['wall'] / max(r['floor'], reference['wall'])) for r in new))
    return 0 if all(ok for _t, ok, _v in goals) else 1


def ordinal(number):
    if not number:
        return 'no'
    suffix = 'th' if 10 <= number % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')
    return '%d%s' % (number, suffix)


if __name__ == '__main__':
    sys.exit(main())
