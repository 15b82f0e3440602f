# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bulk no-change enforcement: this collection against a hand-written uri play and a bare set_fact floor.

Starts the simulator with a set latency, builds an inventory of N SIMs (one host each), locks every SIM
once, then times three plays over the same hosts in one run, with the same forks:

- collection: fleetops.ping.monogoto_thing_imei (in-process on the controller)
- uri:        ansible.builtin.uri, log in once, GET the Thing, PUT only when it differs
- floor:      ansible.builtin.set_fact, the cost of Ansible's own per-host scheduling

It checks that none of them wrote, prints wall-time ratios and API requests per host, and says whether the
goals are met: collection within 1.5x of the floor, at least 10x faster than the uri play, exactly one API
request per unchanged host and at most one login for the whole run. Exit status 1 when a goal is missed.

    python benchmarks/bulk_imei.py [--hosts 200] [--forks 10] [--latency 0.02] [--repeat 3]
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
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator.control import collections_path, start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position

COLLECTION_PLAY = """
- name: Enforce the IMEI lock with fleetops.ping
  hosts: sims
  gather_facts: false
  tasks:
    - name: Lock each SIM to its device
      fleetops.ping.monogoto_thing_imei:
        api_url: "{{ sim_url }}/monogoto"
        username: demo@fleetops.example
        password: demo-password
        iccid: "{{ iccid }}"
        imei: "{{ imei }}"
        lock: true
"""

URI_PLAY = """
- name: Enforce the IMEI lock with ansible.builtin.uri
  hosts: sims
  gather_facts: false
  tasks:
    - name: Log in once
      ansible.builtin.uri:
        url: "{{ sim_url }}/monogoto/Auth"
        method: POST
        body_format: json
        body: {UserName: demo@fleetops.example, Password: demo-password}
      register: login
      run_once: true
      no_log: true

    - name: Read the Thing
      ansible.builtin.uri:
        url: "{{ sim_url }}/monogoto/thing/ThingId_ICCID_{{ iccid }}"
        headers:
          Authorization: "Bearer {{ login.json.token }}"
      register: thing

    - name: Lock it only when it differs
      ansible.builtin.uri:
        url: "{{ sim_url }}/monogoto/thing/update/"
        method: PUT
        body_format: json
        body:
          cas: "{{ thing.json.cas }}"
          ThingId: "ThingId_ICCID_{{ iccid }}"
          LockMasterImei: true
          MasterIMEI: "{{ imei }}"
        headers:
          Authorization: "Bearer {{ login.json.token }}"
        return_content: true
      when: not thing.json.LockMasterImei or thing.json.MasterIMEI != imei
      changed_when: true
"""

FLOOR_PLAY = """
- name: The floor, Ansible's own per-host cost
  hosts: sims
  gather_facts: false
  tasks:
    - name: Set a fact
      ansible.builtin.set_fact:
        seen: "{{ iccid }}"
"""


def sim_call(url, method, path, body=None):
    data = json.dumps(body).encode('utf-8') if body is not None else None
    req = Request(url + '/_sim/' + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    with urlopen(req, timeout=30) as resp:  # nosec - loopback only
        raw = resp.read()
    return json.loads(raw.decode('utf-8')) if raw else None


def write_inventory(work, things):
    lines = ['all:', '  children:', '    sims:', '      vars:', '        ansible_connection: local',
             '        ansible_python_interpreter: "{{ ansible_playbook_python }}"', '      hosts:']
    for index, (iccid, thing) in enumerate(sorted(things.items())):
        lines.append('        sim%04d: {iccid: "%s", imei: "%s"}' % (index, iccid, thing['IMEI']))
    path = os.path.join(work, 'inventory.yml')
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return path


def run_play(work, name, text, inventory, env, forks):
    path = os.path.join(work, name + '.yml')
    with open(path, 'w') as handle:
        handle.write(text)
    start = time.time()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', inventory, path, '-f', str(forks)],
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, check=False)
    elapsed = time.time() - start
    if proc.returncode != 0:
        print(proc.stdout[-4000:])
        raise SystemExit('%s play failed' % name)
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--hosts', type=int, default=200)
    parser.add_argument('--forks', type=int, default=10)
    parser.add_argument('--latency', type=float, default=0.02, help='simulated API latency in seconds')
    parser.add_argument('--repeat', type=int, default=3, help='timed runs of each play; the best is kept')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='fleetops-bench-')
    proc, url = start_simulator(work, args.hosts, ['--latency', str(args.latency)])
    try:
        things = dict((t['ExternalUniqueId'], t) for t in sim_call(url, 'GET', 'state/monogoto')['things'].values())
        inventory = write_inventory(work, things)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(work), ANSIBLE_NOCOLOR='1',
                   ANSIBLE_HOST_KEY_CHECKING='0', FLEETOPS_PING_CACHE_DIR=os.path.join(work, 'cache'),
                   sim_url=url)
        plays = {'collection': COLLECTION_PLAY, 'uri': URI_PLAY, 'floor': FLOOR_PLAY}
        for name in plays:
            plays[name] = plays[name].replace('{{ sim_url }}', url)

        # Lock every SIM once, so that the timed runs are no-change enforcement runs.
        run_play(work, 'setup', plays['collection'], inventory, env, args.forks)

        best = {}
        counts = {}
        for _round in range(args.repeat):
            for name in ('floor', 'collection', 'uri'):
                if name == 'collection':
                    shutil.rmtree(os.path.join(work, 'cache'), ignore_errors=True)  # count the login too
                sim_call(url, 'DELETE', 'log')
                elapsed = run_play(work, name, plays[name], inventory, env, args.forks)
                log = sim_call(url, 'GET', 'log')
                counts[name] = {
                    'requests': len(log),
                    'logins': sum(1 for e in log if e.get('tag') == 'login'),
                    'writes': sum(1 for e in log if e['write']),
                }
                best[name] = min(best.get(name, elapsed), elapsed)
    finally:
        stop_simulator(proc)
        shutil.rmtree(work, ignore_errors=True)

    hosts = args.hosts
    coll = counts['collection']
    api_per_host = (coll['requests'] - coll['logins']) / float(hosts)
    vs_floor = best['collection'] / best['floor']
    vs_uri = best['uri'] / best['collection']
    print('bulk no-change IMEI enforcement: %d SIMs as hosts, forks %d, API latency %.0f ms, best of %d'
          % (hosts, args.forks, args.latency * 1000, args.repeat))
    for name in ('floor', 'collection', 'uri'):
        print('  %-10s %7.2f s   requests %5d  logins %d  writes %d'
              % (name, best[name], counts[name]['requests'], counts[name]['logins'], counts[name]['writes']))
    goals = [
        ('collection within 1.5x of the set_fact floor', vs_floor <= 1.5, '%.2fx' % vs_floor),
        ('collection at least 10x faster than the uri play', vs_uri >= 10, '%.1fx' % vs_uri),
        ('exactly one API request per unchanged host', api_per_host == 1.0, '%.2f per host' % api_per_host),
        ('at most one login for the whole run', coll['logins'] <= 1, '%d login(s)' % coll['logins']),
        ('no play wrote anything', all(c['writes'] == 0 for c in counts.values()),
         '%d write(s)' % sum(c['writes'] for c in counts.values())),
    ]
    for text, ok, value in goals:
        print('  [%s] %s: %s' % ('met' if ok else 'MISSED', text, value))
    return 0 if all(ok for _t, ok, _v in goals) else 1


if __name__ == '__main__':
    sys.exit(main())
