# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state modules over the real fleetops.ping.monogoto inventory compare against its reading.

tests/integration/reading/monogoto_reading.yml asserts, from the simulator's request log, that an unchanged fleet
costs the inventory's own requests and none per host, and that a change is one PUT per host and no read. It runs
on both execution paths with -vvvv, and no secret may show in the output.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

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
