# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PING asset against hostile and broken answers (the simulator's hostile mode): paging that repeats, points
back, grows or never ends; missing and mis-typed fields; writes whose answer is not the documented success."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.fleetops.ping.plugins.module_utils import pingasset_modules as pm
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import (
    APPLICATIONS,
    CONFIGURATIONS,
    DEVICES,
    EVENTS,
    PingAssetClient,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, WriteNotConfirmed
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET


def params(defn, sim, **args):
    full = dict(api_url=sim.url + '/pingasset', client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, timeout=5)
    full.update(args)
    kwargs = defn.module_kwargs()
    kwargs.pop('supports_check_mode')
    return ArgumentSpecValidator(**kwargs).validate(full).validated_parameters


def run(defn, sim, **args):
    warnings = []
    result = execute(defn, params(defn, sim, **args), warn=warnings.append)
    result['_warnings'] = warnings
    return result


def client_for(sim, warnings=None):
    http = HttpClient(sim.url + '/pingasset', timeout=5, sleep=lambda seconds: None,
                      warn=warnings.append if warnings is not None else None)
    return PingAssetClient(http.base_url, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, http=http)


def pages_asked(sim, path):
    return [int(e['query'].get('page', 0)) for e in sim.log() if e['path'] == path]


def state(sim):
    return sim.state('pingasset')


# -- paging ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize('concurrent', [False, True])
def test_a_page_that_repeats_the_first_fails(sim, concurrent):
    sim.hostile('repeat_page', api='pingasset', path='^/1.0/devices/devices/$', times=-1)
    client = client_for(sim)
    with pytest.raises(ApiError) as err:
        if concurrent:
            client.list_all_concurrent(DEVICES, {}, workers=4)
        else:
            client.list_devices({})
    assert str(err.value) == 'GET /1.0/devices/devices/: page 2 repeats page 1 (10 items)'
    assert len(pages_asked(sim, DEVICES)) <= 4  # never more than num_pages


def test_device_info_fails_on_repeating_pages_instead_of_returning_duplicates(sim):
    sim.hostile('repeat_page', api='pingasset', path='^/1.0/devices/devices/$', times=-1)
    result = run(pm.DEVICE_INFO, sim)
    assert result['failed'] is True and 'devices' not in result
    assert result['msg'] == 'GET /1.0/devices/devices/: page 2 repeats page 1 (10 items)'
    assert pages_asked(sim, DEVICES) == [1, 2]


def test_a_next_that_points_back_fails(sim):
    sim.hostile('next_back', api='pingasset', path='^/1.0/configurations/customer/$', times=-1)
    result = run(pm.CONFIGURATION_INFO, sim)
    assert result['failed'] is True
    assert result['msg'] == ('GET /1.0/configurations/customer/: the "next" of page 1 points at page 1, which was '
                             'read already')
    assert pages_asked(sim, CONFIGURATIONS) == [1]


def test_a_next_that_points_forward_is_fine(sim):
    client = client_for(sim)
    pages = {1: {'count': 3, 'num_pages': 2, 'next': 'https://api.example/1.0/events/?page=2', 'results': [{'id': 1}]},
             2: {'count': 3, 'num_pages': 2, 'next': None, 'results': [{'id': 2}, {'id': 3}]}}
    client.call = lambda method, path, params=None, **kwargs: pages[params['page']]
    items, meta = client.list_all(EVENTS, {})
    assert [i['id'] for i in items] == [1, 2, 3] and meta['pages_read'] == 2


def test_pages_that_announce_more_pages_each_time_fail(sim):
    sim.hostile('grow_pages', api='pingasset', path='^/1.0/events/$', times=-1)
    result = run(pm.EVENT_INFO, sim, limit=0)
    assert result['failed'] is True
    assert result['msg'] == ('GET /1.0/events/: page 2 announces 3 pages where page 1 announced 2 (the list changed '
                             'while it was read, or its paging runs away)')
    assert pages_asked(sim, EVENTS) == [1, 2]


def test_pages_past_num_pages_are_never_asked_for(sim):
    sim.hostile('endless_pages', api='pingasset', path='^/1.0/devices/devices/$', times=-1)
    _items, meta = client_for(sim).list_devices({})
    assert meta['num_pages'] == 4 and pages_asked(sim, DEVICES) == [1, 2, 3, 4]


def test_pages_past_count_fail_when_only_count_is_announced(sim):
    sim.hostile('endless_pages', api='pingasset', path='^/1.0/devices/devices/$', times=-1, announce='count')
    result = run(pm.DEVICE_INFO, sim)
    assert result['failed'] is True
    assert result['msg'] == ('GET /1.0/devices/devices/: page 4 brings the list to 40 items, more than the 35 that '
                             '"count" announced (the list changed while it was read, or its paging runs away)')
    assert pages_asked(sim, DEVICES) == [1, 2, 3, 4]


def test_a_list_claiming_too_many_pages_fails_at_once(sim):
    sim.fault(api='pingasset', method='GET', path='^/1.0/events/$', status=200, times=-1,
              body={'count': 10 ** 7, 'num_pages': 10 ** 6, 'results': [{'id': 1}]})
    with pytest.raises(ApiError) as err:
        client_for(sim).list_events({})
    assert str(err.value) == 'GET /1.0/events/: the list claims 1000000 pages, more than 10000; giving up'
    assert pages_asked(sim, EVENTS) == [1]


def test_short_pages_under_count_alone_stop_at_the_bound(sim):
    """count 100 and pages of one item that never end: ceil(100 / 1) + 1 pages at most, then a failure."""
    sim.fault(api='pingasset', method='GET', path='^/1.0/events/$', status=200, times=-1,
              body={'count': 3, 'num_pages': 0, 'results': [{'id': 1}]})
    with pytest.raises(ApiError) as err:
        client_for(sim).list_events({})
    assert str(err.value) == 'GET /1.0/events/: page 2 repeats page 1 (1 items)'


# -- fields ----------------------------------------------------------------------------------------------

def test_counts_and_ids_sent_as_strings_are_read_as_integers(sim):
    sim.hostile('retype_field', api='pingasset', path='^/1.0/configurations/customer/$', field='count', times=-1)
    sim.clear_faults()
    sim.hostile('retype_field', api='pingasset', path='^/1.0/configurations/customer/$', field='results[].id',
                times=-1)
    result = run(pm.CONFIGURATION_INFO, sim)
    assert result['count'] == 12 and all(isinstance(c['id'], int) for c in result['configurations'])
    sim.clear_faults()
    sim.hostile('retype_field', api='pingasset', path='^/1.0/configurations/customer/$', field='count', times=-1)
    items, meta = client_for(sim).list_configurations()
    assert meta['count'] == 12 and len(items) == 12


def test_a_configuration_without_a_state_fails_naming_the_field(sim):
    sim.hostile('drop_field', api='pingasset', path='^/1.0/configurations/customer/$', field='results[].state',
                times=-1)
    result = run(pm.CONFIGURATION, sim, name='Fleet profile 01', state='published')
    assert result['failed'] is True
    assert result['msg'].startswith('GET /1.0/configurations/customer/: configurations[0] lacks the required field '
                                    '"state"; found keys: ')
    assert [e for e in sim.log() if e['write']] == []


def test_a_device_fault_flag_sent_as_text_is_a_bool(sim):
    sim.hostile('retype_field', api='pingasset', path='^/1.0/devices/devices/$', field='results[].fault',
                to='bool_str', times=-1)
    items, _meta = client_for(sim).list_devices({})
    assert set(d['fault'] for d in items) == {True, False}


# -- writes confirmed, not assumed ---------------------------------------------------------------------

def test_a_publish_that_leaves_a_draft_fails(sim):
    sim.hostile('not_success', api='pingasset', method='POST', path='/publish/$', times=1)
    result = run(pm.CONFIGURATION, sim, name='Custom Configuration', state='published')
    assert result['failed'] is True
    assert result['msg'] == ('POST /1.0/configurations/customer/1/publish/: HTTP 200, but configuration 1 is still a '
                             'draft when read again')
    assert state(sim)['configurations']['1']['state'] == 'draft'


def test_an_edit_answered_with_the_old_values_fails(sim):
    sim.hostile('not_success', api='pingasset', method='PATCH', times=1)
    result = run(pm.CONFIGURATION, sim, name='Custom Configuration', description='Edited', state='draft')
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ('PATCH /1.0/configurations/customer/1/: the answer does not show the configuration that '
                             'was written (it holds other values for description), nor does configuration 1 read '
                             'again (it holds other values for description)')
    assert state(sim)['configurations']['1']['description'] != 'Edited'


def test_an_edit_whose_answer_lacks_a_field_is_confirmed_by_a_read_again(sim):
    sim.hostile('drop_field', api='pingasset', method='PATCH', field='description', times=1)
    result = run(pm.CONFIGURATION, sim, name='Custom Configuration', description='Edited', state='draft')
    assert result['changed'] is True and 'failed' not in result
    assert result['configuration']['description'] == 'Edited'
    assert result['_warnings'] == ['PATCH /1.0/configurations/customer/1/: the answer did not show the configuration '
                                   'written (it holds other values for description); read again, configuration 1 '
                                   'shows it']


def test_a_creation_answered_without_the_object_fails(sim):
    sim.hostile('not_success', api='pingasset', method='POST', path='^/1.0/applications/$', times=1)
    result = run(pm.APPLICATION, sim, name='Hostile app', authorization_grant_type='client-credentials')
    assert result['failed'] is True
    assert result['msg'] == ('POST /1.0/applications/: the answer does not show the application that was written '
                             '(the answer lacks the required field "id"; found keys: detail), and names none to read '
                             'again')
    assert 'client_secret' not in result
    assert [a['name'] for a in state(sim)['applications'].values()] == ['Backup event retriever']


def test_a_delete_answered_202_with_the_object_still_there_fails(sim):
    sim.hostile('not_success', api='pingasset', method='DELETE', times=1)
    result = run(pm.CONFIGURATION, sim, name='Fleet profile 02', state='absent')
    assert result['failed'] is True
    assert result['msg'] == ('DELETE /1.0/configurations/customer/3/: HTTP 202 instead of the documented 204, and the '
                             'configuration is still there when read again')
    assert '3' in state(sim)['configurations']


def test_a_delete_answered_200_is_confirmed_by_the_object_gone(sim):
    sim.hostile('not_success', api='pingasset', method='DELETE', times=1, status=200, apply=True)
    client = client_for(sim)
    assert client.delete_application(1) is True
    assert state(sim)['applications'] == {}


def test_a_write_not_confirmed_is_raised_with_what_was_found(sim):
    sim.hostile('not_success', api='pingasset', method='PATCH', path='^/1.0/applications/', times=1)
    with pytest.raises(WriteNotConfirmed) as err:
        client_for(sim).patch_application(1, {'authorization_grant_type': 'implicit'})
    assert err.value.found == 'it holds other values for authorization_grant_type'
    assert APPLICATIONS in str(err.value)


def test_a_failure_after_a_write_reports_the_change_that_was_made(sim):
    """The draft is created, then its publication is not confirmed: the task fails, and says it changed something."""
    sim.hostile('not_success', api='pingasset', method='POST', path='/publish/$', times=1)
    result = run(pm.CONFIGURATION, sim, name='Brand new', settings={'reporting_interval': 60}, state='published')
    assert result['failed'] is True and result['changed'] is True
    assert result['msg'].endswith('is still a draft when read again')
    assert [c['state'] for c in state(sim)['configurations'].values() if c['name'] == 'Brand new'] == ['draft']


def test_a_failure_before_any_write_reports_no_change(sim):
    sim.hostile('not_success', api='pingasset', method='POST', path='^/1.0/applications/$', times=1)
    result = run(pm.APPLICATION, sim, name='Another app', authorization_grant_type='implicit')
    assert result['failed'] is True and result['changed'] is False
