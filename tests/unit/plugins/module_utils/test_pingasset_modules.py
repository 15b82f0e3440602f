# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logic of every PING asset module, run through runner.execute against the in-process simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.fleetops.ping.plugins.module_utils import pingasset_modules as pm
from ansible_collections.fleetops.ping.plugins.module_utils.runner import execute
from ansible_collections.fleetops.ping.tests.simulator.pingasset import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    TIMES_SQUARE,
    VENDOR_APP_SECRET,
    haversine,
)

V1 = {'reporting_interval': 600, 'temperature_logging_interval': 300, 'shock_threshold': 3}
V2 = {'reporting_interval': 300, 'temperature_logging_interval': 300, 'shock_threshold': 3}
CONFIGS = '/1.0/configurations/customer/'
DEVICES = '/1.0/devices/devices/'


def params(defn, sim, **args):
    """Validated parameters, as AnsibleModule (or the action plugin) would hand them to the logic."""
    full = dict(api_url=sim.url + '/pingasset', client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET,
                timeout=5)
    full.update(args)
    kwargs = defn.module_kwargs()
    kwargs.pop('supports_check_mode')
    result = ArgumentSpecValidator(**kwargs).validate(full)
    if result.error_messages:
        return {'_invalid': result.errors.msg}
    return result.validated_parameters


def run(defn, sim, check_mode=False, diff=False, **args):
    p = params(defn, sim, **args)
    if '_invalid' in p:
        return {'failed': True, 'msg': p['_invalid'], 'changed': False}
    warnings = []
    result = execute(defn, p, check_mode=check_mode, diff=diff, warn=warnings.append)
    result['_warnings'] = warnings
    return result


def api_log(sim):
    return [e for e in sim.log() if e['api'] == 'pingasset']


def writes(sim):
    return [(e['method'], e['path']) for e in api_log(sim) if e['write']]


def configs(sim, name):
    return sorted((c for c in sim.state('pingasset')['configurations'].values() if c['name'] == name),
                  key=lambda c: c['id'])


def fresh(sim):
    sim.clear_log()


# -- pingasset_configuration -------------------------------------------------------------

def test_configuration_draft_then_published_lifecycle(sim):
    cfg = dict(name='Cold chain', description='Reports every 10 minutes', settings=V1)

    res = run(pm.CONFIGURATION, sim, check_mode=True, diff=True, state='draft', **cfg)
    assert res['changed'] and res['actions'] == ['create'] and res['configuration']['id'] is None
    assert res['diff'] == {'before': {}, 'after': {'description': cfg['description'], 'settings': V1},
                           'before_header': 'Cold chain', 'after_header': 'Cold chain'}
    assert writes(sim) == []

    res = run(pm.CONFIGURATION, sim, state='draft', **cfg)
    assert res['changed'] and res['actions'] == ['create']
    draft_id = res['configuration']['id']
    assert res['configuration']['state'] == 'draft'
    assert writes(sim) == [('POST', CONFIGS)]

    fresh(sim)
    res = run(pm.CONFIGURATION, sim, state='draft', **cfg)
    assert not res['changed'] and res['actions'] == [] and writes(sim) == []
    assert [e['tag'] for e in api_log(sim)] == [None]  # the cached token: no login

    res = run(pm.CONFIGURATION, sim, check_mode=True, state='published', **cfg)
    assert res['changed'] and res['actions'] == ['publish %d' % draft_id] and writes(sim) == []

    res = run(pm.CONFIGURATION, sim, state='published', **cfg)
    assert res['changed'] and res['actions'] == ['publish %d' % draft_id]
    assert res['configuration']['state'] == 'published' and res['superseded'] == []
    assert writes(sim) == [('POST', '%s%d/publish/' % (CONFIGS, draft_id))]

    fresh(sim)
    res = run(pm.CONFIGURATION, sim, state='published', **cfg)
    assert not res['changed'] and res['configuration']['id'] == draft_id and writes(sim) == []

    # New settings: a new configuration, published; the old one stays and is superseded.
    res = run(pm.CONFIGURATION, sim, check_mode=True, diff=True, state='published', name='Cold chain', settings=V2)
    assert res['actions'] == ['create', 'publish'] and writes(sim) == []
    assert [s['id'] for s in res['superseded']] == [draft_id]
    assert res['diff']['before']['settings'] == V1 and res['diff']['after']['settings'] == V2
    assert res['configuration']['description'] == cfg['description']  # carried over

    res = run(pm.CONFIGURATION, sim, state='published', name='Cold chain', settings=V2)
    new_id = res['configuration']['id']
    assert new_id != draft_id and res['actions'] == ['create', 'publish %d' % new_id]
    assert [s['id'] for s in res['superseded']] == [draft_id]
    assert res['configuration']['description'] == cfg['description']
    assert writes(sim) == [('POST', CONFIGS), ('POST', '%s%d/publish/' % (CONFIGS, new_id))]
    assert [(c['id'], c['state']) for c in configs(sim, 'Cold chain')] == [
        (draft_id, 'published'), (new_id, 'published')]

    fresh(sim)
    res = run(pm.CONFIGURATION, sim, state='published', name='Cold chain', settings=V2)
    assert not res['changed'] and [s['id'] for s in res['superseded']] == [draft_id] and writes(sim) == []

    res = run(pm.CONFIGURATION, sim, check_mode=True, state='published', name='Cold chain', settings=V2,
              delete_superseded=True)
    assert res['changed'] and res['actions'] == ['delete %d' % draft_id] and writes(sim) == []

    res = run(pm.CONFIGURATION, sim, state='published', name='Cold chain', settings=V2, delete_superseded=True)
    assert res['actions'] == ['delete %d' % draft_id]
    assert writes(sim) == [('DELETE', '%s%d/' % (CONFIGS, draft_id))]
    assert [c['id'] for c in configs(sim, 'Cold chain')] == [new_id]

    fresh(sim)
    res = run(pm.CONFIGURATION, sim, state='published', name='Cold chain', settings=V2, delete_superseded=True)
    assert not res['changed'] and writes(sim) == []

    res = run(pm.CONFIGURATION, sim, check_mode=True, diff=True, state='absent', name='Cold chain')
    assert res['actions'] == ['delete %d' % new_id] and writes(sim) == []
    assert res['diff']['after'] == {} and res['diff']['before']['settings'] == V2

    res = run(pm.CONFIGURATION, sim, state='absent', name='Cold chain')
    assert res['changed'] and res['configuration'] is None
    assert configs(sim, 'Cold chain') == []

    fresh(sim)
    res = run(pm.CONFIGURATION, sim, state='absent', name='Cold chain')
    assert not res['changed'] and writes(sim) == []


def test_draft_edit_sends_only_what_differs(sim):
    run(pm.CONFIGURATION, sim, name='Edit me', description='one', settings=V1)
    captured = []
    real = sim.sim.apps['pingasset'].configuration

    def spy(request, cid, publish=False):
        if request.method == 'PATCH':
            captured.append(request.json)
        return real(request, cid, publish)
    sim.sim.apps['pingasset'].configuration = spy
    try:
        res = run(pm.CONFIGURATION, sim, name='Edit me', description='two', settings=V1)
    finally:
        sim.sim.apps['pingasset'].configuration = real
    assert res['changed'] and res['actions'][0].startswith('edit ')
    assert captured == [{'description': 'two'}]


def test_draft_beside_a_published_configuration_leaves_it_alone(sim):
    run(pm.CONFIGURATION, sim, name='Side', settings=V1, state='published')
    fresh(sim)
    res = run(pm.CONFIGURATION, sim, name='Side', settings=V2, state='draft')
    assert res['actions'] == ['create'] and writes(sim) == [('POST', CONFIGS)]
    assert [c['state'] for c in configs(sim, 'Side')] == ['published', 'draft']
    # Publishing now uses that draft, and supersedes the older published one.
    res = run(pm.CONFIGURATION, sim, name='Side', settings=V2, state='published')
    assert res['actions'] == ['publish %d' % configs(sim, 'Side')[1]['id']]
    assert [s['id'] for s in res['superseded']] == [configs(sim, 'Side')[0]['id']]


def test_published_with_a_stale_draft_updates_it_first(sim):
    run(pm.CONFIGURATION, sim, name='Stale', settings=V1, state='draft')
    res = run(pm.CONFIGURATION, sim, name='Stale', settings=V2, state='published')
    cid = configs(sim, 'Stale')[0]['id']
    assert res['actions'] == ['edit %d' % cid, 'publish %d' % cid]
    assert res['configuration']['settings'] == V2


def test_settings_compare_true_and_1_as_different(sim):
    run(pm.CONFIGURATION, sim, name='Bools', settings={'enabled': 1}, state='draft')
    res = run(pm.CONFIGURATION, sim, name='Bools', settings={'enabled': True}, state='draft')
    assert res['changed']
    res = run(pm.CONFIGURATION, sim, name='Bools', settings={'enabled': True}, state='draft')
    assert not res['changed']


def test_seeded_vendor_example_is_a_draft_that_can_be_published(sim):
    res = run(pm.CONFIGURATION, sim, name='Custom Configuration', state='published')
    assert res['actions'] == ['publish 1']
    assert res['configuration']['description'] == 'Custom configuration extending reporting frequency'


def test_configuration_by_id(sim):
    res = run(pm.CONFIGURATION, sim, id=1, settings=V1, state='draft')
    assert res['actions'] == ['edit 1']
    res = run(pm.CONFIGURATION, sim, id=1, settings=V1, state='published')
    assert res['actions'] == ['publish 1']
    res = run(pm.CONFIGURATION, sim, id=1, state='draft', settings=V2)
    assert res['failed'] and 'published configurations are read-only' in res['msg']
    res = run(pm.CONFIGURATION, sim, id=1, state='published', settings=V2)
    assert res['actions'][0] == 'create' and [s['id'] for s in res['superseded']] == [1]
    assert res['configuration']['name'] == 'Custom Configuration'
    res = run(pm.CONFIGURATION, sim, id=9999, state='draft')
    assert res['failed'] and 'no configuration with id 9999' in res['msg'] and '404' in res['msg']
    fresh(sim)
    res = run(pm.CONFIGURATION, sim, id=9999, state='absent')
    assert not res['changed'] and writes(sim) == []
    res = run(pm.CONFIGURATION, sim, id=1, state='absent')
    assert res['actions'] == ['delete 1']


def test_publishing_a_published_configuration_is_refused_by_the_api(sim):
    res = run(pm.CONFIGURATION, sim, name='Fleet profile 01', state='published')
    assert not res['changed']  # seeded as published, values not managed
    from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import PingAssetClient
    client = PingAssetClient(sim.url + '/pingasset', client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    cid = configs(sim, 'Fleet profile 01')[0]['id']
    with pytest.raises(Exception) as err:
        client.patch_configuration(cid, {'description': 'x'})
    assert str(err.value) == ('PATCH /1.0/configurations/customer/%d/: HTTP 400 Bad Request: non_field_errors: '
                              'Published configurations cannot be modified.' % cid)
    with pytest.raises(Exception) as err:
        client.publish_configuration(cid)
    assert 'Published configurations cannot be modified.' in str(err.value)


def test_several_drafts_warn_and_manage_the_newest(sim):
    from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import PingAssetClient
    client = PingAssetClient(sim.url + '/pingasset', client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    first = client.create_configuration({'name': 'Twice', 'settings': V1})
    second = client.create_configuration({'name': 'Twice', 'settings': V1})
    res = run(pm.CONFIGURATION, sim, name='Twice', settings=V2)
    assert res['actions'] == ['edit %d' % second['id']]
    assert any('2 drafts' in w and str(first['id']) in w for w in res['_warnings'])


@pytest.mark.parametrize('args, message', [
    (dict(name='A', id=3), 'mutually exclusive'),
    (dict(), 'one of the following is required: name, id'),
    (dict(name='A', delete_superseded=True), 'delete_superseded: only applies with state=published'),
    (dict(name='  '), 'name: must not be empty'),
    (dict(id=0), 'id: must be a positive integer'),
    (dict(name='A', settings='not a dict'), 'settings'),
])
def test_configuration_bad_input_sends_nothing(sim, args, message):
    res = run(pm.CONFIGURATION, sim, **args)
    assert res['failed'] and message in res['msg']
    assert api_log(sim) == []


def test_configuration_validation_error_is_one_line(sim):
    res = run(pm.CONFIGURATION, sim, name='x' * 101)
    assert res['failed'] and res['status'] == 400
    assert res['msg'] == ('POST /1.0/configurations/customer/: HTTP 400 Bad Request: name: Ensure this field has '
                          'no more than 100 characters.')


def test_unknown_state_is_read_only_with_a_warning(sim):
    sim.sim.apps['pingasset'].configurations[3]['state'] = 'archived'
    name = sim.sim.apps['pingasset'].configurations[3]['name']
    res = run(pm.CONFIGURATION, sim, name=name, state='published')
    assert not res['changed']
    assert any("state 'archived'" in w for w in res['_warnings'])


# -- pingasset_configuration_info -------------------------------------------------------------

def test_configuration_info_every_page(sim):
    res = run(pm.CONFIGURATION_INFO, sim)
    assert res['count'] == 12 and len(res['configurations']) == 12
    pages = [e['query']['page'] for e in api_log(sim) if e['path'] == CONFIGS]
    assert pages == ['1', '2']


def test_configuration_info_filters(sim):
    res = run(pm.CONFIGURATION_INFO, sim, name=['Fleet profile 01', 'Custom Configuration'],
              ordering=['-created_at'], search='o')
    assert [c['name'] for c in res['configurations']] == ['Fleet profile 01', 'Custom Configuration']
    query = [e['query'] for e in api_log(sim) if e['path'] == CONFIGS][0]
    assert query == {'name': 'Fleet profile 01,Custom Configuration', 'ordering': '-created_at', 'search': 'o',
                     'page': '1'}


def test_configuration_info_bad_ordering_sends_nothing(sim):
    res = run(pm.CONFIGURATION_INFO, sim, ordering=['state'])
    assert res['failed'] and "ordering: 'state' is not an orderable field" in res['msg']
    assert api_log(sim) == []


# -- pingasset_device_info -----------------------------------------------------------------------

def test_device_info_filters_over_several_pages(sim):
    res = run(pm.DEVICE_INFO, sim, fault=False, latitude=TIMES_SQUARE[0], longitude=TIMES_SQUARE[1],
              radius__gte=10000, ordering=['-imei'])
    devices = res['devices']
    assert res['count'] == len(devices) > 20 and res['pages_read'] == 3 and res['truncated'] is False
    assert all(d['fault'] is False for d in devices)
    assert all(haversine(TIMES_SQUARE[0], TIMES_SQUARE[1], d['latitude'], d['longitude']) >= 10000 for d in devices)
    assert [d['imei'] for d in devices] == sorted((d['imei'] for d in devices), reverse=True)
    gets = [e for e in api_log(sim) if e['path'] == DEVICES]
    assert [e['query']['page'] for e in gets] == ['1', '2', '3']
    for entry in gets:
        assert entry['query']['fault'] == 'false'
        assert entry['query']['radius__gte'] == '10000'
        assert entry['query']['latitude'] == '40.75897' and entry['query']['longitude'] == '-73.984479'
        assert entry['query']['ordering'] == '-imei'


def test_device_info_limit(sim):
    res = run(pm.DEVICE_INFO, sim, limit=12)
    assert len(res['devices']) == 12 and res['truncated'] and res['count'] == 35 and res['pages_read'] == 2


def test_device_info_every_documented_filter_reaches_the_api(sim):
    res = run(pm.DEVICE_INFO, sim, imei='357100000000003', mac='00:A0:C9:14:C8:29', search='3571',
              fault=True, customer_group_id=2, latitude=40.5, longitude=-74.0, radius__lte=130, radius__gte=0,
              geogroup_inside=7, geogroup_outside=8, geogroup_distance=1000)
    assert not res.get('failed'), res.get('msg')
    query = [e['query'] for e in api_log(sim) if e['path'] == DEVICES][0]
    assert query == {'imei': '357100000000003', 'mac': '00:A0:C9:14:C8:29', 'search': '3571', 'fault': 'true',
                     'customer_group_id': '2', 'latitude': '40.5', 'longitude': '-74', 'radius__lte': '130',
                     'radius__gte': '0', 'geogroup_inside': '7', 'geogroup_outside': '8',
                     'geogroup_distance': '1000', 'page': '1'}


def test_device_info_geogroup_example(sim):
    inside = run(pm.DEVICE_INFO, sim, geogroup_inside=9)['devices']
    deep = run(pm.DEVICE_INFO, sim, geogroup_inside=9, geogroup_distance=1000)['devices']
    outside = run(pm.DEVICE_INFO, sim, geogroup_outside=9)['devices']
    assert len(inside) + len(outside) == 35
    assert set(d['id'] for d in deep) <= set(d['id'] for d in inside)


def test_device_info_by_imei(sim):
    imei = sim.sim.apps['pingasset'].devices[4]['imei']
    res = run(pm.DEVICE_INFO, sim, imei=imei)
    assert [d['imei'] for d in res['devices']] == [imei]


@pytest.mark.parametrize('args, message', [
    (dict(radius__lte=100), 'radius__lte: needs latitude and longitude'),
    (dict(latitude=40.0), 'parameters are required together: latitude, longitude'),
    (dict(latitude=91.0, longitude=0.0), 'latitude: must be between -90 and 90'),
    (dict(latitude=0.0, longitude=181.0, radius__gte=5), 'longitude: must be between -180 and 180'),
    (dict(latitude=0.0, longitude=0.0, radius__gte=-5), 'radius__gte: must be 0 or more'),
    (dict(geogroup_distance=1000), 'geogroup_distance: needs geogroup_inside or geogroup_outside'),
    (dict(imei='35-71'), "imei: '35-71' is not an IMEI"),
    (dict(mac='00:A0'), "mac: '00:A0' is not a MAC address"),
    (dict(ordering=['name']), "ordering: 'name' is not an orderable field"),
    (dict(limit=0), 'limit: must be 1 or more'),
    (dict(customer_group_id=0), 'customer_group_id: must be 1 or more'),
])
def test_device_info_bad_input_sends_nothing(sim, args, message):
    res = run(pm.DEVICE_INFO, sim, **args)
    assert res['failed'] and message in res['msg'], res['msg']
    assert api_log(sim) == []


def test_device_info_unknown_geogroup_is_the_apis_validation_error(sim):
    res = run(pm.DEVICE_INFO, sim, geogroup_inside=70)
    assert res['msg'] == ('GET /1.0/devices/devices/: HTTP 400 Bad Request: geogroup_inside: Select a valid choice. '
                          'That choice is not one of the available choices.')


# -- pingasset_event_info and pingasset_account_info --------------------------------------------------

def test_event_info_by_imei_every_page(sim):
    imei = sim.sim.apps['pingasset'].devices[0]['imei']
    res = run(pm.EVENT_INFO, sim, imei=imei, limit=0)
    assert len(res['events']) == 25 == res['count'] and res['pages_read'] == 3 and not res['truncated']
    assert all(e['imei'] == imei for e in res['events'])
    assert all(e['query']['imei'] == imei for e in api_log(sim) if e['path'] == '/1.0/events/')


def test_event_info_default_limit(sim):
    res = run(pm.EVENT_INFO, sim)
    assert len(res['events']) == 100 and res['truncated'] and res['count'] > 100 and res['pages_read'] == 10


def test_event_info_bad_imei(sim):
    res = run(pm.EVENT_INFO, sim, imei='12')
    assert res['failed'] and 'imei' in res['msg'] and api_log(sim) == []


def test_account_info(sim):
    res = run(pm.ACCOUNT_INFO, sim)
    assert res['account']['username'] == 'jon.doe@example.org' and res['changed'] is False


def test_account_info_404_is_one_line(sim):
    sim.fault(api='pingasset', method='GET', path='^/1.0/customers', status=404, body={'detail': 'Not found.'})
    res = run(pm.ACCOUNT_INFO, sim)
    assert res['msg'] == 'GET /1.0/customers/accounts/me/: HTTP 404 Not Found: Not found.' and res['status'] == 404


# -- pingasset_application and pingasset_application_info -------------------------------------------------

def test_application_lifecycle(sim):
    app = dict(name='Nightly exporter', authorization_grant_type='client-credentials')
    res = run(pm.APPLICATION, sim, check_mode=True, diff=True, **app)
    assert res['changed'] and res['actions'] == ['create'] and 'client_secret' not in res and writes(sim) == []
    assert res['diff']['before'] == {}

    res = run(pm.APPLICATION, sim, **app)
    secret = res['client_secret']
    assert res['changed'] and len(secret) == 128
    assert 'client_secret' not in res['application'] and res['application']['client_id']
    assert writes(sim) == [('POST', '/1.0/applications/')]
    assert secret not in json.dumps(res['_warnings'])

    # The secret works: the new application can obtain a token.
    acct = run(pm.ACCOUNT_INFO, sim, client_id=res['application']['client_id'], client_secret=secret)
    assert acct['account']['id'] == 1

    fresh(sim)
    again = run(pm.APPLICATION, sim, **app)
    assert not again['changed'] and 'client_secret' not in again and writes(sim) == []
    assert secret not in json.dumps(again)

    info = run(pm.APPLICATION_INFO, sim)
    dumped = json.dumps(info)
    assert secret not in dumped and VENDOR_APP_SECRET not in dumped and 'client_secret' not in dumped
    assert sorted(a['name'] for a in info['applications']) == ['Backup event retriever', 'Nightly exporter']

    upd = {'name': 'Nightly exporter', 'authorization_grant_type': 'authorization-code',
           'redirect_uris': ['https://a.example.org/cb', 'https://b.example.org/cb']}
    res = run(pm.APPLICATION, sim, check_mode=True, diff=True, **upd)
    assert res['changed'] and res['actions'][0].startswith('update ') and writes(sim) == []
    assert res['diff']['after']['redirect_uris'] == upd['redirect_uris']
    res = run(pm.APPLICATION, sim, **upd)
    assert res['application']['redirect_uris'] == 'https://a.example.org/cb,https://b.example.org/cb'
    assert 'client_secret' not in res and secret not in json.dumps(res)
    fresh(sim)
    assert not run(pm.APPLICATION, sim, **upd)['changed'] and writes(sim) == []

    res = run(pm.APPLICATION, sim, check_mode=True, name=app['name'], state='absent')
    assert res['changed'] and res['actions'][0].startswith('delete ') and writes(sim) == []
    res = run(pm.APPLICATION, sim, name=app['name'], state='absent')
    assert res['changed'] and res['application'] is None
    fresh(sim)
    assert not run(pm.APPLICATION, sim, name=app['name'], state='absent')['changed'] and writes(sim) == []


def test_application_info_by_name(sim):
    res = run(pm.APPLICATION_INFO, sim, name=['Backup event retriever', 'missing'])
    assert res['count'] == 1 and 'client_secret' not in res['applications'][0]


def test_application_duplicates_fail(sim):
    sim_app = sim.sim.apps['pingasset']
    dup = dict(sim_app.applications[1], id=2, client_id='dup')
    sim_app.applications[2] = dup
    res = run(pm.APPLICATION, sim, name='Backup event retriever', authorization_grant_type='authorization-code')
    assert res['failed'] and '2 applications are named' in res['msg']
    assert VENDOR_APP_SECRET not in res['msg']


@pytest.mark.parametrize('args, message', [
    (dict(name='X'), 'state is present but all of the following are missing: authorization_grant_type'),
    (dict(name='X', authorization_grant_type='password'), 'value of authorization_grant_type must be one of'),
    (dict(name=' ', authorization_grant_type='implicit'), 'name: must not be empty'),
    (dict(name='X', authorization_grant_type='authorization-code', redirect_uris=['not a uri']),
     "redirect_uris: 'not a uri' is not an absolute URI"),
])
def test_application_bad_input_sends_nothing(sim, args, message):
    res = run(pm.APPLICATION, sim, **args)
    assert res['failed'] and message in res['msg'], res['msg']
    assert api_log(sim) == []


def test_application_validation_error_is_one_line(sim):
    sim.fault(api='pingasset', method='POST', path='^/1.0/applications/$', status=400,
              body={'redirect_uris': ['Enter a valid URL.'], 'non_field_errors': ['Too many applications.']})
    res = run(pm.APPLICATION, sim, name='New', authorization_grant_type='implicit')
    assert res['msg'] == ('POST /1.0/applications/: HTTP 400 Bad Request: redirect_uris: Enter a valid URL.; '
                          'non_field_errors: Too many applications.')


class TaggedStr(str):
    """Like the str subclasses Ansible hands over for templated values."""


class TaggedInt(int):
    pass


@pytest.mark.parametrize('a, b, expected', [
    ({'a': TaggedStr('x'), 'n': TaggedInt(3)}, {'a': 'x', 'n': 3}, True),
    ({'a': [1, 2.0]}, {'a': [1, 2]}, True),
    ({'a': True}, {'a': 1}, False),
    ({'a': None}, {'a': ''}, False),
    ({'a': 1}, {'a': 1, 'b': 2}, False),
    ('1', 1, False),
])
def test_same(a, b, expected):
    assert pm.same(a, b) is expected
