# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugins through Ansible's own commands, against the simulator.

``ansible-inventory --list`` and ``--graph`` over each plugin's configuration in tests/integration/inventory,
then a play over each plugin's inventory, on both execution paths: the first run changes what differs, the
second reports no change and makes no write (the simulator's request log). Every command runs with ``-vvvv``
and fails when any secret the simulator knows shows up in its output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
from urllib.request import Request, urlopen

import pytest

from test_playbooks import BIN, HERE, sim_secrets, simulator  # noqa: F401 pylint: disable=unused-import

INVENTORY = os.path.join(HERE, 'inventory')
# The secrets reach the configuration files and the plays through lookup('env', ...): ansible-inventory --list
# shows extra vars among every host's vars, so a secret given with -e would be printed by Ansible itself.
SECRET_ENV = {
    'SIM_MONOGOTO_PASSWORD': 'demo-password',
    'SIM_PINGASSET_CLIENT_SECRET': 'pingasset-demo-secret-' + 'Zq8Lm3Vx7Rt2Nw5Kp9Hs4Jd6Fg1Bc0Ay5Ue8Oi3T',
    'SIM_PINGPL_KEY': 'pingpl-demo-key-7f3a9c',
}
CONFIGS = {'monogoto': 'sims.monogoto.yml', 'pingasset': 'trackers.pingasset.yml', 'pingpl': 'monitors.pingpl.yml'}


def sim(url, method, path):
    req = Request(url + '/_sim/' + path, method=method)
    with urlopen(req, timeout=10) as resp:  # nosec - loopback only
        raw = resp.read()
    return json.loads(raw.decode('utf-8')) if raw else None


def environment(coll_path, tmp_path, mode='in_process', **overrides):
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(('MONOGOTO_', 'PINGPL_', 'PINGASSET_', 'ANSIBLE_')):
            del env[name]
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': coll_path,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED': '1',
        'FLEETOPS_PING_CACHE_DIR': str(tmp_path / 'cache'),
        'FLEETOPS_PING_IN_PROCESS': '1' if mode == 'in_process' else '0',
    })
    env.update(SECRET_ENV)
    env.update(overrides)
    return env


def extra_vars(url):
    return ['-e', 'sim_url=' + url]


def run(cmd, url, env, tmp_path, name):
    proc = subprocess.run(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600, check=False)
    (tmp_path / (name + '.out')).write_text(proc.stdout + '\n--- stderr ---\n' + proc.stderr)
    leaked = [s for s in sim_secrets(url) if len(s) >= 6 and s in proc.stdout + proc.stderr]
    assert not leaked, '%s: %d secret(s) in the -vvvv output' % (name, len(leaked))
    return proc


def inventory(url, coll_path, tmp_path, api, *args):
    cmd = [os.path.join(BIN, 'ansible-inventory'), '-i', os.path.join(INVENTORY, CONFIGS[api])] + list(args)
    cmd += extra_vars(url) + ['-vvvv']
    proc = run(cmd, url, environment(coll_path, tmp_path), tmp_path, 'inventory-%s-%s' % (api, args[0].strip('-')))
    assert proc.returncode == 0, proc.stderr[-4000:]
    return proc.stdout


def plain(value):
    """ansible-inventory --list marks strings that came from an inventory plugin as unsafe: read them as they are."""
    if isinstance(value, dict):
        if list(value) == ['__ansible_unsafe']:
            return value['__ansible_unsafe']
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def listing(url, coll_path, tmp_path, api):
    out = inventory(url, coll_path, tmp_path, api, '--list')
    return plain(json.loads(out[out.index('{'):]))


@pytest.fixture
def fresh(simulator):  # noqa: F811 pylint: disable=redefined-outer-name
    url, coll_path = simulator
    sim(url, 'POST', 'reset')
    return url, coll_path


def test_list_and_graph_monogoto(fresh, tmp_path):
    url, coll_path = fresh
    data = listing(url, coll_path, tmp_path, 'monogoto')
    things = sim(url, 'GET', 'state/monogoto')['things']
    hostvars = data['_meta']['hostvars']
    assert sorted(hostvars) == sorted(t['ExternalUniqueId'] for t in things.values())
    assert len(data['trackers']['hosts']) == 19
    one = hostvars['8944500100000000012']
    assert one['monogoto_thing'] == things['ThingId_ICCID_8944500100000000012']
    assert one['monogoto_api_url'] == url + '/monogoto'
    assert one['ansible_connection'] == 'local'
    assert one['monogoto_connection_status'] in ('CONNECTED', 'DISCONNECTED')
    assert hostvars['8944500100000000046']['sim_state'] == 'SUSPENDED'
    log = sim(url, 'GET', 'log')
    assert sorted(e['path'] for e in log) == ['/Auth', '/thing/status', '/things']  # 20 Things: one page each
    graph = inventory(url, coll_path, tmp_path, 'monogoto', '--graph')
    for group in ('@trackers:', '@connected:', '@state_active:'):
        assert group in graph
    assert '|--8944500100000000012' in graph


def test_list_and_graph_pingasset(fresh, tmp_path):
    url, coll_path = fresh
    data = listing(url, coll_path, tmp_path, 'pingasset')
    hostvars = data['_meta']['hostvars']
    assert hostvars
    assert all(hv['pingasset_fault'] is False for hv in hostvars.values())
    device_calls = [e for e in sim(url, 'GET', 'log') if e['path'] == '/1.0/devices/devices/']
    assert device_calls and all(e['query']['fault'] == 'false' and e['query']['ordering'] == 'imei' for e in device_calls)
    assert sorted(e['query']['page'] for e in device_calls) == [str(p) for p in range(1, len(device_calls) + 1)]
    graph = inventory(url, coll_path, tmp_path, 'pingasset', '--graph')
    for group in ('@customer_group_1:', '@customer_group_2:', '@customer_group_3:'):
        assert group in graph


def test_list_and_graph_pingpl(fresh, tmp_path):
    url, coll_path = fresh
    data = listing(url, coll_path, tmp_path, 'pingpl')
    hostvars = data['_meta']['hostvars']
    assert sorted(hostvars) == ['3009', '3118', '3254', '3301', '3304', '3305', '3306', '3307']
    assert data['paused']['hosts'] == ['3301']
    assert hostvars['3304']['pingpl_contacts']
    assert [e['path'] for e in sim(url, 'GET', 'log')] == ['/1.0/get-monitors', '/1.0/get-contacts']
    graph = inventory(url, coll_path, tmp_path, 'pingpl', '--graph')
    assert '@tag_prod:' in graph and '@paused:' in graph


def test_failure_is_one_line_naming_plugin_call_and_status(fresh, tmp_path):
    url, coll_path = fresh
    cmd = [os.path.join(BIN, 'ansible-inventory'), '-i', os.path.join(INVENTORY, CONFIGS['monogoto']), '--list',
           '-e', 'sim_url=' + url, '-vvvv']
    env = environment(coll_path, tmp_path, SIM_MONOGOTO_PASSWORD='wrong-password-4242')
    proc = run(cmd, url, env, tmp_path, 'inventory-failure')
    assert proc.returncode != 0
    # One line as the plugin raises it; ansible-core 2.16 wraps warnings and errors at 80 columns when it shows them.
    assert 'fleetops.ping.monogoto: POST /Auth: HTTP 401 Unauthorized: Invalid user name or password' in ' '.join(proc.stderr.split())
    assert 'wrong-password-4242' not in proc.stderr + proc.stdout
    assert 'Traceback' not in proc.stderr


PLAYS = {
    'monogoto': 'monogoto_enforce.yml',
    'pingpl': 'pingpl_enforce.yml',
    'pingasset': 'pingasset_enforce.yml',
}


def play(url, coll_path, tmp_path, api, mode, name):
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(INVENTORY, CONFIGS[api]),
           os.path.join(HERE, 'inventory-plays', PLAYS[api]), '-vvvv'] + extra_vars(url)
    proc = run(cmd, url, environment(coll_path, tmp_path, mode), tmp_path, name)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    recap = [line for line in proc.stdout.splitlines() if ' : ok=' in line]
    assert recap
    changed = sum(int(line.split('changed=')[1].split()[0]) for line in recap)
    return changed, recap


def writes(url, api):
    return [e for e in sim(url, 'GET', 'log') if e['api'] == api and e['write']]


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_play_over_the_monogoto_inventory_changes_then_writes_nothing(fresh, tmp_path, mode):
    url, coll_path = fresh
    changed, _recap = play(url, coll_path, tmp_path, 'monogoto', mode, 'monogoto-run1')
    assert changed
    things = sim(url, 'GET', 'state/monogoto')['things']
    for tid, thing in things.items():
        iccid = thing['ExternalUniqueId']
        if 'Tracker SIM' in thing['ThingDescription']:
            assert thing['LockMasterImei'] is True and thing['MasterIMEI'] == thing['IMEI'], tid
            assert thing['State'] == ('SUSPENDED' if iccid in ('8944500100000000046', '8944500100000000111') else 'ACTIVE')
        else:
            assert thing['LockMasterImei'] is False  # the operator's own Thing is not in the trackers group
    sim(url, 'DELETE', 'log')
    changed, recap = play(url, coll_path, tmp_path, 'monogoto', mode, 'monogoto-run2')
    assert changed == 0, recap
    assert writes(url, 'monogoto') == []


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_play_over_the_pingpl_inventory_changes_then_writes_nothing(fresh, tmp_path, mode):
    url, coll_path = fresh
    changed, _recap = play(url, coll_path, tmp_path, 'pingpl', mode, 'pingpl-run1')
    assert changed == 1  # 3301 was paused
    monitors = dict((m['id'], m) for m in sim(url, 'GET', 'state/pingpl')['monitors'])
    assert monitors[3301]['status'] == 'ACTIVE'
    assert monitors[3302]['status'] == 'DELETED' and monitors[3303]['status'] == 'BLOCKED'  # filtered out
    sim(url, 'DELETE', 'log')
    changed, recap = play(url, coll_path, tmp_path, 'pingpl', mode, 'pingpl-run2')
    assert changed == 0, recap
    assert writes(url, 'pingpl') == []


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_play_over_the_pingasset_inventory_changes_then_writes_nothing(fresh, tmp_path, mode):
    url, coll_path = fresh
    changed, _recap = play(url, coll_path, tmp_path, 'pingasset', mode, 'pingasset-run1')
    assert changed == 3  # one configuration per customer group
    configs = sim(url, 'GET', 'state/pingasset')['configurations']
    published = sorted(c['name'] for c in (configs.values() if isinstance(configs, dict) else configs)
                       if c['name'].startswith('Reporting for customer group') and c['state'] == 'published')
    assert published == ['Reporting for customer group %d' % g for g in (1, 2, 3)]
    sim(url, 'DELETE', 'log')
    changed, recap = play(url, coll_path, tmp_path, 'pingasset', mode, 'pingasset-run2')
    assert changed == 0, recap
    assert writes(url, 'pingasset') == []
