# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""With an inventory reading in the host's vars, both execution paths return the same and send the same.

Each case runs the action plugin's whole ``run()`` with the host vars the inventory plugins set: once with
the logic in-process, once with FLEETOPS_PING_IN_PROCESS=0 and a real module process. The simulator is reset
before each path and each path has its own cache directory (token cache and write record), so the results
and the request logs must be equal, the reading's age too: the action plugin hands both paths the time the
age is judged at (the start of the run, here the start of each test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

import pytest

from ansible.plugins.action import ActionBase

from ansible_collections.fleetops.ping.plugins.module_utils import monogoto_things as mt
from ansible_collections.fleetops.ping.plugins.module_utils import pingpl_modules as pm
from ansible_collections.fleetops.ping.plugins.module_utils import reading
from ansible_collections.fleetops.ping.plugins.plugin_utils import inprocess
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY
from ansible_collections.fleetops.ping.tests.unit.plugins.action.parity_helpers import as_module, normalized

VOLATILE = ('invocation', 'warnings')
TID = 'ThingId_ICCID_' + VENDOR_ICCID


class Bag:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def run_action(name, defn, kind, args, task_vars, mode, check_mode=False):
    plugin = InProcessAction.__new__(InProcessAction)
    plugin.MODULE = defn
    plugin.READING = kind
    plugin._task = Bag(args=dict(args), environment=None, async_val=0, check_mode=check_mode,
                       action='fleetops.ping.' + name)
    plugin._play_context = Bag(check_mode=check_mode, diff=True, become=False)
    plugin._connection = Bag(transport='local', _shell=Bag(tmpdir='/nonexistent'))
    plugin._templar = None
    sent = []

    def execute_module(module_args=None, task_vars=None):
        sent.append(module_args)
        return as_module(name, module_args, check_mode=check_mode, diff=True)
    plugin._execute_module = execute_module
    # Both paths return invocation (INJECT_INVOCATION, ansible-core 2.21 and newer): a test below reads it.
    result = plugin.run(task_vars=dict(task_vars or {}, ansible_inject_invocation=True))
    assert (len(sent) == 1) is (mode == 'module')
    return result


@pytest.fixture(autouse=True)
def run_started(monkeypatch):
    """Each test is a run of its own: the age of a reading is judged at its start."""
    started = time.time()
    monkeypatch.setattr(reading, 'RUN_STARTED', started)
    return started


@pytest.fixture
def both(sim, tmp_path, monkeypatch):
    """Run the same tasks on both paths; returns [(results, requests)] for in-process, then module."""
    monkeypatch.setattr(ActionBase, 'run', lambda self, tmp=None, task_vars=None: {})

    def go(tasks, prepare=None):
        outcome = []
        for mode in ('in_process', 'module'):
            sim.reset()
            monkeypatch.setenv(inprocess.ENV_SWITCH, '1' if mode == 'in_process' else '0')
            monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / mode))
            host = prepare() if prepare else None
            sim.clear_log()
            results = []
            for task in tasks:
                results.append(run_action(task[0], task[1], task[2], task[3], task[4](host), mode,
                                          check_mode=task[5] if len(task) > 5 else False))
            requests = [(e['method'], e['path'], e['status']) for e in sim.log()]
            outcome.append((results, requests))
        (local, local_requests), (module, module_requests) = outcome
        for one, other in zip(local, module):
            assert normalized(one, VOLATILE) == normalized(other, VOLATILE), (one, other)
        assert local_requests == module_requests
        for result in local + module:
            assert PINGPL_KEY not in repr(result) and PASSWORD not in repr(result)
        return local, local_requests
    return go


def monogoto_host(sim, age=5):
    read_at = reading.RUN_STARTED - age  # the same reading on both paths, ``age`` seconds old when the run started

    def prepare():
        thing = sim.state('monogoto')['things'][TID]
        return {'monogoto_iccid': VENDOR_ICCID, 'monogoto_thing': thing, 'monogoto_read_at': read_at,
                'monogoto_api_url': sim.url + '/monogoto'}
    return prepare


def monogoto_args(sim, **values):
    return dict({'api_url': sim.url + '/monogoto/', 'username': USERNAME, 'password': PASSWORD, 'timeout': 5,
                 'iccid': VENDOR_ICCID}, **values)


def imei_task(sim, check_mode=False, **values):
    return ('monogoto_thing_imei', mt.THING_IMEI, reading.MONOGOTO_THING, monogoto_args(sim, **values),
            lambda host: host, check_mode)


def state_task(sim, check_mode=False, **values):
    return ('monogoto_thing_state', mt.THING_STATE, reading.MONOGOTO_THING, monogoto_args(sim, **values),
            lambda host: host, check_mode)


def thing_task(sim, check_mode=False, **values):
    return ('monogoto_thing', mt.THING, reading.MONOGOTO_THING, monogoto_args(sim, **values),
            lambda host: host, check_mode)


def test_thing_name_from_the_reading_on_both_paths(sim, both):
    name = sim.state('monogoto')['things'][TID]['ThingName']
    results, requests = both([thing_task(sim, name=name), thing_task(sim, check_mode=True, description='spare'),
                              thing_task(sim, name='renamed'), thing_task(sim, description='spare')],
                             monogoto_host(sim))
    assert [r['changed'] for r in results] == [False, True, True, True]
    # Compared against the reading until the rename; the rename retired it, so the last task reads the Thing.
    assert [r['reading']['source'] for r in results] == ['inventory', 'inventory', 'inventory', 'api']
    assert requests == [('POST', '/Auth', 200), ('PUT', '/thing/update/', 200),
                        ('GET', '/thing/' + TID, 200), ('PUT', '/thing/update/', 200), ('GET', '/thing/' + TID, 200)]
    thing = sim.state('monogoto')['things'][TID]
    assert (thing['ThingName'], thing['ThingDescription']) == ('renamed', 'spare')


def test_no_change_costs_no_request_on_either_path(sim, both):
    results, requests = both([imei_task(sim, lock=False), state_task(sim, state='ACTIVE'),
                              imei_task(sim, check_mode=True, lock=True, imei='490154203237518'),
                              state_task(sim, check_mode=True, state='SUSPENDED')], monogoto_host(sim))
    assert requests == []
    assert [r['changed'] for r in results] == [False, False, True, True]
    assert all(r['reading']['source'] == 'inventory' for r in results)
    # The module got the reading as an argument, filled in by the action plugin.
    assert results[0]['invocation']['module_args']['inventory_reading']['kind'] == 'monogoto_thing'


def test_a_change_is_one_write_and_a_later_task_reads_the_api(sim, both):
    results, requests = both([imei_task(sim, lock=True, imei='490154203237518'),
                              imei_task(sim, lock=False, imei='490154203237518'),
                              state_task(sim, state='SUSPENDED')], monogoto_host(sim))
    # The first task compares against the reading; its write retires the reading for the later tasks.
    assert [r['changed'] for r in results] == [True, True, True]
    assert [r['reading']['source'] for r in results] == ['inventory', 'api', 'api']
    assert requests == [('POST', '/Auth', 200), ('PUT', '/thing/update/', 200),
                        ('GET', '/thing/' + TID, 200), ('PUT', '/thing/update/', 200),
                        ('GET', '/thing/' + TID, 200),
                        ('GET', '/thing/%s/state/' % TID, 200), ('PUT', '/thing/%s/state/' % TID, 200)]
    assert sim.state('monogoto')['things'][TID]['State'] == 'SUSPENDED'


def test_a_stale_cas_costs_one_read_and_one_retry_on_both_paths(sim, both):
    base = monogoto_host(sim)

    def prepare():
        host = base()
        # Someone else writes after the inventory read: the reading's cas is out of date.
        sim.sim.apps['monogoto'].things[TID]['cas'] = '1'
        return host
    results, requests = both([imei_task(sim, lock=True, imei='490154203237518')], prepare)
    assert results[0]['changed'] is True
    assert requests == [('POST', '/Auth', 200), ('PUT', '/thing/update/', 409),
                        ('GET', '/thing/' + TID, 200), ('PUT', '/thing/update/', 200)]
    assert sim.state('monogoto')['things'][TID]['MasterIMEI'] == '490154203237518'


def test_an_old_reading_is_not_used_on_either_path(sim, both):
    results, requests = both([state_task(sim, state='ACTIVE', reading_max_age=60)], monogoto_host(sim, age=61))
    assert results[0]['reading'] == {'source': 'api'}
    assert requests == [('POST', '/Auth', 200), ('GET', '/thing/%s/state/' % TID, 200)]


def test_a_reading_young_at_the_start_of_a_long_run_is_used_on_both_paths(sim, both, monkeypatch):
    # The run started 100 s ago with a reading 5 s old; by the task's clock it is 105 s old, past the limit.
    monkeypatch.setattr(reading, 'RUN_STARTED', time.time() - 100)
    results, requests = both([state_task(sim, state='ACTIVE', reading_max_age=60),
                              imei_task(sim, lock=False, reading_max_age=60)], monogoto_host(sim, age=5))
    assert [r['reading']['source'] for r in results] == ['inventory', 'inventory']
    assert [r['reading']['age_s'] for r in results] == [5.0, 5.0]
    assert [r['changed'] for r in results] == [False, False]
    assert requests == []


def pingpl_host(sim):
    now = time.time() - 5

    def prepare():
        state = sim.state('pingpl')
        monitor = [m for m in state['monitors'] if m['id'] == 3118][0]
        return {'pingpl_monitor_id': 3118, 'pingpl_monitor': monitor, 'pingpl_read_at': now,
                'pingpl_api_url': sim.url + '/pingpl/1.0', 'pingpl_contacts': state['contacts'],
                'pingpl_contacts_read_at': now}
    return prepare


def pingpl_task(sim, defn, kind, check_mode=False, **values):
    return (defn.name, defn, kind, dict({'api_url': sim.url + '/pingpl/1.0', 'token': PINGPL_KEY, 'timeout': 5},
                                        **values), lambda host: host, check_mode)


def test_pingpl_monitor_and_contact_on_both_paths(sim, both):
    results, requests = both([
        pingpl_task(sim, pm.MONITOR_STATE, reading.PINGPL_MONITOR, name='Sklep - rejestracja', state='active'),
        pingpl_task(sim, pm.MONITOR_STATE, reading.PINGPL_MONITOR, check_mode=True, monitor_id=3118, state='paused'),
        pingpl_task(sim, pm.MONITOR_STATE, reading.PINGPL_MONITOR, monitor_id=3118, state='paused'),
        pingpl_task(sim, pm.MONITOR_STATE, reading.PINGPL_MONITOR, monitor_id=3118, state='paused'),
        pingpl_task(sim, pm.CONTACT_STATE, reading.PINGPL_CONTACTS, email='user2@example.com', state='active'),
        pingpl_task(sim, pm.CONTACT_STATE, reading.PINGPL_CONTACTS, contact_id=456, state='inactive'),
    ], pingpl_host(sim))
    assert [r['changed'] for r in results] == [False, True, True, False, False, True]
    sources = ['inventory', 'inventory', 'inventory', 'api', 'inventory', 'inventory']
    assert [r['reading']['source'] for r in results] == sources
    assert [p.rsplit('/', 1)[1] for _m, p, _s in requests] == ['pause-monitor', 'get-monitors', 'deactivate-contact']
