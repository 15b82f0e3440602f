# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and broken answers (issue 15) through Ansible's own commands, against the simulator's hostile mode.

Every module family (Monogoto, ping.pl, PING asset) runs its playbook in tests/integration/hostile on both execution
paths, and every inventory plugin runs ``ansible-inventory --list`` against each class of answer: answers that
trickle (headers or body), never end, never meet their Content-Length or are huge; paging that repeats, points
back, grows or runs past what it announced; fields missing or of the wrong type; writes answered with something
other than the documented success. With timeouts of 1 s, each case must end within its bound, fail (or warn) in
one line, print no traceback and no secret at ``-vvvv``, send a bounded number of requests (the simulator's log)
and change only what it reports (the simulator's state). The subprocess timeout is the hang detector, not a
performance figure.

The figures of every case (its wall time as the simulator saw it, its requests) are written to
tests/output/hostile/; ``python tests/integration/hostile_report.py`` sums them up per class of answer.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import subprocess
import time
from urllib.parse import urlencode

import pytest
import yaml

from test_inventory import SECRET_ENV, environment, plain, sim  # noqa: F401 pylint: disable=unused-import
from test_playbooks import BIN, HERE, ROOT, sim_secrets, simulator  # noqa: F401 pylint: disable=unused-import

PLAYS = os.path.join(HERE, 'hostile')
OUTPUT = os.path.join(ROOT, 'tests', 'output', 'hostile')
FAMILIES = ('monogoto', 'pingpl', 'pingasset')
# Generous: every case of a playbook, each at most a few timeouts of 1 s, plus Ansible's own time on a busy machine.
PLAYBOOK_HANG = 900
INVENTORY_HANG = 120


def hostile_env(coll_path, tmp_path, mode='in_process'):
    # No token cache: every case starts from a reset simulator, whose tokens are gone, and logs in once.
    return environment(coll_path, tmp_path, mode, FLEETOPS_PING_TOKEN_CACHE='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0')


def record(name, figures):
    os.makedirs(OUTPUT, exist_ok=True)
    with open(os.path.join(OUTPUT, name + '.json'), 'w') as handle:
        json.dump(figures, handle, indent=1, sort_keys=True)


def checked_output(url, proc, what):
    output = proc.stdout + proc.stderr
    leaked = [s for s in sim_secrets(url) if len(s) >= 6 and s in output]
    assert not leaked, '%s: %d secret(s) in the -vvvv output' % (what, len(leaked))
    assert 'Traceback' not in output, '%s: a traceback in the output' % what
    return output


# -- the module families, on both execution paths ------------------------------------------------------
# (.ci/oldest-core.sh deselects "module" to run the in-process path alone: the word stays out of test names)

@pytest.mark.parametrize('mode', ['in_process', 'module'])
@pytest.mark.parametrize('family', FAMILIES)
def test_families_against_hostile_answers(simulator, family, mode, tmp_path):  # noqa: F811 pylint: disable=redefined-outer-name
    url, coll_path = simulator
    sim(url, 'DELETE', 'hostile/cases')
    playbook = os.path.join(PLAYS, family + '.yml')
    with open(playbook) as handle:
        cases = [c for c in yaml.safe_load(handle)[0]['vars']['cases'] if c.get('only') in (None, mode)]
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(HERE, 'inventory.ini'), playbook,
           '-e', 'sim_url=' + url, '-e', 'fleetops_mode=' + mode, '-vvvv']
    started = time.time()
    proc = subprocess.run(cmd, cwd=HERE, env=hostile_env(coll_path, tmp_path, mode), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=PLAYBOOK_HANG, check=False)
    (tmp_path / 'output.txt').write_text(proc.stdout)
    assert proc.returncode == 0, 'hostile/%s.yml failed (%s):\n%s' % (family, mode, proc.stdout[-8000:])
    proc.stderr = ''
    checked_output(url, proc, 'hostile/%s.yml (%s)' % (family, mode))
    figures = sim(url, 'GET', 'hostile/cases')
    assert [f['name'] for f in figures] == [c['name'] for c in cases]
    for entry in figures:
        entry.update(path=mode, kind='module')
    record('%s-%s' % (family, mode), {'run_s': round(time.time() - started, 1), 'cases': figures})


# -- the inventory plugins ------------------------------------------------------------------------------

CONFIG = {
    'monogoto': {'plugin': 'fleetops.ping.monogoto', 'api_url': '{{ sim_url }}/monogoto',
                 'username': 'demo@fleetops.example', 'password': "{{ lookup('env', 'SIM_MONOGOTO_PASSWORD') }}",
                 'include_status': True},
    'pingpl': {'plugin': 'fleetops.ping.pingpl', 'api_url': '{{ sim_url }}/pingpl/1.0',
               'token': "{{ lookup('env', 'SIM_PINGPL_KEY') }}"},
    'pingasset': {'plugin': 'fleetops.ping.pingasset', 'api_url': '{{ sim_url }}/pingasset',
                  'client_id': 'pingasset-demo-client',
                  'client_secret': "{{ lookup('env', 'SIM_PINGASSET_CLIENT_SECRET') }}"},
}
LISTING = {'monogoto': {'api': 'monogoto', 'method': 'GET', 'path': '^/things$'},
           'pingpl': {'api': 'pingpl', 'path': 'get-monitors$'},
           'pingasset': {'api': 'pingasset', 'method': 'GET', 'path': '^/1.0/devices/devices/$'}}
CALL = {'monogoto': r'GET /things', 'pingpl': r'POST /get-monitors', 'pingasset': r'GET /1\.0/devices/devices/'}
LOGIN = {'monogoto': 1, 'pingpl': 0, 'pingasset': 1}


def transport_case(api, mode):
    """One of the five ways an answer can fail to arrive, on the plugin's listing call: one request (budget 1 s)."""
    late = CALL[api] + r': read timed out after 1\.0s \(no complete answer within the 1s deadline: '
    patterns = {'trickle_headers': late + 'the headers had not all come', 'endless_body': late, 'short_body': late,
                'trickle_body': late + 'HTTP 200 came, its body had not ended',
                'huge': CALL[api] + r': HTTP 200: the answer is larger than 16 MiB, the most the collection reads'}
    rule = {'mode': mode, 'announce': False} if mode == 'huge' else {'mode': mode}
    return (rule, {}, 'fail', patterns[mode], LOGIN[api] + 1)


TRANSPORT = ('trickle_headers', 'trickle_body', 'endless_body', 'short_body', 'huge')
# Rounds of cases, one ansible-inventory run each with one source per plugin that the round names (each API has
# its own rules, so the sources of one run do not disturb each other). A case: (hostile rule on the plugin's
# listing call, or a whole rule; extra configuration; expect; regex; at most requests, logins and the calls after
# the listing included).
ROUNDS = [(mode, dict((api, transport_case(api, mode)) for api in CONFIG)) for mode in TRANSPORT] + [
    ('repeat_page', {
        'monogoto': ({'mode': 'repeat_page'}, {}, 'fail',
                     r'GET /things: the page at offset 50 holds only Things already listed', 6),
        'pingasset': ({'mode': 'repeat_page'}, {'concurrency': 1}, 'fail',
                      r'GET /1\.0/devices/devices/: page 2 repeats page 1 \(10 items\)', 3)}),
    ('repeat_page', {
        'pingasset': ({'mode': 'repeat_page'}, {'concurrency': 4}, 'fail',
                      r'GET /1\.0/devices/devices/: page 2 repeats page 1 \(10 items\)', 5)}),
    ('endless_pages', {
        'monogoto': ({'mode': 'endless_pages'}, {'max_things': 120}, 'fail',
                     r'GET /things: more than max_things \(120\) Things, and the listing goes on', 6),
        'pingasset': ({'mode': 'endless_pages', 'announce': 'count'}, {}, 'fail',
                      r'GET /1\.0/devices/devices/: page 4 brings the list to 40 items, more than the 35 that '
                      r'"count" announced', 5)}),
    ('next_back', {
        'pingasset': ({'mode': 'next_back'}, {}, 'fail',
                      r'GET /1\.0/devices/devices/: the "next" of page 1 points at page 1, which was read already', 2)}),
    ('grow_pages', {
        'pingasset': ({'mode': 'grow_pages'}, {}, 'fail',
                      r'GET /1\.0/devices/devices/: page 2 announces 3 pages where page 1 announced 2', 3)}),
    ('missing_field', {
        'monogoto': ({'mode': 'drop_field', 'field': ['[].ThingId', '[].ExternalUniqueId']}, {}, 'fail',
                     r'GET /things: Thing 0 of the page at offset 0 has neither a ThingId nor an ExternalUniqueId', 2),
        'pingpl': ({'mode': 'drop_field', 'field': 'data'}, {}, 'fail',
                   r'POST get-monitors: HTTP 200: the answer has no "data" \(header status=OK\), which get-monitors '
                   r'documents', 1),
        'pingasset': ({'api': 'pingasset', 'path': '^/1.0/devices/devices/$', 'kind': 'hostile', 'times': -1,
                       'mode': 'drop_field', 'field': 'results'}, {}, 'fail',
                      r'GET /1\.0/devices/devices/: expected "results" to be a list; found keys: count, num_pages', 2)}),
    ('missing_field', {
        'monogoto': ({'api': 'monogoto', 'path': '^/thing/status$', 'kind': 'status', 'status': 200,
                      'body': {'Success': True, 'Data': []}}, {}, 'warn',
                     r'GET /thing/status: no status for 20 of the 20 Things asked for; they are left without one', 3),
        'pingpl': ({'mode': 'drop_field', 'field': 'data.monitors[].isShared'}, {}, 'warn',
                   r'POST get-monitors: 10 of 10 monitor\(s\) lack the documented field "isShared"', 2)}),
    ('wrong_type', {
        'monogoto': ({'mode': 'retype_field', 'field': '[].LockMasterImei', 'to': 'list'}, {}, 'fail',
                     r'GET /things: Things\[0\]\.LockMasterImei is \[False\], not a boolean as documented', 2),
        'pingpl': ({'api': 'pingpl', 'path': 'get-monitors$', 'status': 200, 'times': -1, 'body': {
            'header': {'status': 'OK'}, 'data': {'monitors': [{'id': '30O9', 'status': 'ACTIVE', 'type': 'WWW',
                                                               'name': 'x', 'isShared': 0}]}}}, {}, 'fail',
                   r"POST get-monitors: data\.monitors\[0\]\.id is '30O9', not an integer as documented", 1),
        'pingasset': ({'mode': 'retype_field', 'field': 'results[].fault', 'to': 'list'}, {}, 'fail',
                      r'GET /1\.0/devices/devices/: devices\[0\]\.fault is \[False\], not a boolean as documented', 5)}),
    ('wrong_type', {
        'monogoto': ({'mode': 'retype_field', 'field': '[].LockMasterImei', 'to': 'bool_str'},
                     {'include_status': False}, 'ok', None, 2),
        'pingpl': ({'mode': 'retype_field', 'field': 'data.monitors[].id'}, {}, 'ok', None, 2),
        'pingasset': ({'mode': 'retype_field', 'field': 'results[].imei', 'to': 'int'}, {}, 'ok', None, 5)}),
]


def round_ids():
    seen, ids = {}, []
    for klass, _cases in ROUNDS:
        seen[klass] = seen.get(klass, 0) + 1
        ids.append(klass if seen[klass] == 1 else '%s%d' % (klass, seen[klass]))
    return ids


@pytest.mark.parametrize('klass, cases, name', [r + (n,) for r, n in zip(ROUNDS, round_ids())], ids=round_ids())
def test_inventories_against_hostile_answers(simulator, klass, cases, name, tmp_path):  # noqa: F811 pylint: disable=redefined-outer-name
    """One ansible-inventory run with a source per plugin of the round: each fails (or warns, or reads) as its case
    says, in one line naming the plugin and the call, with a bounded number of requests."""
    url, coll_path = simulator
    rules, sources = [], []
    for api, (rule, extra, _expect, _pattern, _most) in sorted(cases.items()):
        rules.append(dict(rule) if 'api' in rule else dict(LISTING[api], kind='hostile', times=-1, **rule))
        path = tmp_path / ('hostile.%s.yml' % api)
        path.write_text(yaml.safe_dump(dict(CONFIG[api], timeout=1, retry_time_budget=1, **extra)))
        sources += ['-i', str(path)]
    sim(url, 'GET', 'hostile/case?' + urlencode({'name': name, 'class': klass, 'rules': json.dumps(rules)}))
    cmd = [os.path.join(BIN, 'ansible-inventory')] + sources + ['--list', '-e', 'sim_url=' + url, '-vvvv']
    started = time.time()
    # A source that fails is a warning here, so that the other sources of the round are read.
    env = dict(hostile_env(coll_path, tmp_path), ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED='0')
    proc = subprocess.run(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=INVENTORY_HANG, check=False)
    wall = time.time() - started
    end = sim(url, 'GET', 'hostile/end?api=monogoto')
    (tmp_path / 'output.txt').write_text(proc.stdout + '\n--- stderr ---\n' + proc.stderr)
    checked_output(url, proc, name)
    assert proc.returncode == 0, '%s: %s' % (name, proc.stderr[-3000:])
    hosts = plain(json.loads(proc.stdout[proc.stdout.index('{'):]))['_meta']['hostvars']
    # One line as the plugin raises it; ansible-core 2.16 wraps warnings and errors at 80 columns when it shows them.
    said = ' '.join(proc.stderr.split())
    figures = []
    for api, (_rule, _extra, expect, pattern, most) in sorted(cases.items()):
        prefix = re.escape('fleetops.ping.%s: ' % api)
        mine = dict((h, v) for h, v in hosts.items() if any(k.startswith(api + '_') for k in v))
        warned = re.findall(r'\[WARNING\]: ' + prefix, said)
        if expect == 'fail':
            assert not mine and re.search(prefix + pattern, said), '%s, %s: %s' % (name, api, proc.stderr[-3000:])
        else:
            assert mine, '%s, %s: no hosts: %s' % (name, api, proc.stderr[-3000:])
            check_typed(api, mine)
            if expect == 'warn':
                assert len(warned) == 1 and re.search(prefix + pattern, said), '%s, %s: %s' % (name, api, said[-3000:])
            else:
                assert not warned, '%s, %s: %s' % (name, api, said[-3000:])
        requests = len([e for e in end['log'] if e['api'] == api])
        assert LOGIN[api] + 1 <= requests <= most, '%s, %s: %d requests' % (name, api, requests)
        figures.append({'name': '%s %s inventory' % (name, api), 'class': klass, 'api': api, 'kind': 'inventory',
                        'path': 'inventory', 'wall_s': round(wall, 2), 'requests': requests})
    record('inventory-' + name, {'cases': figures})


def check_typed(api, hosts):
    """What a successful reading of mis-typed answers must show: the types the docs give."""
    if api == 'monogoto':
        assert all(isinstance(h['monogoto_lock_master_imei'], bool) for h in hosts.values())
    if api == 'pingpl':
        assert all(isinstance(h['pingpl_monitor_id'], int) and isinstance(h['pingpl_monitor']['id'], int)
                   for h in hosts.values())
    if api == 'pingasset':
        assert all(isinstance(h['pingasset_device']['imei'], str) for h in hosts.values())
