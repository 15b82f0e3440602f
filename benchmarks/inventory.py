# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Monogoto inventory plugin: listing a large fleet, its cache, and enforcement that costs the listing.

Part 1, the inventory: a simulator with 10,000 Things and a set latency; ``ansible-inventory --graph`` over a
``fleetops.ping.monogoto`` configuration with ``concurrency: 1``, then ``concurrency: 8`` (with the inventory
cache on, which that run fills), then the same again: the cached run. Wall time, hosts and API requests each.

Part 2, enforcement: a simulator with 1,000 Things; every SIM is locked once, then three plays run over the
1,000 hosts of the inventory, best of ``--repeat``:

- floor:        ansible.builtin.set_fact, Ansible's own per-host cost (the inventory is read as for the others)
- api reading:  fleetops.ping.monogoto_thing_imei with ``reading_max_age: 0``, reading each Thing from the API
- inventory:    fleetops.ping.monogoto_thing_imei using the inventory's reading of each Thing (``monogoto_thing``)

Part 3, a run that outlasts ``reading_max_age`` (issue 14): a simulator with ``--long-hosts`` Things, all locked
once; a no-change ``monogoto_thing_imei`` run over them with ``reading_max_age: --long-max-age`` that first pauses
``--long-max-age + 1`` seconds, so that by the clock every reading is older than the limit before the first SIM is
enforced. The same play with ``reading_max_age: 0`` (every Thing read again) is the baseline of the same run.

Requests per host count every request of the run, the inventory's listing and login included. Goals: the
cached inventory makes no request; the inventory makes no request per host (one per 50 Things, a login, and
at most ``concurrency - 1`` pages read ahead past the end); the no-change run with the inventory's reading
costs at most 0.1 requests per host, also when the run outlasts ``reading_max_age``; nothing is written. Exit
status 1 when a goal is missed.

    python benchmarks/inventory.py [--things 10000] [--hosts 1000] [--latency 0.02] [--forks 10] [--repeat 2]
                                   [--long-hosts 300] [--long-max-age 5] [--parts inventory,enforce,long-run]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.request import Request, urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
PAGE = 50

CONFIG = """plugin: fleetops.ping.monogoto
api_url: "{{{{ sim_url }}}}/monogoto"
username: demo@fleetops.example
password: demo-password
concurrency: {concurrency}
{cache}"""

CACHE = """cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {path}
cache_timeout: 3600
"""

ENFORCE = """
- name: Enforce the IMEI lock over the Monogoto inventory
  hosts: all
  gather_facts: false
  module_defaults:
    group/fleetops.ping.monogoto:
      api_url: "{{{{ sim_url }}}}/monogoto"
      username: demo@fleetops.example
      password: demo-password
  tasks:
    - name: Lock each SIM to its device
      fleetops.ping.monogoto_thing_imei:
        iccid: "{{{{ monogoto_iccid }}}}"
        imei: "{{{{ monogoto_imei }}}}"
        lock: true
{extra}"""

# A no-change run that outlasts reading_max_age: a pause first, then the enforcement play of part 2.
PAUSE = """
- name: Outlast reading_max_age before the first SIM is enforced
  hosts: all
  gather_facts: false
  tasks:
    - name: Pause
      ansible.builtin.pause:
        seconds: {pause}
"""

FLOOR = """
- name: The floor, Ansible's own per-host cost
  hosts: all
  gather_facts: false
  tasks:
    - name: Set a fact
      ansible.builtin.set_fact:
        seen: "{{ monogoto_iccid }}"
"""


def sim_call(url, method, path):
    with urlopen(Request(url + '/_sim/' + path, method=method), timeout=60) as resp:  # nosec - loopback only
        raw = resp.read()
    return json.loads(raw.decode('utf-8')) if raw else None


def start_simulator(work, name, things, latency):
    port_file = os.path.join(work, name + '.url')
    proc = subprocess.Popen([sys.executable, '-m', 'tests.simulator', '--port', '0', '--things', str(things),
                             '--latency', str(latency), '--port-file', port_file], cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not os.path.exists(port_file):
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit('the simulator did not start')
        time.sleep(0.05)
    with open(port_file) as handle:
        return proc, handle.read().strip()


def collections_path(work):
    parts = ROOT.split(os.sep)
    if parts[-3:-2] == ['ansible_collections']:
        return os.sep.join(parts[:-3])
    path = os.path.join(work, 'collections')
    os.makedirs(os.path.join(path, 'ansible_collections', 'fleetops'))
    os.symlink(ROOT, os.path.join(path, 'ansible_collections', 'fleetops', 'ping'))
    return path


def write(work, name, text):
    path = os.path.join(work, name)
    with open(path, 'w') as handle:
        handle.write(text)
    return path


def timed(cmd, env, what):
    start = time.time()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          check=False)
    elapsed = time.time() - start
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        raise SystemExit('%s failed' % what)
    return elapsed, proc.stdout


def counts(url):
    log = sim_call(url, 'GET', 'log')
    return {
        'requests': len(log),
        'logins': sum(1 for e in log if e.get('tag') == 'login'),
        'pages': sum(1 for e in log if e['path'] == '/things'),
        'gets': sum(1 for e in log if e['path'].startswith('/thing/ThingId')),
        'writes': sum(1 for e in log if e['write']),
    }


def inventory_run(work, env, url, concurrency, cache_path=None):
    cache = CACHE.format(path=cache_path) if cache_path else ''
    config = write(work, 'fleet-%d%s.monogoto.yml' % (concurrency, '-cached' if cache_path else ''),
                   CONFIG.format(concurrency=concurrency, cache=cache))
    sim_call(url, 'DELETE', 'log')
    elapsed, out = timed([os.path.join(BIN, 'ansible-inventory'), '-i', config, '--graph', '-e', 'sim_url=' + url],
                         env, 'ansible-inventory (concurrency %d)' % concurrency)
    hosts = sum(1 for line in out.splitlines() if line.startswith('  |  |--') or line.startswith('  |--') and '@' not in line)
    return elapsed, hosts, counts(url)


def stop(procs, proc):
    """Stop a simulator that ``start_simulator`` started and ``procs`` lists."""
    proc.terminate()
    proc.wait(10)
    procs.remove(proc)


def run_play(url, config, playbook, forks, env, what):
    """One ansible-playbook run over the inventory ``config``: its wall time and the requests it sent."""
    sim_call(url, 'DELETE', 'log')
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', config, playbook, '-f', str(forks), '-e', 'sim_url=' + url]
    elapsed, _out = timed(cmd, env, what)
    return elapsed, counts(url)


def reading_supported():
    """Whether monogoto_thing_imei has B2's option reading_max_age (issue 9, part 3)."""
    with open(os.path.join(ROOT, 'plugins', 'modules', 'monogoto_thing_imei.py')) as handle:
        return 'reading_max_age' in handle.read()


PARTS = ('inventory', 'enforce', 'long-run')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--things', type=int, default=10000, help='Things in the inventory of part 1')
    parser.add_argument('--hosts', type=int, default=1000, help='Things (hosts) in the enforcement of part 2')
    parser.add_argument('--latency', type=float, default=0.02, help='simulated API latency in seconds')
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--repeat', type=int, default=2, help='timed runs of each play of part 2; the best is kept')
    parser.add_argument('--long-hosts', type=int, default=300, help='Things (hosts) in the long run of part 3')
    parser.add_argument('--long-max-age', type=int, default=5, help='reading_max_age of the long run of part 3')
    parser.add_argument('--parts', default=','.join(PARTS),
                        help='comma-separated parts to run: %s (default: all)' % ', '.join(PARTS))
    args = parser.parse_args()
    parts = [p.strip() for p in args.parts.split(',') if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown or not parts:
        parser.error('--parts: choose from %s, found %s' % (', '.join(PARTS), args.parts))
    if args.long_max_age < 1:
        parser.error('--long-max-age: at least 1 second (0 never uses a reading)')

    work = tempfile.mkdtemp(prefix='fleetops-bench-inventory-')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(work), ANSIBLE_NOCOLOR='1',
               ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED='1', FLEETOPS_PING_CACHE_DIR=os.path.join(work, 'cache'))
    for name in list(env):
        if name.startswith(('MONOGOTO_', 'FLEETOPS_PING_READING')):
            del env[name]
    procs = []
    inv, best, seen, long_seen = {}, {}, {}, {}
    supported = reading_supported()
    try:
        # -- part 1: the inventory of a large fleet ------------------------------------------------------
        if 'inventory' in parts:
            proc, url = start_simulator(work, 'large', args.things, args.latency)
            procs.append(proc)
            inv['concurrency 1'] = inventory_run(work, env, url, 1)
            cache_path = os.path.join(work, 'inventory-cache')
            inv['concurrency 8'] = inventory_run(work, env, url, 8, cache_path)
            inv['cached'] = inventory_run(work, env, url, 8, cache_path)
            stop(procs, proc)

        # -- part 2: no-change enforcement over the inventory's hosts -----------------------------------
        if 'enforce' in parts:
            proc, url = start_simulator(work, 'fleet', args.hosts, args.latency)
            procs.append(proc)
            config = write(work, 'fleet.monogoto.yml', CONFIG.format(concurrency=8, cache=''))
            plays = {
                'floor': write(work, 'floor.yml', FLOOR),
                'api reading': write(work, 'api.yml', ENFORCE.format(extra='        reading_max_age: 0\n' if supported else '')),
                'inventory': write(work, 'inventory.yml', ENFORCE.format(extra='')),
            }

            def play(name):
                return run_play(url, config, plays[name], args.forks, env, '%s play' % name)

            play('api reading')  # lock every SIM once: the timed runs change nothing
            for _round in range(args.repeat):
                for name in ('floor', 'api reading', 'inventory'):
                    elapsed, count = play(name)
                    best[name] = min(best.get(name, elapsed), elapsed)
                    seen[name] = count
            stop(procs, proc)

        # -- part 3: a no-change run that outlasts reading_max_age ------------------------------------------
        if 'long-run' in parts:
            proc, url = start_simulator(work, 'long', args.long_hosts, args.latency)
            procs.append(proc)
            config = write(work, 'long.monogoto.yml', CONFIG.format(concurrency=8, cache=''))
            pause = args.long_max_age + 1
            long_plays = {
                'api reading': write(work, 'long-api.yml', ENFORCE.format(extra='        reading_max_age: 0\n')),
                'inventory': write(work, 'long-inventory.yml', PAUSE.format(pause=pause) + ENFORCE.format(
                    extra='        reading_max_age: %d\n' % args.long_max_age)),
            }

            def long_run(name):
                return run_play(url, config, long_plays[name], args.forks, env, 'long run (%s)' % name)

            long_run('api reading')  # lock every SIM once: the measured runs change nothing
            long_seen['inventory'] = long_run('inventory')
            long_seen['api reading'] = long_run('api reading')
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(work, ignore_errors=True)

    goals = []
    if inv:
        print('fleetops.ping.monogoto inventory of %d Things, API latency %.0f ms' % (args.things, args.latency * 1000))
        for name in ('concurrency 1', 'concurrency 8', 'cached'):
            elapsed, hosts, count = inv[name]
            print('  %-14s %7.2f s   %5d hosts   requests %4d (%d GET /things pages, %d login(s), %d per-Thing GETs)'
                  % (name, elapsed, hosts, count['requests'], count['pages'], count['logins'], count['gets']))
        speedup = inv['concurrency 1'][0] / inv['concurrency 8'][0]
        own = inv['cached'][0]  # the cached run reads nothing: Ansible's own cost of 10,000 hosts and the plugin's
        api1, api8 = inv['concurrency 1'][0] - own, inv['concurrency 8'][0] - own
        print('  speed-up concurrency 1 -> 8: %.2fx overall; reading the API (a run minus the cached run): %.2f s -> %.2f s (%.1fx)'
              % (speedup, api1, api8, api1 / api8 if api8 > 0 else float('inf')))
        pages = -(-args.things // PAGE) + 1  # the last, short (or empty) page included
        goals += [
            ('the cached inventory makes no request', inv['cached'][2]['requests'] == 0,
             '%d request(s)' % inv['cached'][2]['requests']),
            ('the inventory makes no request per host (concurrency 1)',
             inv['concurrency 1'][2]['requests'] <= pages + 1 and inv['concurrency 1'][2]['gets'] == 0,
             '%d requests for %d hosts' % (inv['concurrency 1'][2]['requests'], inv['concurrency 1'][1])),
            ('the inventory makes no request per host (concurrency 8)',
             inv['concurrency 8'][2]['requests'] <= pages + 1 + 7 and inv['concurrency 8'][2]['gets'] == 0,
             '%d requests for %d hosts' % (inv['concurrency 8'][2]['requests'], inv['concurrency 8'][1])),
            ('every Thing is a host', all(inv[n][1] == args.things for n in inv),
             ', '.join('%d' % inv[n][1] for n in ('concurrency 1', 'concurrency 8', 'cached'))),
        ]
    if seen:
        print('no-change monogoto_thing_imei over %d inventory hosts, forks %d, API latency %.0f ms, best of %d%s'
              % (args.hosts, args.forks, args.latency * 1000, args.repeat,
                 '' if supported else ' (monogoto_thing_imei has no reading_max_age: issue 9 part 3 is not merged)'))
        for name in ('floor', 'api reading', 'inventory'):
            count = seen[name]
            print('  %-12s %7.2f s (%.2fx the floor)   requests %5d (%.3f per host)  logins %d  GETs %d  writes %d'
                  % (name, best[name], best[name] / best['floor'], count['requests'], count['requests'] / float(args.hosts),
                     count['logins'], count['gets'], count['writes']))
        goals += [
            ('no-change run with the inventory reading at most 0.1 requests per host',
             seen['inventory']['requests'] / float(args.hosts) <= 0.1,
             '%.3f per host' % (seen['inventory']['requests'] / float(args.hosts))),
            ('no play wrote anything', all(c['writes'] == 0 for c in seen.values()),
             '%d write(s)' % sum(c['writes'] for c in seen.values())),
        ]
    if long_seen:
        print('no-change monogoto_thing_imei over %d inventory hosts that outlasts reading_max_age %d s (a pause of %d s '
              'first), forks %d, API latency %.0f ms'
              % (args.long_hosts, args.long_max_age, args.long_max_age + 1, args.forks, args.latency * 1000))
        for name in ('api reading', 'inventory'):
            elapsed, count = long_seen[name]
            print('  %-12s %7.2f s   requests %5d (%.3f per host)  logins %d  pages %d  GETs %d  writes %d'
                  % (name, elapsed, count['requests'], count['requests'] / float(args.long_hosts), count['logins'],
                     count['pages'], count['gets'], count['writes']))
        elapsed, count = long_seen['inventory']
        goals += [
            ('the long run outlasted reading_max_age', elapsed > args.long_max_age,
             '%.1f s against %d s' % (elapsed, args.long_max_age)),
            ('the long run with the inventory reading at most 0.1 requests per host',
             count['requests'] / float(args.long_hosts) <= 0.1,
             '%.3f per host (%d per-Thing GETs)' % (count['requests'] / float(args.long_hosts), count['gets'])),
            ('the long runs wrote nothing', all(c['writes'] == 0 for _e, c in long_seen.values()),
             '%d write(s)' % sum(c['writes'] for _e, c in long_seen.values())),
        ]
    for text, ok, value in goals:
        print('  [%s] %s: %s' % ('met' if ok else 'missed', text, value))
    return 0 if all(ok for _t, ok, _v in goals) else 1


if __name__ == '__main__':
    sys.exit(main())
