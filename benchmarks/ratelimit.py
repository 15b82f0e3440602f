# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fleet under a server rate limit, however the server enforces it: the previous limiter against this one.

The scenario of issue 8: N SIMs as hosts (default 100), forks 20, one fleetops.ping.monogoto_thing_imei
task with lock: true, half of the SIMs needing the lock, against the simulator allowing R requests a
second per credential (429 with Retry-After: 1 beyond that), answering every 23rd request with a 503 and
resetting every 50th GET. Issue 17 runs it for every way the server may enforce its limit (``--styles``):

- bucket: a token bucket with bursts of R (the simulator's default); fixed: a fixed one-second window;
  sliding: a sliding one-second window; gcra: no burst, one request each 1/R s; concurrency: at most 2
  requests in flight, each held 2/R s (so at most R a second)
- gcra-x, gcra-ietf: gcra advertising its limit in X-RateLimit-Limit/-Remaining/-Reset, or in the IETF
  draft's RateLimit-Policy/RateLimit fields

For each style and rate it runs the play twice per transport (the second run must change nothing),
resetting the simulator and re-creating the half-locked fleet before each transport:

- prev: the collection as it was at commit e973b45, before issue 17 (git archive into a temporary
  ansible_collections/fleetops/ping)
- new:  this working tree (or ``--new COMMIT``, exported the same way)

and prints per run: wall time, the floor the limit sets (requests the server accepted / R), their ratio,
429s per 100 requests, failed hosts, writes, doubly written Things and the second run's changes and
writes. Then verdicts for the new transport against issue 17's goals: zero failed hosts, wall time within
1.3x of the floor (1.1x with the limit advertised), fewer than 5 429s per 100 requests, no Thing written
twice, the second run changes nothing. Exit status 1 when the new transport misses one.

With ``--fleet N`` also the fleet task (fleetops.ping.monogoto_fleet, one task, concurrency 8) over N SIMs
seeded with 10% drift, under each style at ``--fleet-rate`` (default 10) per second: wall time over the floor,
429s per 100 requests, failed SIMs, attributes written twice, second-run writes; both transports.

    python benchmarks/ratelimit.py [--styles bucket,fixed,sliding,gcra,gcra-x,gcra-ietf,concurrency]
                                   [--rates 5,10,20] [--hosts 100] [--forks 20] [--fail-every 23]
                                   [--reset-every 50] [--burst B] [--baseline e973b45 | --no-baseline]
                                   [--new COMMIT] [--fleet 2000 [--fleet-rate 10]] [--no-plays]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator import fleet  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.control import SimControl, collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position
from tests.simulator.monogoto import make_iccid  # noqa: E402 pylint: disable=wrong-import-position

BASELINE = 'e973b45'
STYLES = {
    'bucket': {'style': 'bucket'},
    'fixed': {'style': 'fixed'},
    'sliding': {'style': 'sliding'},
    'gcra': {'style': 'gcra'},
    'gcra-x': {'style': 'gcra', 'headers': 'x'},
    'gcra-ietf': {'style': 'gcra', 'headers': 'ietf'},
    'concurrency': {'style': 'concurrency'},
}
FLEET_PLAYBOOK = os.path.join(ROOT, 'tests', 'integration', 'fleet', 'fleet_task.yml')
UPDATE_PATH = '/thing/update/'


def export_baseline(work, commit, name='baseline'):
    """The collection at ``commit``, as a collections path (git archive of this checkout's history)."""
    dest = os.path.join(work, name, 'ansible_collections', 'fleetops', 'ping')
    os.makedirs(dest)
    archive = subprocess.run(['git', '-C', ROOT, 'archive', '--format=tar', commit], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, check=False)
    if archive.returncode != 0:
        raise SystemExit('cannot export commit %s with git archive (%s); run from a git checkout or pass --no-baseline'
                         % (commit, archive.stderr.decode('utf-8', 'replace').strip()))
    subprocess.run(['tar', '-x', '-C', dest], input=archive.stdout, check=True)
    return os.path.join(work, name)


def set_style(ctl, rate, style, burst=None):
    """The server's limit in ``style`` (a name of STYLES), Retry-After 1."""
    ctl.ratelimit(rate, retry_after=1, burst=burst, **STYLES[style])


def one_transport(ctl, args, rate, coll_path, work, name, style='bucket'):
    """Both runs of one transport at one rate and style; returns the figures."""
    items = fleet.prepare(ctl, args.hosts, rate, fail_every=args.fail_every, reset_every=args.reset_every,
                          burst=args.burst)
    set_style(ctl, rate, style, args.burst)
    inventory = fleet.write_inventory(os.path.join(work, 'inventory.yml'), items)
    cache = os.path.join(work, 'cache-%s-%s-%g' % (name, style, rate))
    env = fleet.playbook_env(coll_path, cache, in_process=not args.module_path)
    first = fleet.run_play(inventory, ctl.url, env, forks=args.forks)
    seen = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), rate)
    ctl.clear_log()
    second = fleet.run_play(inventory, ctl.url, env, forks=args.forks)
    again = fleet.analyse(ctl.log(), items, ctl.state('monogoto'), rate)
    if not first['recap'] or not second['recap']:
        print(first['output'][-3000:] if not first['recap'] else second['output'][-3000:])
        raise SystemExit('%s at %g/s (%s): the play did not run to its PLAY RECAP' % (name, rate, style))
    return {
        'name': name, 'rate': rate, 'style': style, 'wall': first['wall'], 'floor': seen['floor'],
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


def fleet_task(ctl, args, coll_path, work, name, style):
    """monogoto_fleet over the seeded fleet under ``style``, twice; returns the figures."""
    rate = args.fleet_rate
    ctl.reset()  # the seeded 10% drift again
    iccids = [make_iccid(i) for i in range(1, args.fleet + 1)]
    varsfile = os.path.join(work, 'fleet.json')
    with open(varsfile, 'w') as handle:
        json.dump({'fleet_iccids': iccids}, handle)
    if args.fail_every:
        ctl.intermittent(every=args.fail_every, status=503, body={'message': 'Service temporarily unavailable (injected fault)'})
    if args.reset_every:
        ctl.intermittent(every=args.reset_every, method='GET', kind='reset')
    set_style(ctl, rate, style, args.burst)
    env = fleet.playbook_env(coll_path, os.path.join(work, 'cache-fleet-%s-%s' % (name, style)),
                             extra={'ANSIBLE_LOCALHOST_WARNING': '0'})
    cmd = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
           FLEET_PLAYBOOK, '-e', 'sim_url=' + ctl.url, '-e', '@' + varsfile,
           '-e', 'ansible_python_interpreter=' + sys.executable]
    figures = {'name': name, 'style': style, 'rate': rate}
    for run in (1, 2):
        results_file = os.path.join(work, 'fleet-result-%d.json' % run)
        if os.path.exists(results_file):
            os.remove(results_file)
        ctl.clear_log()
        started = time.time()
        proc = subprocess.run(cmd + ['-e', 'results_file=' + results_file], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=3600, check=False)
        wall = time.time() - started
        log = ctl.log()
        result = {}
        if os.path.exists(results_file):
            with open(results_file) as handle:
                result = json.load(handle)
        throttled = sum(1 for e in log if e.get('fault') == 'ratelimit')
        applied = collections.Counter((e['path'], e['object']) for e in log if e['write'] and e.get('applied'))
        summary = result.get('summary') or {}
        if run == 1:
            figures.update({
                'wall': wall, 'floor': (len(log) - throttled) / float(rate), 'requests': len(log),
                'per100': 100.0 * throttled / len(log) if log else 0.0,
                'failed': summary.get('failed', -1) if proc.returncode == 0 else max(1, summary.get('failed', 1)),
                'changed': summary.get('changed', 0), 'double': sum(1 for c in applied.values() if c > 1),
                'writes': sum(applied.values())})
            figures['ratio'] = wall / figures['floor'] if figures['floor'] else float('inf')
        else:
            figures.update({'changed2': summary.get('changed', -1), 'writes2': sum(1 for e in log if e['write']),
                            'failed2': summary.get('failed', -1) if proc.returncode == 0 else 1})
    return figures


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
    parser.add_argument('--styles', default=','.join(STYLES),
                        help='server limiters to run against (comma-separated; default: %(default)s)')
    parser.add_argument('--rates', default='5,10,20', help='server limits to run at, requests a second (comma-separated)')
    parser.add_argument('--hosts', type=int, default=100)
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--burst', type=float, help="the server's burst (token bucket size; default: R, at least 1)")
    parser.add_argument('--fail-every', type=int, default=23, help='a 503 on every Nth request (0: none)')
    parser.add_argument('--reset-every', type=int, default=50, help='a connection reset on every Nth GET (0: none)')
    parser.add_argument('--baseline', default=BASELINE, help="the commit of the previous limiter (default %(default)s)")
    parser.add_argument('--no-baseline', action='store_true', help="run only the new transport")
    parser.add_argument('--new', metavar='COMMIT', help='the new transport from this commit (default: this working tree)')
    parser.add_argument('--module-path', action='store_true', help='run the modules as real modules, not in-process')
    parser.add_argument('--no-reference', action='store_true',
                        help='skip the reference run of the new transport without any limit or fault')
    parser.add_argument('--fleet', type=int, default=0, metavar='N',
                        help='also the fleet task over N SIMs under each style (0: not run)')
    parser.add_argument('--fleet-rate', type=float, default=10.0, help='the limit of the fleet task runs (default 10/s)')
    parser.add_argument('--no-plays', action='store_true', help='only the fleet task (with --fleet)')
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(',') if r.strip()]
    styles = [s.strip() for s in args.styles.split(',') if s.strip()]
    unknown = [s for s in styles if s not in STYLES]
    if unknown:
        parser.error('unknown style(s) %s; known: %s' % (', '.join(unknown), ', '.join(STYLES)))

    work = tempfile.mkdtemp(prefix='fleetops-ratelimit-')
    rows = []
    fleet_rows = []
    reference = None
    try:
        transports = [('new', export_baseline(work, args.new, 'new') if args.new else collections_path(work))]
        if not args.no_baseline:
            transports.insert(0, ('prev', export_baseline(work, args.baseline)))
        if not args.no_plays:
            proc, url = start_simulator(work, max(args.hosts, 2))
            ctl = SimControl(url)
            ctl.url = url
            try:
                for style in styles:
                    for rate in rates:
                        for name, coll_path in transports:
                            rows.append(one_transport(ctl, args, rate, coll_path, work, name, style))
                            row = rows[-1]
                            print('  ... %-4s %-11s at %g/s: %.1f s, %.2fx, %.1f 429/100, %d failed host(s)' % (
                                name, style, rate, row['wall'], row['ratio'], row['per100'], row['failed']),
                                file=sys.stderr, flush=True)
                if not args.no_reference:
                    reference = unlimited_reference(ctl, args, transports[-1][1], work)
            finally:
                stop_simulator(proc)
        if args.fleet:
            fleet_work = os.path.join(work, 'fleet-sim')
            os.makedirs(fleet_work)
            seeding = ['--locked', '--unlocked-every', '10', '--suspended-every', '20']
            proc, url = start_simulator(fleet_work, args.fleet + 1, seeding, timeout=120)
            ctl = SimControl(url)
            ctl.url = url
            try:
                for style in styles:
                    for name, coll_path in transports:
                        fleet_rows.append(fleet_task(ctl, args, coll_path, work, name, style))
                        row = fleet_rows[-1]
                        print('  ... fleet %-4s %-11s at %g/s: %.1f s, %.2fx, %.1f 429/100, %d failed' % (
                            name, style, args.fleet_rate, row['wall'], row['ratio'], row['per100'], row['failed']),
                            file=sys.stderr, flush=True)
            finally:
                stop_simulator(proc)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ok = True
    if rows:
        ok = report_plays(rows, reference, args) and ok
    if fleet_rows:
        ok = report_fleet(fleet_rows, args) and ok
    return 0 if ok else 1


def goal_ratio(style):
    return 1.1 if style.endswith('-x') or style.endswith('-ietf') else 1.3


def report_plays(rows, reference, args):
    print('fleet under a rate limit: %d SIMs as hosts (%d need the IMEI lock), forks %d, %s path, '
          '503 on every %s request, reset on every %s GET, Retry-After 1, bucket bursts of %s'
          % (args.hosts, rows[0]['needing'], args.forks, 'module' if args.module_path else 'in-process',
             ordinal(args.fail_every), ordinal(args.reset_every), '%g' % args.burst if args.burst else 'R'))
    print('prev = the collection at %s, new = %s; floor = requests the server accepted / R'
          % (args.baseline, args.new or 'this tree'))
    print('  %-11s %-4s %4s %7s %7s %6s %8s %7s %6s %6s %5s %6s %6s %8s %8s %8s' % (
        'style', 'run', 'R/s', 'wall s', 'floor s', 'ratio', 'requests', '429/100', 'faults', 'failed', 'wrong',
        'writes', 'double', '2nd fail', '2nd chg', '2nd wr'))
    for row in rows:
        print('  %-11s %-4s %4g %7.1f %7.1f %5.2fx %8d %7.1f %6d %6d %5d %6d %6d %8d %8d %8d' % (
            row['style'], row['name'], row['rate'], row['wall'], row['floor'], row['ratio'], row['requests'],
            row['per100'], row['faults'], row['failed'], row['wrong'], row['writes'], row['double'], row['failed2'],
            row['changed2'], row['writes2']))
    print('  (faults: 503s and resets injected; failed/wrong: hosts failed and Things not in the desired state after '
          'the first run; writes: successful updates; 2nd: the second run; 2nd wr: write requests it sent)')
    if reference:
        print('  reference: the new transport, same play with no limit and no fault: %.1f s, %d requests '
              "(Ansible's own time for %d hosts)" % (reference['wall'], reference['requests'], args.hosts))
    new = [r for r in rows if r['name'] == 'new']

    def cells(rows_, text):
        return ', '.join('%s@%g: %s' % (r['style'], r['rate'], text(r)) for r in rows_)

    goals = [
        ('zero failed hosts (both runs)', [r for r in new if r['failed'] or r['failed2']],
         lambda r: '%d' % (r['failed'] + r['failed2'])),
        ('every Thing locked to its IMEI', [r for r in new if r['wrong']], lambda r: '%d wrong' % r['wrong']),
        ('wall time within 1.3x of the floor (1.1x advertised)', [r for r in new if r['ratio'] > goal_ratio(r['style'])],
         lambda r: '%.2fx' % r['ratio']),
        ('fewer than 5 429s per 100 requests', [r for r in new if r['per100'] >= 5], lambda r: '%.1f' % r['per100']),
        ('no Thing written twice', [r for r in new if r['double']], lambda r: '%d' % r['double']),
        ('the second run changes and writes nothing', [r for r in new if r['changed2'] or r['writes2']],
         lambda r: '%d changed, %d writes' % (r['changed2'], r['writes2'])),
    ]
    for text, missed, show in goals:
        print('  [%s] new: %s%s' % ('missed' if missed else 'met', text, (': ' + cells(missed, show)) if missed else ''))
    if reference:
        print("  [info] new: wall time over the longer of the floor and Ansible's own time (the reference): %s" % cells(
            new, lambda r: '%.2fx' % (r['wall'] / max(r['floor'], reference['wall']))))
    return not any(missed for _t, missed, _s in goals)


def report_fleet(rows, args):
    print('fleet task: fleetops.ping.monogoto_fleet over %d SIMs (10%% drift), concurrency 8, %g requests/s, '
          '503 on every %s request, reset on every %s GET' % (args.fleet, args.fleet_rate, ordinal(args.fail_every),
                                                              ordinal(args.reset_every)))
    print('  %-11s %-4s %7s %7s %6s %8s %7s %6s %6s %6s %8s %8s' % (
        'style', 'run', 'wall s', 'floor s', 'ratio', 'requests', '429/100', 'failed', 'writes', 'double', '2nd chg',
        '2nd wr'))
    for row in rows:
        print('  %-11s %-4s %7.1f %7.1f %5.2fx %8d %7.1f %6d %6d %6d %8d %8d' % (
            row['style'], row['name'], row['wall'], row['floor'], row['ratio'], row['requests'], row['per100'],
            row['failed'], row['writes'], row['double'], row['changed2'], row['writes2']))
    new = [r for r in rows if r['name'] == 'new']
    missed = [r for r in new if r['failed'] or r['double'] or r['changed2'] or r['writes2'] or r['per100'] >= 5
              or r['ratio'] > goal_ratio(r['style'])]
    print('  [%s] new: fleet task: 0 failed, 0 written twice, second run writes nothing, < 5 429s/100, within the '
          'floor goal%s' % ('missed' if missed else 'met', (': ' + ', '.join(r['style'] for r in missed)) if missed else ''))
    return not missed


def ordinal(number):
    if not number:
        return 'no'
    suffix = 'th' if 10 <= number % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')
    return '%d%s' % (number, suffix)


if __name__ == '__main__':
    sys.exit(main())
