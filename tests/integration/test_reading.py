# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state modules over the real fleetops.ping.monogoto inventory compare against its reading.

tests/integration/reading/monogoto_reading.yml asserts, from the simulator's request log, that an unchanged fleet
costs the inventory's own requests and none per host, and that a change is one PUT per host and no read. It runs
on both execution paths with -vvvv, and no secret may show in the output.

tests/integration/reading/monogoto_long_run.yml is a run that pauses longer than reading_max_age before it
enforces: the age of the inventory's reading is judged at the start of the run, so no host reads its Thing
again; a cached inventory that was already older than reading_max_age when the run started is still refused.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

import pytest

from test_inventory import CONFIGS, INVENTORY, environment, extra_vars, run, sim
from test_playbooks import BIN, HERE, simulator  # noqa: F401 pylint: disable=unused-import


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_monogoto_inventory_reading(simulator, tmp_path, mode):  # noqa: F811 pylint: disable=redefined-outer-name
    url, coll_path = simulator
    sim(url, 'POST', 'reset')
    sim(url, 'DELETE', 'log')
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(INVENTORY, CONFIGS['monogoto']),
           os.path.join(HERE, 'reading', 'monogoto_reading.yml'), '-vvvv'] + extra_vars(url)
    proc = run(cmd, url, environment(coll_path, tmp_path, mode), tmp_path, 'monogoto-reading-' + mode)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert 'ok=' in proc.stdout
    things = sim(url, 'GET', 'state/monogoto')['things']
    trackers = [t for t in things.values() if 'Tracker SIM' in t['ThingDescription']]
    assert len(trackers) == 19
    assert all(t['LockMasterImei'] is True and t['MasterIMEI'] == t['IMEI'] for t in trackers)


# A run that outlasts reading_max_age: the reading's age is judged at the start of the run (issue 14, item 3).
MAX_AGE = 3
PAUSE = MAX_AGE + 2
CACHED = """
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: {path}
cache_timeout: 3600
"""


def long_run(url, coll_path, tmp_path, mode, config, name, expected_source):
    sim(url, 'DELETE', 'log')
    cmd = [os.path.join(BIN, 'ansible-playbook'), '-i', config, os.path.join(HERE, 'reading', 'monogoto_long_run.yml'),
           '-vvvv', '-e', 'max_age=%d pause_s=%d expected_source=%s' % (MAX_AGE, PAUSE, expected_source)]
    proc = run(cmd + extra_vars(url), url, environment(coll_path, tmp_path, mode), tmp_path, name)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert 'ok=' in proc.stdout
    return sim(url, 'GET', 'log')


@pytest.mark.parametrize('mode', ['in_process', 'module'])
def test_a_run_longer_than_reading_max_age_keeps_its_inventory(simulator, tmp_path, mode):  # noqa: F811 pylint: disable=redefined-outer-name
    url, coll_path = simulator
    sim(url, 'POST', 'reset')
    # A fresh listing: used by every host although the run pauses longer than reading_max_age before enforcing.
    log = long_run(url, coll_path, tmp_path, mode, os.path.join(INVENTORY, CONFIGS['monogoto']),
                   'long-run-fresh-' + mode, 'inventory')
    assert not [e for e in log if e['path'].startswith('/thing/ThingId')]

    # A cached inventory that was already older than reading_max_age when the run started: refused on every host.
    with open(os.path.join(INVENTORY, CONFIGS['monogoto']), encoding='utf-8') as handle:
        text = handle.read()
    config = tmp_path / 'cached.monogoto.yml'
    config.write_text(text + CACHED.format(path=tmp_path / 'inventory-cache'), encoding='utf-8')
    sim(url, 'DELETE', 'log')
    inventory_cmd = [os.path.join(BIN, 'ansible-inventory'), '-i', str(config), '--list'] + extra_vars(url)
    proc = run(inventory_cmd, url, environment(coll_path, tmp_path, mode), tmp_path, 'long-run-fill-cache-' + mode)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert [e['path'] for e in sim(url, 'GET', 'log') if e['path'] == '/things'], 'the cache was filled from the API'
    time.sleep(MAX_AGE + 1)  # not a timed assertion: the cached reading is older than reading_max_age at the start
    log = long_run(url, coll_path, tmp_path, mode, str(config), 'long-run-cached-' + mode, 'api')
    assert not [e for e in log if e['path'] in ('/things', '/thing/status')], 'the run used the cached inventory'
