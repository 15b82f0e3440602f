# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs every playbook of tests/integration/playbooks against the simulator, on both execution paths.

Each playbook asserts its own expectations (check mode, change, no change and
no write, bad input, API faults) with the simulator's request log. This
harness starts the simulator, runs each playbook with ``-vvvv`` once in-process
and once as a real module (``FLEETOPS_PING_IN_PROCESS=0``), and fails when a
playbook fails or when any password, key, token or client secret that the
simulator knows or has issued appears anywhere in the output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import subprocess
import sys
import tempfile
import time
from urllib.request import urlopen

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PLAYBOOKS = sorted(glob.glob(os.path.join(HERE, 'playbooks', '*.yml')))
BIN = os.path.dirname(sys.executable)


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
    tmp = tempfile.mkdtemp(prefix='fleetops-sim-')
    port_file = os.path.join(tmp, 'url')
    proc = subprocess.Popen([sys.executable, '-m', 'tests.simulator', '--port', '0', '--things', '20',
                             '--port-file', port_file], cwd=ROOT, stdout=subprocess.DEVNULL)
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


def sim_secrets(url):
    with urlopen(url + '/_sim/secrets', timeout=10) as resp:  # nosec - loopback only
        return json.loads(resp.read().decode('utf-8'))


@pytest.mark.parametrize('mode', ['in_process', 'module'])
@pytest.mark.parametrize('playbook', PLAYBOOKS, ids=[os.path.basename(p)[:-4] for p in PLAYBOOKS])
def test_playbook(simulator, playbook, mode, tmp_path):
    url, coll_path = simulator
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': coll_path,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_FORCE_COLOR': '0',
        'ANSIBLE_RETRY_FILES_ENABLED': '0',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'FLEETOPS_PING_CACHE_DIR': str(tmp_path / 'cache'),
        'FLEETOPS_PING_IN_PROCESS': '1' if mode == 'in_process' else '0',
    })
    for name in list(env):
        if name.startswith(('MONOGOTO_', 'PINGPL_', 'PINGASSET_')):
            del env[name]
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(HERE, 'inventory.ini'), playbook,
           '-e', 'sim_url=' + url, '-e', 'fleetops_mode=' + mode, '-vvvv']
    proc = subprocess.run(cmd, cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    output = proc.stdout
    (tmp_path / 'output.txt').write_text(output)
    assert proc.returncode == 0, 'playbook %s failed (%s):\n%s' % (os.path.basename(playbook), mode, output[-6000:])
    leaked = [s for s in sim_secrets(url) if len(s) >= 6 and s in output]
    assert not leaked, 'secrets in the -vvvv output of %s (%s): %d found' % (os.path.basename(playbook), mode, len(leaked))
