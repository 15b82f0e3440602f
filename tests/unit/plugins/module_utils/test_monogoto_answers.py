# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monogoto against hostile and broken answers (the simulator's hostile mode): writes the answer does not confirm,
paging that repeats or never ends, missing and mis-typed fields."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import MonogotoClient
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import (
    MAX_THINGS,
    THING_IMEI,
    THING_INFO,
    THING_STATE,
    list_all_things,
    thing_statuses,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure, execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, WriteNotConfirmed
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID

TID = 'ThingId_ICCID_' + VENDOR_ICCID


def params(sim, defn, **values):
    result = dict((name, spec.get('default')) for name, spec in defn.argument_spec.items())
    result.update(api_url=sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5.0)
    result.update(values)
    return result


def client_for(sim, warnings=None):
    http = HttpClient(sim.url + '/monogoto', timeout=5, sleep=lambda seconds: None,
                      warn=warnings.append if warnings is not None else None)
    return MonogotoClient(http.base_url, http=http, username=USERNAME, password=PASSWORD)


def thing(sim):
    return sim.state('monogoto')['things'][TID]


def listing_calls(sim):
    return [e for e in sim.log() if e['path'] == '/things']


# -- writes confirmed, not assumed ------------------------------------------------------------------

def test_an_update_answered_200_without_saying_saved_is_not_a_change(sim):
    sim.hostile('not_success', api='monogoto', method='PUT', path='^/thing/update', times=1)
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True))
    assert result['failed'] is True and result['changed'] is False
    # The shared write path reads the Thing again, and reports what it found: the lock was not saved.
    assert result['msg'].startswith('ICCID %s: PUT /thing/update/ answered without confirming the change (the answer: '
                                    'Thing update queued.), and the Thing read again shows LockMasterImei=false'
                                    % VENDOR_ICCID), result['msg']
    assert thing(sim)['LockMasterImei'] is False  # and indeed it was not saved


def test_the_client_raises_write_not_confirmed_with_what_was_found(sim):
    client = client_for(sim)
    cas = thing(sim)['cas']
    sim.hostile('not_success', api='monogoto', method='PUT', path='^/thing/update', times=1,
                body='Thing was not successfully saved.')
    with pytest.raises(WriteNotConfirmed) as err:
        client.update_thing({'cas': cas, 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': ''})
    assert err.value.found == 'Thing was not successfully saved.'
    assert err.value.status == 200 and err.value.method == 'PUT'
    # The documented answer confirms.
    assert client.update_thing({'cas': cas, 'ThingId': TID, 'LockMasterImei': True,
                                'MasterIMEI': ''}) == 'Thing undefined successfully saved.'


def test_a_state_change_answered_without_saying_updated_fails(sim):
    sim.hostile('not_success', api='monogoto', method='PUT', path='/state', times=1, body='OK')
    result = execute(THING_STATE, params(sim, THING_STATE, iccid=VENDOR_ICCID, state='SUSPENDED'))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ("ICCID %s: PUT /thing/ThingId_ICCID_%s/state/ answered without confirming the change "
                             "(the answer: OK), and the Thing read again shows state='ACTIVE', not state='SUSPENDED'"
                             % (VENDOR_ICCID, VENDOR_ICCID))
    assert thing(sim)['State'] == 'ACTIVE'


def test_an_unconfirmed_write_that_did_happen_counts_as_a_change_with_one_warning(sim):
    sim.hostile('not_success', api='monogoto', method='PUT', path='^/thing/update', times=1, apply=True)
    warnings = []
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True), warn=warnings.append)
    assert result.get('failed') is not True and result['changed'] is True, result
    assert thing(sim)['LockMasterImei'] is True
    assert len([w for w in warnings if 'confirm' in w]) == 1, warnings


# -- paging ----------------------------------------------------------------------------------------

def test_a_listing_that_ignores_offset_fails_after_two_pages(sim):
    sim.hostile('repeat_page', api='monogoto', path='^/things$', times=-1)
    with pytest.raises(ModuleFailure) as err:
        list_all_things(client_for(sim), page_size=10)
    assert err.value.msg == ('GET /things: the page at offset 10 holds only Things already listed (does the API '
                             'ignore offset?); stopped after 10 Things')
    assert [e['query']['offset'] for e in listing_calls(sim)] == ['0', '10']


def test_pages_that_never_end_stop_at_max_things(sim):
    sim.hostile('endless_pages', api='monogoto', path='^/things$', times=-1)
    result = execute(THING_INFO, params(sim, THING_INFO, include_status=False, concurrency=4, max_things=200))
    assert result['failed'] is True
    assert result['msg'].startswith('GET /things: more than max_things (200) Things, and the listing goes on')
    assert len(listing_calls(sim)) <= 200 // 50 + 4  # the read-ahead window at most


def test_the_default_bound_of_the_listing():
    assert MAX_THINGS == 1000000
    assert THING_INFO.argument_spec['max_things']['default'] == MAX_THINGS


class PagingClient:
    def __init__(self, pager):
        self.pager = pager
        self.http = HttpClient('http://127.0.0.1:1')

    def list_things(self, limit, offset):
        return self.pager(limit, offset)


def _things(numbers):
    return [{'ThingId': 'ThingId_ICCID_%019d' % n} for n in numbers]


def test_a_page_mostly_made_of_things_already_listed_fails():
    # Each page starts one Thing after the last one: 49 of 50 already listed.
    client = PagingClient(lambda limit, offset: _things(range(offset // limit, offset // limit + limit)))
    with pytest.raises(ModuleFailure) as err:
        list_all_things(client, page_size=50)
    assert err.value.msg == ('GET /things: 49 of the 50 Things of the page at offset 50 were listed on earlier pages '
                             '(the pages repeat); stopped after 51 Things')


def test_a_page_with_more_things_than_asked_for_fails(sim):
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, times=1,
              body=[{'ThingId': 'ThingId_ICCID_%019d' % n} for n in range(60)])
    with pytest.raises(ModuleFailure) as err:
        list_all_things(client_for(sim))
    assert err.value.msg == ('GET /things: asked for at most 50 Things at offset 0, the answer holds 60 (does the '
                             'API ignore limit?)')


# -- fields -------------------------------------------------------------------------------------------

def test_a_thing_without_any_id_in_the_listing_fails_naming_what_it_has(sim):
    body = [{'ThingName': 'nameless', 'State': 'ACTIVE'}]
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, times=1, body=body)
    with pytest.raises(ModuleFailure) as err:
        list_all_things(client_for(sim))
    assert err.value.msg == ('GET /things: Thing 0 of the page at offset 0 has neither a ThingId nor an '
                             'ExternalUniqueId; found keys: State, ThingName')


def test_booleans_and_numbers_sent_as_text_come_back_typed(sim):
    sim.hostile('retype_field', api='monogoto', path='^/thing/ThingId', field='LockMasterImei', to='bool_str', times=1)
    client = client_for(sim)
    data = client.get_thing(VENDOR_ICCID)
    assert data['LockMasterImei'] is False
    sim.hostile('retype_field', api='monogoto', path='^/things$', field='[].ExternalUniqueId', to='int', times=1)
    listed = list_all_things(client)
    assert all(isinstance(t['ExternalUniqueId'], str) for t in listed)
    assert listed[0]['ExternalUniqueId'] == VENDOR_ICCID


def test_a_lock_flag_of_another_type_fails_naming_field_and_call(sim):
    sim.hostile('retype_field', api='monogoto', path='^/thing/ThingId', field='LockMasterImei', to='list', times=1)
    with pytest.raises(ApiError) as err:
        client_for(sim).get_thing(VENDOR_ICCID)
    assert str(err.value) == ('GET /thing/%s: the Thing.LockMasterImei is [False], not a boolean as documented' % TID)


def test_status_entries_must_be_the_things_asked_for(sim):
    client = client_for(sim)
    sim.fault(api='monogoto', method='GET', path='^/thing/status$', status=200, times=1,
              body={'Success': True, 'Data': [{'ThingId': 'ThingId_ICCID_1111111111111111'}]})
    with pytest.raises(ModuleFailure) as err:
        client.thing_status([VENDOR_ICCID])
    assert err.value.msg == ('GET /thing/status: Data[0] is the status of ThingId_ICCID_1111111111111111, which was '
                             'not asked for')
    sim.hostile('drop_field', api='monogoto', path='^/thing/status$', field='Data[].ThingId', times=1)
    with pytest.raises(ApiError) as err:
        client.thing_status([VENDOR_ICCID])
    assert str(err.value).startswith('GET /thing/status: Data[0] lacks the required field "ThingId"; found keys: ')
    sim.hostile('retype_field', api='monogoto', path='^/thing/status$', field='Success', to='bool_str', times=1)
    assert list(client.thing_status([VENDOR_ICCID])) == [TID]


def test_things_without_a_status_entry_make_one_warning(sim):
    warnings = []
    client = client_for(sim, warnings)
    iccids = [t['ExternalUniqueId'] for t in sim.state('monogoto')['things'].values()]
    sim.fault(api='monogoto', method='GET', path='^/thing/status$', status=200, times=-1,
              body={'Success': True, 'Data': []})
    assert thing_statuses(client, iccids + iccids[:0]) == {}
    assert thing_statuses(client, iccids) == {}
    assert warnings == ['GET /thing/status: no status for 20 of the 20 Things asked for; they are left without one']
