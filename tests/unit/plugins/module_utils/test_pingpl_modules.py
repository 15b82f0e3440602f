# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ping.pl modules' logic with a real PingPlClient against the simulator (fakes only where noted)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.transport import HttpClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import (
    ACCOUNT_INFO,
    CONTACT_INFO,
    CONTACT_STATE,
    MONITOR_INFO,
    MONITOR_STATE,
    OUTAGE_INFO,
    find_contact,
    find_monitor,
    run_monitor_state,
    select_monitors,
    summarize_data,
)
from ansible_collections.fleetops.ping.plugins.module_utils.reading import PINGPL_CONTACTS, PINGPL_MONITOR, make as make_reading
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure, execute
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY

MODULES = [MONITOR_STATE, CONTACT_STATE, MONITOR_INFO, OUTAGE_INFO, CONTACT_INFO, ACCOUNT_INFO]


def params(sim, defn, **values):
    result = dict((name, spec.get('default')) for name, spec in defn.argument_spec.items())
    result.update(api_url=sim.url + '/pingpl/1.0', token=PINGPL_KEY, timeout=5.0)
    result.update(values)
    return result


def run(sim, defn, check_mode=False, diff=False, **values):
    result = execute(defn, params(sim, defn, **values), check_mode=check_mode, diff=diff)
    assert PINGPL_KEY not in json.dumps(result)
    return result


def log(sim):
    return [e for e in sim.log() if e['api'] == 'pingpl']


def paths(sim):
    return [e['path'].rsplit('/', 1)[1] for e in log(sim)]


def writes(sim):
    return [e['path'].rsplit('/', 1)[1] for e in log(sim) if e['write']]


def monitor_status(sim, mid):
    return dict((m['id'], m['status']) for m in sim.state('pingpl')['monitors'])[mid]


def contact_status(sim, cid):
    return dict((c['id'], c['status']) for c in sim.state('pingpl')['contacts'])[cid]


@pytest.fixture(autouse=True)
def no_token_in_any_url(sim):
    yield
    for entry in log(sim):
        assert 'token' not in entry['query'], entry


# -- pingpl_monitor_state ----------------------------------------------------------------

def test_check_mode_reports_the_pause_and_writes_nothing(sim):
    result = run(sim, MONITOR_STATE, check_mode=True, diff=True, monitor_id=3009, state='paused')
    assert result['changed'] is True
    assert result['previous_status'] == 'ACTIVE' and result['status'] == 'INACTIVE'
    assert result['monitor']['status'] == 'INACTIVE'
    assert result['diff']['before'] == {'status': 'ACTIVE'} and result['diff']['after'] == {'status': 'INACTIVE'}
    assert paths(sim) == ['get-monitors'] and writes(sim) == []
    assert monitor_status(sim, 3009) == 'ACTIVE'


def test_pause_then_no_change(sim):
    result = run(sim, MONITOR_STATE, monitor_id=3009, state='paused')
    assert result['changed'] is True and result['status'] == 'INACTIVE'
    assert 'diff' not in result
    assert paths(sim) == ['get-monitors', 'pause-monitor', 'get-monitors']
    assert monitor_status(sim, 3009) == 'INACTIVE'
    sim.clear_log()
    again = run(sim, MONITOR_STATE, diff=True, monitor_id=3009, state='paused')
    assert again['changed'] is False and again['status'] == 'INACTIVE'
    assert again['diff']['before'] == again['diff']['after']
    assert paths(sim) == ['get-monitors'] and writes(sim) == []


def test_resume_by_name(sim):
    result = run(sim, MONITOR_STATE, name='API - healthcheck', state='active')
    assert result['changed'] is True and result['monitor']['id'] == 3301
    assert writes(sim) == ['start-monitor']
    assert monitor_status(sim, 3301) == 'ACTIVE'


def test_a_name_several_monitors_carry_fails_with_their_ids(sim):
    result = run(sim, MONITOR_STATE, name='Kopia zapasowa', state='paused')
    assert result['failed'] is True
    assert result['msg'] == "name: 2 monitors are named 'Kopia zapasowa', ids 3305, 3306; give monitor_id instead"
    assert result['monitor_ids'] == [3305, 3306]
    assert writes(sim) == []


def test_names_are_compared_exactly(sim):
    result = run(sim, MONITOR_STATE, name='api - healthcheck', state='paused')
    assert result['failed'] and 'no monitor is named exactly' in result['msg']


@pytest.mark.parametrize('mid, status, state', [
    (3302, 'DELETED', 'paused'),
    (3303, 'BLOCKED', 'active'),
    (3302, 'DELETED', 'active'),
])
def test_deleted_and_blocked_monitors_fail_with_no_write(sim, mid, status, state):
    result = run(sim, MONITOR_STATE, check_mode=False, monitor_id=mid, state=state)
    assert result['failed'] is True and result['changed'] is False
    assert ('is %s' % status) in result['msg'] and 'nothing was sent' in result['msg']
    assert result['monitor']['id'] == mid
    assert writes(sim) == []


def test_unknown_monitor_id(sim):
    result = run(sim, MONITOR_STATE, monitor_id=1, state='paused')
    assert result['failed'] and result['msg'].startswith('monitor_id: no monitor with id 1 among the 10 monitors')


def test_monitor_id_must_be_positive(sim):
    result = run(sim, MONITOR_STATE, monitor_id=-3, state='paused')
    assert result['msg'] == 'monitor_id: must be a positive integer, found -3'
    assert log(sim) == []


def test_an_undocumented_status_is_not_written(sim):
    class Client:
        http = HttpClient('http://127.0.0.1:9')

        def get_monitors(self):
            return [{'id': 1, 'name': 'x', 'status': 'SUSPENDED'}]

    with pytest.raises(ModuleFailure) as info:
        run_monitor_state({'monitor_id': 1, 'name': None, 'state': 'paused'}, Client())
    assert "reports the status 'SUSPENDED'" in info.value.msg


def test_a_write_that_does_not_take_fails_and_reports_no_change(sim):
    """Fake: the API answers OK to the pause, and the monitor still reports ACTIVE afterwards."""
    class Client:
        http = HttpClient('http://127.0.0.1:9')
        paused = []

        def get_monitors(self):
            return [{'id': 7, 'name': 'x', 'status': 'ACTIVE'}]

        def pause_monitor(self, mid):
            self.paused.append(mid)

    client = Client()
    with pytest.raises(ModuleFailure) as info:
        run_monitor_state({'monitor_id': 7, 'name': None, 'state': 'paused'}, client)
    assert client.paused == [7]
    assert info.value.msg == ("monitor 7 ('x'): the API answered OK, but the monitor now reports ACTIVE, not "
                              "INACTIVE: the change is not confirmed")
    assert info.value.extra['changed'] is False and info.value.extra['monitor']['status'] == 'ACTIVE'


def test_an_error_header_on_the_pause_fails(sim):
    sim.fault(api='pingpl', path='pause-monitor', status=200,
              body={'header': {'status': 'ERROR', 'message': 'Monitor jest współdzielony'}})
    result = run(sim, MONITOR_STATE, monitor_id=3254, state='paused')
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ('POST pause-monitor: HTTP 200: the API answered with header status=ERROR, '
                             'message=Monitor jest współdzielony')
    assert result['status'] == 200


def test_find_monitor_tolerates_string_ids():
    assert find_monitor([{'id': '12', 'name': 'a'}], monitor_id=12)['name'] == 'a'


# -- pingpl_contact_state ------------------------------------------------------------------

def test_contact_check_mode_change_and_no_change(sim):
    checked = run(sim, CONTACT_STATE, check_mode=True, diff=True, contact_id=456, state='inactive')
    assert checked['changed'] is True and checked['status'] == 'INACTIVE' and writes(sim) == []
    assert checked['diff']['before'] == {'status': 'ACTIVE'}
    changed = run(sim, CONTACT_STATE, contact_id=456, state='inactive')
    assert changed['changed'] is True and changed['contact']['status'] == 'INACTIVE'
    assert writes(sim) == ['deactivate-contact']
    assert contact_status(sim, 456) == 'INACTIVE'
    sim.clear_log()
    again = run(sim, CONTACT_STATE, email='USER2@example.com', state='inactive')
    assert again['changed'] is False and again['contact']['id'] == 456
    assert writes(sim) == [] and paths(sim) == ['get-contacts']


def test_contact_activate_by_email(sim):
    result = run(sim, CONTACT_STATE, email='night@fleetops.example', state='active')
    assert result['changed'] is True and result['previous_status'] == 'INACTIVE'
    assert writes(sim) == ['activate-contact']
    assert contact_status(sim, 789) == 'ACTIVE'


def test_contact_email_shared_by_two_fails(sim):
    result = run(sim, CONTACT_STATE, email='oncall@fleetops.example', state='inactive')
    assert result['failed'] and result['contact_ids'] == [790, 791]
    assert writes(sim) == []


def test_contact_bad_input(sim):
    assert run(sim, CONTACT_STATE, email='nobody', state='inactive')['msg'] == \
        "email: 'nobody' is not an email address"
    assert run(sim, CONTACT_STATE, contact_id=0, state='inactive')['msg'] == \
        'contact_id: must be a positive integer, found 0'
    assert log(sim) == []
    missing = run(sim, CONTACT_STATE, email='nobody@fleetops.example', state='inactive')
    assert missing['msg'] == "email: no contact has the email address 'nobody@fleetops.example'"


def test_find_contact_without_email():
    contacts = [{'id': 1, 'phoneNumber': '48600100200'}, {'id': 2, 'email': 'A@b.example'}]
    assert find_contact(contacts, email='a@B.example')['id'] == 2


# -- pingpl_monitor_info -----------------------------------------------------------------------

def test_select_monitors():
    monitors = [
        {'id': 1, 'name': 'a', 'type': 'WWW', 'status': 'ACTIVE', 'tags': ['x', 'y']},
        {'id': 2, 'name': 'b', 'type': 'PING', 'status': 'INACTIVE', 'tags': ['y']},
        {'id': 3, 'name': 'b', 'type': 'WWW', 'status': 'DELETED'},
    ]

    def ids(chosen):
        return [m['id'] for m in chosen[0]]

    assert ids(select_monitors(monitors)) == [1, 2, 3]
    assert ids(select_monitors(monitors, ids=[1], names=['b'])) == [1, 2, 3]
    assert ids(select_monitors(monitors, names=['b'], types=['WWW'])) == [3]
    assert ids(select_monitors(monitors, statuses=['ACTIVE', 'INACTIVE'])) == [1, 2]
    assert ids(select_monitors(monitors, tags=['x', 'y'])) == [1]
    assert ids(select_monitors(monitors, tags=['x', 'y'], tags_match='any')) == [1, 2]
    assert select_monitors(monitors, ids=[1, 9], names=['c'])[1:] == ([9], ['c'])


def test_summarize_data():
    assert summarize_data([]) == {'samples': 0, 'uptime_percent': None, 'response_time_mean': None}
    samples = [{'uptime': 100, 'responseTime': 0.5}, {'uptime': 50.5, 'responseTime': 1.5},
               {'uptime': None, 'responseTime': None}, {'uptime': True}]
    assert summarize_data(samples) == {'samples': 4, 'uptime_percent': 75.25, 'response_time_mean': 1.0}


def test_monitor_info_lists_every_monitor_in_one_read(sim):
    result = run(sim, MONITOR_INFO, check_mode=True)
    assert result['changed'] is False
    assert [m['id'] for m in result['monitors']] == [3009, 3118, 3254, 3301, 3302, 3303, 3304, 3305, 3306, 3307]
    assert result['monitors'][2]['tags'] == []  # the vendor's example gives no tags
    assert paths(sim) == ['get-monitors']


def test_monitor_info_with_data_and_outages(sim):
    result = run(sim, MONITOR_INFO, ids=[3009, 3304], include_data=True, include_outages=True,
                 date_from='2017-03-19', date_to='2017-03-23', concurrency=2)
    first, second = result['monitors']
    assert len(first['data']) == 5 * 24
    assert first['data'][0]['date_iso'] == '2017-03-19T00:00:00+01:00'
    assert first['data_summary']['samples'] == 120
    assert 0 < first['data_summary']['uptime_percent'] <= 100
    assert [o['id'] for o in first['outages']] == [43900, 43712]
    assert first['outages'][1]['startedAt_iso'] == '2017-03-19T00:02:51+01:00'
    assert second['outages'] == []
    assert sorted(paths(sim)) == ['get-data', 'get-data', 'get-monitors', 'get-outages', 'get-outages']
    assert writes(sim) == []


def test_monitor_info_data_of_one_day_by_default(sim):
    result = run(sim, MONITOR_INFO, ids=[3009], include_data=True, date_from='2016-01-01')
    data = result['monitors'][0]['data']
    assert len(data) == 24
    assert [d['responseTime'] for d in data[:3]] == [0.576122, 0.586275, 0.581229]


def test_monitor_info_outages_limit(sim):
    result = run(sim, MONITOR_INFO, ids=[3009], include_outages=True, outages_limit=1)
    assert [o['id'] for o in result['monitors'][0]['outages']] == [43900]


@pytest.mark.parametrize('values, message', [
    ({'include_data': True}, 'date_from: required when include_data is true'),
    ({'include_data': True, 'date_from': '2024-02-30'}, "date_from: '2024-02-30' is not a valid calendar date"),
    ({'date_from': '2024-03-02', 'date_to': '2024-03-01'}, 'date_from: 2024-03-02 is after date_to 2024-03-01'),
    ({'date_to': 'yesterday'}, "date_to: 'yesterday' is not a date in the form yyyy-mm-dd"),
    ({'outages_limit': 0}, 'outages_limit: must be from 1 to 200'),
    ({'outages_limit': 201}, 'outages_limit: must be from 1 to 200'),
    ({'concurrency': 0}, 'concurrency: must be from 1 to 16'),
    ({'ids': [3009, 3118, 3009]}, 'ids: each id may appear once; repeated: 3009'),
    ({'ids': [0]}, 'ids: must be a positive integer, found 0'),
])
def test_monitor_info_bad_input_sends_nothing(sim, values, message):
    result = run(sim, MONITOR_INFO, **values)
    assert result['failed'] is True
    assert result['msg'].startswith(message)
    assert log(sim) == []


def test_monitor_info_missing_ids_and_names(sim):
    result = run(sim, MONITOR_INFO, ids=[3009, 42], names=['Sklep - rejestracja', 'Nic'])
    assert result['msg'] == "ids: no monitor with id 42; names: no monitor named 'Nic'"
    assert result['missing_ids'] == [42] and result['missing_names'] == ['Nic']


def test_monitor_info_an_error_in_one_monitor_fails_the_task(sim):
    sim.fault(api='pingpl', path='get-data', status=200, body={'header': {'status': 'ERROR', 'message': 'x'}})
    result = run(sim, MONITOR_INFO, tags=['prod'], include_data=True, date_from='2024-01-01')
    assert result['failed'] is True and result['msg'].startswith('POST get-data: HTTP 200')


# -- pingpl_outage_info ---------------------------------------------------------------------

def test_outage_info_one_outage(sim):
    result = run(sim, OUTAGE_INFO, outage_id=47017)
    outage = result['outage']
    assert result['outages'] == [outage]
    assert outage['id'] == 47017 and 'monitorId' not in outage  # as in the vendor's example
    assert outage['startedAt_iso'] == '2017-06-30T10:21:00+01:00'
    assert [t['location'] for t in outage['tests']] == ['Warszawa', 'Gdańsk', 'Poznań']
    assert outage['notifications'][0] == {'event': 'DOWN', 'type': 'SMS', 'receiver': '000000000',
                                          'date': '2017-06-30 10:26:00', 'date_iso': '2017-06-30T10:26:00+01:00'}
    generated = run(sim, OUTAGE_INFO, outage_id=48001)['outage']
    assert generated['monitorId'] == 3304 and generated['endedAt_iso'] == '2024-02-10T03:41:12+01:00'


def test_outage_info_fills_in_what_the_answer_leaves_out(sim):
    sim.fault(api='pingpl', path='get-outage$', status=200,
              body={'header': {'status': 'OK'}, 'data': {'reason': 'PING_TIMEOUT', 'startedAt': '2024-01-01 00:00:00'}})
    outage = run(sim, OUTAGE_INFO, outage_id=5)['outage']
    assert outage['id'] == 5 and outage['tests'] == [] and outage['notifications'] == []


def test_outage_info_of_a_monitor(sim):
    result = run(sim, OUTAGE_INFO, monitor_id=3009, date_from='2017-03-12', date_to='2017-03-31', limit=200)
    assert [o['id'] for o in result['outages']] == [43900, 43712]
    assert 'outage' not in result
    sent = log(sim)
    assert len(sent) == 1 and sent[0]['query'] == {}


@pytest.mark.parametrize('values, message', [
    ({'outage_id': 47017, 'limit': 10}, 'limit: only applies to the outages of a monitor'),
    ({'outage_id': 47017, 'date_from': '2017-01-01', 'date_to': '2017-02-01'},
     'date_from, date_to: only applies to the outages of a monitor'),
    ({'monitor_id': 3009, 'limit': 0}, 'limit: must be from 1 to 200'),
    ({'monitor_id': 3009, 'date_from': '2017-1-1'}, "date_from: '2017-1-1' is not a date"),
    ({'outage_id': 0}, 'outage_id: must be a positive integer'),
])
def test_outage_info_bad_input_sends_nothing(sim, values, message):
    result = run(sim, OUTAGE_INFO, **values)
    assert result['failed'] and result['msg'].startswith(message)
    assert log(sim) == []


def test_outage_info_unknown_outage(sim):
    result = run(sim, OUTAGE_INFO, outage_id=12)
    assert result['msg'] == ('POST get-outage: HTTP 200: the API answered with header status=ERROR, code=404, '
                             'message=Outage 12 does not exist')


# -- pingpl_contact_info and pingpl_account_info --------------------------------------------------

def test_contact_info(sim):
    everyone = run(sim, CONTACT_INFO)
    assert [c['id'] for c in everyone['contacts']] == [123, 456, 789, 790, 791]
    chosen = run(sim, CONTACT_INFO, ids=[123], emails=['oncall@FLEETOPS.example'], statuses=['ACTIVE'])
    assert [c['id'] for c in chosen['contacts']] == [123, 790, 791]
    inactive = run(sim, CONTACT_INFO, statuses=['INACTIVE'])
    assert [c['id'] for c in inactive['contacts']] == [789]
    missing = run(sim, CONTACT_INFO, ids=[5], emails=['x@y.example'])
    assert missing['msg'] == "ids: no contact with id 5; emails: no contact with the address 'x@y.example'"
    assert writes(sim) == []


def test_account_info(sim):
    result = run(sim, ACCOUNT_INFO)
    assert result.pop('api_calls') == {'requests': 1, 'throttled': 0, 'waited_s': 0.0}
    assert result == {'changed': False, 'account': {
        'email': 'admin@ping.pl', 'locale': 'PL', 'planName': 'Plan Platynowy', 'planExpireAt': '2018-01-01',
        'planExpireAt_iso': '2018-01-01', 'lastLoginAt': '2017-06-14 13:51:30',
        'lastLoginAt_iso': '2017-06-14T13:51:30+01:00', 'lastLoginIp': '79.133.201.36', 'credits': 429,
        'extraCredits': 100}}


# -- every module ------------------------------------------------------------------------------------

@pytest.mark.parametrize('defn', MODULES, ids=[d.name for d in MODULES])
def test_every_module_shares_the_connection_options(defn):
    for name in ('api_url', 'token', 'validate_certs', 'timeout'):
        assert name in defn.argument_spec
    assert defn.argument_spec['token']['no_log'] is True
    kwargs = defn.module_kwargs()
    assert kwargs['supports_check_mode'] is True


@pytest.mark.parametrize('defn, values', [
    (MONITOR_STATE, {'monitor_id': 3009, 'state': 'paused'}),
    (CONTACT_STATE, {'contact_id': 123, 'state': 'inactive'}),
    (MONITOR_INFO, {}),
    (OUTAGE_INFO, {'outage_id': 47017}),
    (CONTACT_INFO, {}),
    (ACCOUNT_INFO, {}),
], ids=[d.name for d in MODULES])
def test_every_module_fails_on_a_bad_key_with_the_header_and_no_write(sim, defn, values):
    result = run(sim, defn, token='wrong-key-123', **values)
    assert result['failed'] is True and result['changed'] is False
    assert 'HTTP 200' in result['msg'] and 'message=Invalid token' in result['msg']
    assert 'wrong-key-123' not in json.dumps(result)
    assert writes(sim) == []


# -- comparing against the inventory reading ---------------------------------------------------------

def monitor_of(sim, mid):
    return [m for m in sim.state('pingpl')['monitors'] if m['id'] == mid][0]


def read(sim, kind, obj, age=5, api_url=None):
    return make_reading(kind, obj, time.time() - age, api_url or sim.url + '/pingpl/1.0/')


def test_monitor_against_the_reading_sends_nothing_when_unchanged(sim):
    reading = read(sim, PINGPL_MONITOR, monitor_of(sim, 3009))
    result = run(sim, MONITOR_STATE, diff=True, monitor_id=3009, state='active', inventory_reading=reading)
    assert result['changed'] is False and log(sim) == []
    assert result['reading']['source'] == 'inventory'
    assert result['diff']['before'] == result['diff']['after'] == {'status': 'ACTIVE'}
    result = run(sim, MONITOR_STATE, check_mode=True, diff=True, monitor_id=3009, state='paused',
                 inventory_reading=reading)
    assert result['changed'] is True and result['status'] == 'INACTIVE' and log(sim) == []
    assert monitor_status(sim, 3009) == 'ACTIVE'


def test_monitor_change_against_the_reading_is_one_write_and_no_listing(sim):
    reading = read(sim, PINGPL_MONITOR, monitor_of(sim, 3118))
    result = run(sim, MONITOR_STATE, diff=True, name='Sklep - rejestracja', state='paused', inventory_reading=reading)
    assert result['changed'] is True
    assert paths(sim) == ['pause-monitor']
    assert monitor_status(sim, 3118) == 'INACTIVE'
    assert result['monitor']['status'] == 'INACTIVE' and result['monitor']['id'] == 3118
    assert result['diff']['before'] == {'status': 'ACTIVE'} and result['diff']['after'] == {'status': 'INACTIVE'}


def test_monitor_stale_reading_still_ends_in_the_wanted_status(sim):
    """pause/start set a status, whatever it was: a stale reading costs at most a needless write."""
    reading = read(sim, PINGPL_MONITOR, monitor_of(sim, 3009))
    run(sim, MONITOR_STATE, monitor_id=3009, state='paused')
    sim.clear_log()
    result = run(sim, MONITOR_STATE, monitor_id=3009, state='paused', inventory_reading=reading)
    assert result['changed'] is True and paths(sim) == ['pause-monitor']
    assert monitor_status(sim, 3009) == 'INACTIVE'


@pytest.mark.parametrize('values, reading_change, reason', [
    ({'monitor_id': 3009}, {'age': 400}, 'too old'),
    ({'monitor_id': 3009}, {'age': -30}, 'in the future'),
    ({'monitor_id': 3009}, {'api_url': 'https://api.ping.pl/1.0'}, 'another API URL'),
    ({'monitor_id': 3009, 'reading_max_age': 0}, {}, 'reading_max_age=0'),
    ({'monitor_id': 3254}, {}, 'another monitor'),
    ({'name': 'Sklep - rejestracja'}, {}, 'another name'),
    ({'monitor_id': 3009}, {'kind': PINGPL_CONTACTS}, 'another kind'),
])
def test_monitor_reading_is_ignored_unless_it_fits(sim, values, reading_change, reason):
    kind = reading_change.pop('kind', PINGPL_MONITOR)
    reading = read(sim, kind, monitor_of(sim, 3009), **reading_change)
    values = dict(values, state='active', inventory_reading=reading)
    result = execute(MONITOR_STATE, params(sim, MONITOR_STATE, **values))
    assert result['reading'] == {'source': 'api'}, reason
    assert paths(sim) == ['get-monitors']


def test_monitor_reading_of_a_deleted_monitor_is_left_to_the_api(sim):
    monitor = dict(monitor_of(sim, 3009), status='DELETED')
    result = run(sim, MONITOR_STATE, monitor_id=3009, state='active', inventory_reading=read(sim, PINGPL_MONITOR, monitor))
    assert result['changed'] is False and result['reading'] == {'source': 'api'}
    assert paths(sim) == ['get-monitors']


def contacts_reading(sim, age=5):
    return read(sim, PINGPL_CONTACTS, sim.state('pingpl')['contacts'], age=age)


def test_contact_against_the_reading(sim):
    reading = contacts_reading(sim)
    result = run(sim, CONTACT_STATE, contact_id=123, state='active', inventory_reading=reading)
    assert result['changed'] is False and log(sim) == [] and result['reading']['source'] == 'inventory'
    result = run(sim, CONTACT_STATE, check_mode=True, email='USER@example.com', state='inactive',
                 inventory_reading=reading)
    assert result['changed'] is True and log(sim) == []
    result = run(sim, CONTACT_STATE, diff=True, email='user@example.com', state='inactive', inventory_reading=reading)
    assert result['changed'] is True and writes(sim) == paths(sim) == ['deactivate-contact']
    assert contact_status(sim, 123) == 'INACTIVE' and result['contact']['status'] == 'INACTIVE'
    assert result['diff']['before'] == {'status': 'ACTIVE'}


def test_contact_reading_with_a_shared_email_or_no_match_is_left_to_the_api(sim):
    reading = contacts_reading(sim)
    result = run(sim, CONTACT_STATE, email='oncall@fleetops.example', state='active', inventory_reading=reading)
    assert result['failed'] is True and 'give contact_id instead' in result['msg']
    assert paths(sim) == ['get-contacts']
    sim.clear_log()
    result = run(sim, CONTACT_STATE, contact_id=999, state='active', inventory_reading=reading)
    assert result['failed'] is True and paths(sim) == ['get-contacts']
    sim.clear_log()
    result = run(sim, CONTACT_STATE, contact_id=123, state='active', inventory_reading=contacts_reading(sim, age=301))
    assert result['reading'] == {'source': 'api'} and paths(sim) == ['get-contacts']


def test_negative_reading_max_age_fails_before_any_request(sim):
    result = run(sim, CONTACT_STATE, contact_id=123, state='active', reading_max_age=-5)
    assert result['failed'] is True and result['msg'].startswith('reading_max_age: must be 0')
    assert log(sim) == []
