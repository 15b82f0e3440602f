# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ping.pl against hostile and broken answers (the simulator's hostile mode): no data, ids as strings, fields
missing, writes whose answer is not the documented success."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import PingPlClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import (
    CONTACT_INFO,
    CONTACT_STATE,
    MONITOR_INFO,
    MONITOR_STATE,
    OUTAGE_INFO,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, WriteNotConfirmed
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY


def params(sim, defn, **values):
    result = dict((name, spec.get('default')) for name, spec in defn.argument_spec.items())
    result.update(api_url=sim.url + '/pingpl/1.0', token=PINGPL_KEY, timeout=5.0)
    result.update(values)
    return result


def client_for(sim, warnings=None):
    http = HttpClient(sim.url + '/pingpl/1.0', timeout=5, sleep=lambda seconds: None,
                      warn=warnings.append if warnings is not None else None)
    return PingPlClient(http.base_url, token=PINGPL_KEY, http=http)


def statuses(sim, kind='monitors'):
    return dict((m['id'], m['status']) for m in sim.state('pingpl')[kind])


@pytest.mark.parametrize('method', ['get-monitors', 'get-contacts', 'get-account-info', 'get-outages', 'get-outage',
                                    'get-data'])
def test_a_read_without_data_fails_naming_the_call(sim, method):
    sim.hostile('drop_field', api='pingpl', path=method + '$', field='data', times=1)
    client = client_for(sim)
    calls = {'get-monitors': client.get_monitors, 'get-contacts': client.get_contacts,
             'get-account-info': client.get_account_info, 'get-outages': lambda: client.get_outages(3009),
             'get-outage': lambda: client.get_outage(47017),
             'get-data': lambda: client.get_data(3009, '2016-01-01', '2016-01-01')}
    with pytest.raises(ApiError) as err:
        calls[method]()
    assert str(err.value) == 'POST %s: HTTP 200: the answer has no "data" (header status=OK), which %s documents' % (
        method, method)


def test_monitor_info_without_data_fails_instead_of_listing_nothing(sim):
    sim.hostile('drop_field', api='pingpl', path='get-monitors$', field='data', times=1)
    result = execute(MONITOR_INFO, params(sim, MONITOR_INFO))
    assert result['failed'] is True and 'monitors' not in result
    assert result['msg'].startswith('POST get-monitors: HTTP 200: the answer has no "data"')


def test_ids_sent_as_strings_come_back_as_the_integers_return_documents(sim):
    sim.hostile('retype_field', api='pingpl', path='get-monitors$', field='data.monitors[].id', times=1)
    result = execute(MONITOR_INFO, params(sim, MONITOR_INFO))
    assert [m['id'] for m in result['monitors']][:3] == [3009, 3118, 3254]
    assert all(isinstance(m['id'], int) for m in result['monitors'])
    sim.hostile('retype_field', api='pingpl', path='get-monitors$', field='data.monitors[].isShared', times=1)
    result = execute(MONITOR_INFO, params(sim, MONITOR_INFO, ids=[3254]))
    assert result['monitors'][0]['isShared'] == 1
    sim.hostile('retype_field', api='pingpl', path='get-contacts$', field='data.contacts[].id', times=1)
    result = execute(CONTACT_INFO, params(sim, CONTACT_INFO, ids=[456]))
    assert [c['id'] for c in result['contacts']] == [456]
    sim.hostile('retype_field', api='pingpl', path='get-outages$', field='data.outages[].id', times=1)
    result = execute(OUTAGE_INFO, params(sim, OUTAGE_INFO, monitor_id=3009))
    assert [o['id'] for o in result['outages']] == [43900, 43712, 43376]


def test_an_id_that_is_no_integer_fails_naming_field_and_call(sim):
    sim.fault(api='pingpl', path='get-monitors$', status=200,
              body={'header': {'status': 'OK'}, 'data': {'monitors': [
                  {'id': 'abc', 'status': 'ACTIVE', 'type': 'WWW', 'name': 'x', 'isShared': 0}]}})
    with pytest.raises(ApiError) as err:
        client_for(sim).get_monitors()
    assert str(err.value) == "POST get-monitors: data.monitors[0].id is 'abc', not an integer as documented"


def test_a_monitor_without_a_status_fails(sim):
    sim.hostile('drop_field', api='pingpl', path='get-monitors$', field='data.monitors[].status', times=1)
    result = execute(MONITOR_STATE, params(sim, MONITOR_STATE, monitor_id=3009, state='paused'))
    assert result['failed'] is True
    assert result['msg'].startswith('POST get-monitors: data.monitors[0] lacks the required field "status"; found keys: ')
    assert [e for e in sim.log() if e['write']] == []


def test_a_tolerated_gap_warns_once_however_many_objects_have_it(sim):
    warnings = []
    sim.hostile('drop_field', api='pingpl', path='get-monitors$', field='data.monitors[].isShared', times=-1)
    client = client_for(sim, warnings)
    monitors = client.get_monitors()
    client.get_monitors()
    assert len(monitors) == 10 and all('isShared' not in m for m in monitors)
    assert warnings == ['POST get-monitors: 10 of 10 monitor(s) lack the documented field "isShared"; it is left '
                        'out of the result']


def test_a_pause_answered_with_another_header_status_is_no_change(sim):
    sim.hostile('not_success', api='pingpl', path='pause-monitor$', times=1)
    result = execute(MONITOR_STATE, params(sim, MONITOR_STATE, monitor_id=3009, state='paused'))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == 'POST pause-monitor: HTTP 200: the API answered with header status=PENDING'
    assert statuses(sim)[3009] == 'ACTIVE'


def test_a_write_whose_data_says_otherwise_is_not_confirmed(sim):
    client = client_for(sim)
    sim.hostile('not_success', api='pingpl', path='deactivate-contact$', times=1, data={'contactId': 124})
    with pytest.raises(WriteNotConfirmed) as err:
        client.deactivate_contact(123)
    assert str(err.value) == ("POST deactivate-contact: the header says OK, but data does not say contactId 123 is "
                              "INACTIVE; found: {'contactId': 124}")
    sim.hostile('not_success', api='pingpl', path='pause-monitor$', times=1, data={'status': 'ACTIVE'})
    result = execute(MONITOR_STATE, params(sim, MONITOR_STATE, monitor_id=3009, state='paused'))
    assert result['failed'] is True and result['changed'] is False
    assert statuses(sim)[3009] == 'ACTIVE'
    # The documented answer (a header and no data) and an empty data are a success.
    assert client.deactivate_contact(123) == {}


def test_an_ok_that_did_not_take_fails_after_the_read_back(sim):
    """The header says OK, data is absent, and the contact still shows its old status when read back."""
    sim.hostile('not_success', api='pingpl', path='deactivate-contact$', times=1, data={})
    result = execute(CONTACT_STATE, params(sim, CONTACT_STATE, contact_id=123, state='inactive'))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ("contact 123 (user@example.com): the API answered OK, but the contact now reports ACTIVE, "
                             "not INACTIVE: the change is not confirmed")
    assert result['contact']['status'] == 'ACTIVE'
    assert statuses(sim, 'contacts')[123] == 'ACTIVE'
