# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the action plugin finds, hands over and retires an inventory reading (module_utils rules: test_reading.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import reading
from ansible_collections.fleetops.ping.plugins.plugin_utils import inprocess
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction, last_write, note_write, select

NOW = 1700000000.0
URL = 'https://console.monogoto.io'


# -- the action plugin's side ------------------------------------------------------------------------

THING = {'ThingId': 'ThingId_ICCID_8912372646888991', 'ExternalUniqueId': '8912372646888991', 'cas': '7',
         'LockMasterImei': False, 'MasterIMEI': '', 'State': 'ACTIVE'}
MONITOR = {'id': 3009, 'name': 'Shop', 'status': 'ACTIVE'}
CONTACTS = [{'id': 1, 'email': 'a@x.example', 'status': 'ACTIVE'}, {'id': 2, 'email': 'B@x.example', 'status': 'ACTIVE'},
            {'id': 3, 'email': 'b@x.example', 'status': 'INACTIVE'}, 'junk']


def test_select_monogoto():
    hv = {'monogoto_iccid': '8912372646888991'}
    assert select(reading.MONOGOTO_THING, {'iccid': ' 8912372646888991 '}, THING, hv) == (
        THING, ['monogoto-thing:8912372646888991'])
    assert select(reading.MONOGOTO_THING, {'iccid': '8944500100000000012'}, THING, hv) == (
        None, ['monogoto-thing:8944500100000000012'])
    assert select(reading.MONOGOTO_THING, {'iccid': 'nope'}, THING, hv) == (None, [])
    assert select(reading.MONOGOTO_THING, {'iccid': '8912372646888991'}, 'text', hv)[0] is None


def test_select_monitor():
    assert select(reading.PINGPL_MONITOR, {'monitor_id': '3009'}, MONITOR, {}) == (MONITOR, ['pingpl-monitor:3009'])
    assert select(reading.PINGPL_MONITOR, {'monitor_id': 3010}, MONITOR, {}) == (None, ['pingpl-monitor:3010'])
    assert select(reading.PINGPL_MONITOR, {'name': 'Shop'}, MONITOR, {}) == (MONITOR, ['pingpl-monitor:3009'])
    assert select(reading.PINGPL_MONITOR, {'name': 'shop'}, MONITOR, {}) == (None, [])
    assert select(reading.PINGPL_MONITOR, {'name': 'Shop'}, {'name': 'Shop'}, {}) == (None, [])


def test_select_contacts_keeps_every_match_so_that_the_module_sees_a_shared_email():
    assert select(reading.PINGPL_CONTACTS, {'contact_id': 1}, CONTACTS, {}) == ([CONTACTS[0]], ['pingpl-contact:1'])
    found, keys = select(reading.PINGPL_CONTACTS, {'email': 'b@X.example '}, CONTACTS, {})
    assert found == CONTACTS[1:3] and keys == ['pingpl-contact:2', 'pingpl-contact:3']
    assert select(reading.PINGPL_CONTACTS, {'contact_id': 9}, CONTACTS, {}) == (None, ['pingpl-contact:9'])
    assert select(reading.PINGPL_CONTACTS, {'contact_id': 1}, {'not': 'a list'}, {})[0] is None


def test_write_record_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'cache'))
    assert last_write('monogoto-thing:1') is None
    assert note_write('monogoto-thing:1', 1234.5) is True
    assert last_write('monogoto-thing:1') == 1234.5
    assert last_write('monogoto-thing:2') is None
    directory = tmp_path / 'cache' / inprocess.WRITTEN_DIR
    assert oct(os.stat(str(directory)).st_mode & 0o777) == '0o700'
    (tmp_path / 'blocked').write_text('a file, not a directory')
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'blocked'))
    assert note_write('monogoto-thing:1') is False


class Bag:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def action(kind, args, check_mode=False):
    plugin = InProcessAction.__new__(InProcessAction)
    plugin.READING = kind
    plugin._task = Bag(args=args)
    plugin._play_context = Bag(check_mode=check_mode)
    return plugin


def host_vars(read_at=NOW):
    return {'monogoto_iccid': '8912372646888991', 'monogoto_thing': THING, 'monogoto_read_at': read_at,
            'monogoto_api_url': URL, 'pingpl_monitor': MONITOR, 'pingpl_read_at': read_at,
            'pingpl_api_url': 'https://api.ping.pl/1.0', 'pingpl_contacts': CONTACTS,
            'pingpl_contacts_read_at': read_at}


def test_add_reading_hands_over_the_host_reading(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path))
    args = {'iccid': '8912372646888991', 'lock': True}
    keys = action(reading.MONOGOTO_THING, args).add_reading(args, host_vars())
    assert keys == ['monogoto-thing:8912372646888991']
    # NOW is long before this run started: the age is judged at the run's start.
    assert args['inventory_reading'] == reading.make(reading.MONOGOTO_THING, THING, NOW, URL, judged=reading.RUN_STARTED)
    args = {'name': 'Shop', 'state': 'paused'}
    action(reading.PINGPL_MONITOR, args).add_reading(args, host_vars())
    assert args['inventory_reading'] == reading.make(reading.PINGPL_MONITOR, MONITOR, NOW, 'https://api.ping.pl/1.0',
                                                     judged=reading.RUN_STARTED)
    args = {'contact_id': 2, 'state': 'active'}
    action(reading.PINGPL_CONTACTS, args).add_reading(args, host_vars())
    assert args['inventory_reading']['object'] == [CONTACTS[1]]


def test_the_age_is_judged_at_the_start_of_the_run_with_the_controllers_clock(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path))
    started = time.time() - 1000  # a run that has lasted 1000 s so far
    monkeypatch.setattr(reading, 'RUN_STARTED', started)

    def handed(read_at):
        args = {'iccid': '8912372646888991', 'lock': True}
        action(reading.MONOGOTO_THING, args).add_reading(args, host_vars(read_at))
        return args['inventory_reading']
    # Read before the run started (a cached inventory): judged at the start of the run.
    assert handed(started - 30)['judged_at'] == started
    # Read when the run started, or during it (the listing the run started with, refresh_inventory, add_host):
    # judged when it was read.
    assert handed(started + 5)['judged_at'] == started + 5
    # Stamped in the future: judged now, so its age is negative and the module does not use it.
    future = handed(time.time() + 3600)
    assert future['judged_at'] <= time.time() < future['read_at']
    for raw, used in ((handed(started - 30), False), (handed(started - 10), True), (handed(started + 5), True),
                      (future, False)):
        params = {'reading_max_age': 20, 'api_url': URL, 'inventory_reading': raw}
        assert (reading.take(params, reading.MONOGOTO_THING, lambda obj: obj) is not None) is used


@pytest.mark.parametrize('args, task_vars', [
    ({'iccid': '8912372646888991', 'lock': True}, {}),  # a host from another inventory
    ({'iccid': '8912372646888991', 'lock': True}, dict(host_vars(), monogoto_read_at='unknown')),
    ({'iccid': '8912372646888991', 'lock': True}, dict(host_vars(), monogoto_api_url=None)),
    ({'iccid': '8944500100000000012', 'lock': True}, host_vars()),  # delegated for another SIM
    ({'iccid': '8912372646888991', 'lock': True, 'inventory_reading': None}, host_vars()),  # given by the task
])
def test_add_reading_leaves_out_what_does_not_fit(tmp_path, monkeypatch, args, task_vars):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path))
    given = dict(args)
    keys = action(reading.MONOGOTO_THING, args).add_reading(args, task_vars)
    assert args == given
    assert keys == ['monogoto-thing:%s' % args['iccid']]  # a write is recorded all the same


def test_a_recorded_write_retires_older_readings_only(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path))
    plugin = action(reading.MONOGOTO_THING, {})
    args = {'iccid': '8912372646888991', 'lock': True}
    plugin.record_write(args, {'changed': True}, ['monogoto-thing:8912372646888991'])
    written = last_write('monogoto-thing:8912372646888991')
    assert written is not None
    for read_at, kept in ((written - 1, False), (written, False), (written + 1, True)):
        args = {'iccid': '8912372646888991', 'lock': True}
        plugin.add_reading(args, host_vars(read_at))
        assert ('inventory_reading' in args) is kept


@pytest.mark.parametrize('result, check_mode, recorded', [
    ({'changed': True}, False, True),
    ({'changed': False, 'failed': True}, False, True),  # a failed write may have been applied
    ({'changed': False}, False, False),
    ({'changed': True}, True, False),  # check mode writes nothing
])
def test_which_results_are_recorded(tmp_path, monkeypatch, result, check_mode, recorded):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path))
    action(reading.PINGPL_MONITOR, {}, check_mode=check_mode).record_write(
        {'name': 'Shop'}, dict(result, monitor={'id': 3118}), [])
    assert (last_write('pingpl-monitor:3118') is not None) is recorded


def test_a_write_that_cannot_be_recorded_is_one_warning(tmp_path, monkeypatch):
    (tmp_path / 'blocked').write_text('x')
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'blocked'))
    result = {'changed': True, 'contact': {'id': 2}}
    action(reading.PINGPL_CONTACTS, {}).record_write({'contact_id': 2}, result, ['pingpl-contact:2'])
    assert len(result['warnings']) == 1 and 'reading_max_age=0' in result['warnings'][0]
