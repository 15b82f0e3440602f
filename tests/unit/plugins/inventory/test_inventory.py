# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugins against the simulator: paging, filters, host vars, groups, cache, templating, failures."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

import pytest

from ansible.errors import AnsibleParserError

from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY
from ansible_collections.fleetops.ping.tests.unit.plugins.inventory.inventory_helpers import parse


def monogoto_config(sim, **extra):
    config = {'api_url': sim.url + '/monogoto', 'username': USERNAME, 'password': PASSWORD, 'concurrency': 1}
    config.update(extra)
    return config


def pingasset_config(sim, **extra):
    config = {'api_url': sim.url + '/pingasset', 'client_id': DEMO_CLIENT_ID, 'client_secret': DEMO_CLIENT_SECRET}
    config.update(extra)
    return config


def pingpl_config(sim, **extra):
    config = {'api_url': sim.url + '/pingpl/1.0', 'token': PINGPL_KEY}
    config.update(extra)
    return config


def api_log(sim, api):
    return [e for e in sim.log() if e['api'] == api]


def secrets_of(sim):
    return [s for s in sim._call('GET', 'secrets') if len(s) >= 6]  # pylint: disable=protected-access


@pytest.fixture
def many_things(sim):
    """The simulator with 120 Things (three listing pages of 50), back to 20 afterwards."""
    app = sim.sim.apps['monogoto']
    app.count = 120
    app.reset()
    yield sim
    app.count = 20
    app.reset()


# -- Monogoto -------------------------------------------------------------------------------------------

def test_monogoto_pages_until_a_short_page_one_login_no_call_per_host(many_things, tmp_path, monkeypatch):
    sim = many_things
    run = parse(tmp_path, 'monogoto', monogoto_config(sim), monkeypatch=monkeypatch)
    assert len(run.hosts) == 120
    state = sim.state('monogoto')['things']
    assert run.hosts == sorted(t['ExternalUniqueId'] for t in state.values())
    log = api_log(sim, 'monogoto')
    assert [(e['method'], e['path']) for e in log] == [('POST', '/Auth')] + [('GET', '/things')] * 3
    assert [e['query'] for e in log[1:]] == [{'limit': '50', 'offset': str(o)} for o in (0, 50, 100)]


def test_monogoto_concurrent_pages_give_the_same_hosts(many_things, tmp_path, monkeypatch):
    sim = many_things
    sequential = parse(tmp_path, 'monogoto', monogoto_config(sim), monkeypatch=monkeypatch)
    sim.clear_log()
    concurrent = parse(tmp_path, 'monogoto', monogoto_config(sim, concurrency=8), monkeypatch=monkeypatch)
    assert concurrent.hosts == sequential.hosts
    pages = [e for e in api_log(sim, 'monogoto') if e['path'] == '/things']
    # The first page alone, then eight ahead: never a request per Thing.
    assert len(pages) == 9
    assert not [e for e in sim.log() if e['path'].startswith('/thing/ThingId')]


def test_monogoto_host_vars_follow_the_contract(sim, tmp_path, monkeypatch):
    before = time.time()
    run = parse(tmp_path, 'monogoto', monogoto_config(sim), monkeypatch=monkeypatch)
    after = time.time()
    thing = sim.state('monogoto')['things']['ThingId_ICCID_8944500100000000012']
    hv = run.hostvars('8944500100000000012')
    assert hv['monogoto_iccid'] == '8944500100000000012'
    assert hv['monogoto_imei'] == thing['IMEI']
    assert hv['monogoto_master_imei'] == ''
    assert hv['monogoto_lock_master_imei'] is False
    assert hv['monogoto_state'] == 'ACTIVE'
    assert hv['monogoto_ip'] == thing['IPs'][0]['IP']
    assert hv['monogoto_thing'] == thing  # as read, cas included
    assert hv['monogoto_cas'] == thing['cas']
    assert hv['monogoto_thing_name'] == thing['ThingName']
    assert hv['monogoto_things_group_id'] == thing['ThingsGroupId']
    assert before <= hv['monogoto_read_at'] <= after
    assert hv['monogoto_api_url'] == sim.url + '/monogoto'
    assert hv['ansible_connection'] == 'local'
    assert 'monogoto_connection_status' not in hv


def test_monogoto_status_is_batched_fifty_things_a_call(many_things, tmp_path, monkeypatch):
    sim = many_things
    run = parse(tmp_path, 'monogoto', monogoto_config(sim, include_status=True, concurrency=4), monkeypatch=monkeypatch)
    status_calls = [e for e in api_log(sim, 'monogoto') if e['path'] == '/thing/status']
    assert len(status_calls) == 3
    assert sorted(len(e['query']['ThingIds'].split(',')) for e in status_calls) == [20, 50, 50]
    app = sim.sim.apps['monogoto']
    for name in run.hosts:
        raw = app.things['ThingId_ICCID_' + name]
        expected = 'CONNECTED' if raw['_connected'] and raw['State'] == 'ACTIVE' else 'DISCONNECTED'
        assert run.hostvars(name)['monogoto_connection_status'] == expected
    hv = run.hostvars(run.hosts[0])
    assert hv['monogoto_session']['ThingId'] == 'ThingId_ICCID_' + run.hosts[0]
    assert hv['monogoto_provision_status'] == 'ACTIVE'


def test_compose_groups_and_keyed_groups(sim, tmp_path, monkeypatch):
    config = monogoto_config(
        sim, include_status=True,
        compose={'ansible_connection': "'ssh'", 'sim_state': "'SUSPENDED' if monogoto_iccid.endswith('46') else 'ACTIVE'"},
        groups={'connected': "monogoto_connection_status == 'CONNECTED'", 'trackers': "monogoto_thing_description is search('Tracker')"},
        keyed_groups=[{'key': 'monogoto_state | lower', 'prefix': 'state'}])
    run = parse(tmp_path, 'monogoto', config, monkeypatch=monkeypatch)
    assert run.hostvars('8944500100000000046')['sim_state'] == 'SUSPENDED'
    assert run.hostvars('8944500100000000012')['sim_state'] == 'ACTIVE'
    assert run.hostvars('8944500100000000012')['ansible_connection'] == 'ssh'  # compose overrides the default
    assert len(run.group('trackers')) == 19  # all but the operator's own Thing
    assert '8912372646888991' not in run.group('trackers')
    assert run.group('state_active') == run.hosts
    app = sim.sim.apps['monogoto']
    assert run.group('connected') == sorted(t['ExternalUniqueId'] for t in app.things.values() if t['_connected'])


def test_templated_options_with_extra_vars_and_lookups(sim, tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_TEST_MONOGOTO_USER', USERNAME)
    config = {'api_url': '{{ sim_url }}/monogoto', 'username': "{{ lookup('env', 'FLEETOPS_TEST_MONOGOTO_USER') }}",
              'password': '{{ vault_monogoto_password }}', 'concurrency': '{{ workers }}', 'include_status': '{{ status }}'}
    run = parse(tmp_path, 'monogoto', config, monkeypatch=monkeypatch,
                extra_vars={'sim_url': sim.url, 'vault_monogoto_password': PASSWORD, 'workers': 2, 'status': True})
    assert len(run.hosts) == 20
    assert 'monogoto_connection_status' in run.hostvars(run.hosts[0])
    assert [e['tag'] for e in api_log(sim, 'monogoto')].count('login') == 1


def test_vault_encrypted_password(sim, tmp_path, monkeypatch):
    from ansible.parsing.vault import VaultLib, VaultSecret  # pylint: disable=import-outside-toplevel
    vault = VaultLib([('default', VaultSecret(b'vault-pass-1234'))])
    encrypted = vault.encrypt(PASSWORD).decode('utf-8')
    config = 'api_url: %s/monogoto\nusername: %s\npassword: !vault |\n%s\n' % (
        sim.url, USERNAME, '\n'.join('  ' + line for line in encrypted.splitlines()))
    run = parse(tmp_path, 'monogoto', config, monkeypatch=monkeypatch, vault_password='vault-pass-1234')
    assert len(run.hosts) == 20
    login = [e for e in api_log(sim, 'monogoto') if e['tag'] == 'login']
    assert len(login) == 1 and login[0]['status'] == 200


def test_credentials_from_the_environment(sim, tmp_path, monkeypatch):
    monkeypatch.setenv('MONOGOTO_API_URL', sim.url + '/monogoto')
    monkeypatch.setenv('MONOGOTO_USERNAME', USERNAME)
    monkeypatch.setenv('MONOGOTO_PASSWORD', PASSWORD)
    run = parse(tmp_path, 'monogoto', {}, monkeypatch=monkeypatch)
    assert len(run.hosts) == 20


# -- cache ----------------------------------------------------------------------------------------------

def cache_options(tmp_path):
    return {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile', 'cache_connection': str(tmp_path / 'inventory-cache'),
            'cache_timeout': 3600}


def test_cache_hit_makes_no_request_and_reapplies_groups(sim, tmp_path, monkeypatch):
    first = parse(tmp_path, 'monogoto', monogoto_config(sim, include_status=True, **cache_options(tmp_path)),
                  monkeypatch=monkeypatch)
    assert api_log(sim, 'monogoto')
    sim.clear_log()
    config = monogoto_config(sim, include_status=True, groups={'unlocked': 'not monogoto_lock_master_imei'},
                             **cache_options(tmp_path))
    second = parse(tmp_path, 'monogoto', config, monkeypatch=monkeypatch)
    assert sim.log() == []  # zero requests, not even a login
    assert second.hosts == first.hosts
    assert second.group('unlocked') == first.hosts  # groups are applied to the cached data on every run
    one = first.hosts[0]
    assert second.hostvars(one)['monogoto_read_at'] == first.hostvars(one)['monogoto_read_at']
    assert second.hostvars(one)['monogoto_thing'] == first.hostvars(one)['monogoto_thing']
    # The cache holds the raw API data, and no secret.
    files = [os.path.join(dp, f) for dp, _d, fs in os.walk(str(tmp_path / 'inventory-cache')) for f in fs]
    assert files
    text = ''.join(open(f).read() for f in files)
    assert sim.state('monogoto')['things']['ThingId_ICCID_' + one]['cas'] in text
    assert not [s for s in secrets_of(sim) if s in text]
    # A refresh (cache=False, as with --flush-cache or meta: refresh_inventory) reads the API again.
    parse(tmp_path, 'monogoto', config, monkeypatch=monkeypatch, cache=False)
    assert [e['path'] for e in api_log(sim, 'monogoto') if e['path'] == '/things']


def test_cache_key_holds_no_secret_and_follows_credentials_and_filters(sim, tmp_path, monkeypatch):
    run = parse(tmp_path, 'monogoto', monogoto_config(sim), monkeypatch=monkeypatch)
    params = run.plugin.templated_options()
    key = run.plugin.cache_key
    base = key(params)
    assert base == key(dict(params))
    assert base.startswith('fleetops_ping_monogoto_')
    assert PASSWORD not in base and USERNAME not in base
    for change in ({'password': 'another-password'}, {'token': 'eyJ-a-token'}, {'username': 'someone@else.example'},
                   {'api_url': 'https://console.monogoto.io'}, {'include_status': True}, {'customer_id': 'cid_other'}):
        assert key(dict(params, **change)) != base, change
    # What is not read from the API (groups, compose, hostnames, concurrency) does not change the key.
    for change in ({'groups': {'a': 'true'}}, {'compose': {'x': '1'}}, {'hostnames': ['monogoto_imei']}, {'concurrency': 8}):
        assert key(dict(params, **change)) == base, change
    # ping.pl: the key is a keyed digest, the filters count.
    run = parse(tmp_path, 'pingpl', pingpl_config(sim), monkeypatch=monkeypatch)
    params = run.plugin.templated_options()
    params['checked_filters'] = {}
    base = run.plugin.cache_key(params)
    assert PINGPL_KEY not in base
    assert run.plugin.cache_key(dict(params, checked_filters={'status': ['ACTIVE']})) != base
    assert run.plugin.cache_key(dict(params, token='another-key-0000')) != base


def test_cache_is_not_reused_with_other_credentials(sim, tmp_path, monkeypatch):
    options = cache_options(tmp_path)
    parse(tmp_path, 'pingpl', pingpl_config(sim, **options), monkeypatch=monkeypatch)
    sim.clear_log()
    # Same API and filters, another key: the cached answer of the right key must not be served.
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, 'pingpl', pingpl_config(sim, token='not-the-key-1234', **options), monkeypatch=monkeypatch)
    assert 'not-the-key-1234' not in str(caught.value)
    assert [e['path'] for e in api_log(sim, 'pingpl')] == ['/1.0/get-monitors']


# -- hostnames ------------------------------------------------------------------------------------------

def test_duplicate_hostnames_fail_naming_both(sim, tmp_path, monkeypatch):
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, 'pingpl', pingpl_config(sim, hostnames=['pingpl_name']), monkeypatch=monkeypatch)
    msg = str(caught.value)
    assert msg.startswith('fleetops.ping.pingpl: hostnames: ')
    assert '3305 (Kopia zapasowa)' in msg and '3306 (Kopia zapasowa)' in msg
    assert '\n' not in msg


def test_duplicate_hostnames_warn_keeps_the_first(sim, tmp_path, monkeypatch):
    run = parse(tmp_path, 'pingpl', pingpl_config(sim, hostnames=['pingpl_name'], duplicate_hostnames='warn'),
                monkeypatch=monkeypatch)
    assert run.hostvars('Kopia zapasowa')['pingpl_monitor_id'] == 3305
    assert len(run.hosts) == 9
    assert [w for w in run.warnings if '3306 (Kopia zapasowa)' in w and 'left out' in w]


def test_hostnames_preference_and_expressions(sim, tmp_path, monkeypatch):
    config = pingpl_config(sim, hostnames=["pingpl_note", "'monitor-' ~ pingpl_monitor_id"])
    run = parse(tmp_path, 'pingpl', config, monkeypatch=monkeypatch)
    assert 'mqtt.fleetops.example:8883' in run.hosts or 'mqtt.fleetops.example' in run.hosts  # note of 3304
    assert 'monitor-3009' in run.hosts  # empty note: the next preference


# -- PING asset -----------------------------------------------------------------------------------------

def test_pingasset_pages_concurrently_once_each(sim, tmp_path, monkeypatch):
    run = parse(tmp_path, 'pingasset', pingasset_config(sim, concurrency=4), monkeypatch=monkeypatch)
    app = sim.sim.apps['pingasset']
    assert run.hosts == sorted(d['imei'] for d in app.devices)
    pages = [e['query']['page'] for e in api_log(sim, 'pingasset') if e['path'] == '/1.0/devices/devices/']
    assert sorted(pages) == ['1', '2', '3', '4'] and pages[0] == '1'
    device = app.devices[3]
    hv = run.hostvars(device['imei'])
    for key in ('imei', 'mac', 'fault', 'customer_group_id', 'latitude', 'longitude'):
        assert hv['pingasset_' + key] == device[key]
    assert hv['pingasset_device'] == device
    assert hv['pingasset_api_url'] == sim.url + '/pingasset'


def test_pingasset_filters_are_sent_as_query_parameters(sim, tmp_path, monkeypatch):
    filters = {'fault': False, 'customer_group_id': '2', 'latitude': 40.758970, 'longitude': -73.984479,
               'radius__lte': 20000, 'ordering': ['-imei'], 'search': '35'}
    run = parse(tmp_path, 'pingasset', pingasset_config(sim, filters=filters), monkeypatch=monkeypatch)
    calls = [e for e in api_log(sim, 'pingasset') if e['path'] == '/1.0/devices/devices/']
    assert calls
    for call in calls:
        query = dict(call['query'])
        query.pop('page')
        assert query == {'fault': 'false', 'customer_group_id': '2', 'latitude': '40.75897', 'longitude': '-73.984479',
                         'radius__lte': '20000', 'ordering': '-imei', 'search': '35'}
    app = sim.sim.apps['pingasset']
    assert run.hosts  # some devices match, and exactly those the API chose
    assert all(not app_d['fault'] and app_d['customer_group_id'] == 2
               for app_d in app.devices if app_d['imei'] in run.hosts)
    assert len(run.hosts) < len(app.devices)


def test_pingasset_filter_of_the_wrong_type_fails_before_any_request(sim, tmp_path, monkeypatch):
    for filters, expected in (({'customer_group_id': 'two'}, 'filters.customer_group_id: expected an integer'),
                              ({'fault': 'maybe'}, 'filters.fault: expected a boolean'),
                              ({'radius__lte': 5}, 'radius__lte: needs latitude and longitude'),
                              ({'colour': 'red'}, 'unknown filter(s) colour'),
                              ({'ordering': ['-name']}, "ordering: '-name' is not an orderable field")):
        with pytest.raises(AnsibleParserError) as caught:
            parse(tmp_path, 'pingasset', pingasset_config(sim, filters=filters), monkeypatch=monkeypatch)
        assert str(caught.value).startswith('fleetops.ping.pingasset: configuration: ')
        assert expected in str(caught.value)
    assert sim.log() == []


# -- ping.pl --------------------------------------------------------------------------------------------

def test_pingpl_two_calls_local_filters_and_contacts_on_every_host(sim, tmp_path, monkeypatch):
    config = pingpl_config(sim, filters={'status': ['active', 'INACTIVE'], 'tags': ['prod', 'backup']})
    run = parse(tmp_path, 'pingpl', config, monkeypatch=monkeypatch)
    assert [e['path'] for e in api_log(sim, 'pingpl')] == ['/1.0/get-monitors', '/1.0/get-contacts']
    assert run.hosts == ['3301', '3304', '3305', '3306', '3307']
    hv = run.hostvars('3304')
    assert hv['pingpl_monitor_id'] == 3304
    assert hv['pingpl_tags'] == ['api', 'iot', 'prod']
    assert hv['pingpl_type'] == 'TCP_UDP' and hv['pingpl_status'] == 'ACTIVE'
    assert hv['pingpl_monitor']['note'] == 'mqtt.fleetops.example:8883'
    assert hv['pingpl_note'] == 'mqtt.fleetops.example:8883'
    contacts = sim.state('pingpl')['contacts']
    assert [c['id'] for c in hv['pingpl_contacts']] == [c['id'] for c in contacts]
    assert isinstance(hv['pingpl_contacts_read_at'], float)
    type_run = parse(tmp_path, 'pingpl', pingpl_config(sim, filters={'type': ['ping']}), monkeypatch=monkeypatch)
    assert type_run.hosts == ['3254', '3306']


def test_pingpl_filter_values_are_checked(sim, tmp_path, monkeypatch):
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, 'pingpl', pingpl_config(sim, filters={'status': ['RUNNING']}), monkeypatch=monkeypatch)
    assert 'filters.status: RUNNING not documented' in str(caught.value)
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, 'pingpl', pingpl_config(sim, filters={'tags': 5}), monkeypatch=monkeypatch)
    assert 'filters.tags: expected a list of strings' in str(caught.value)
    assert sim.log() == []


# -- failures -------------------------------------------------------------------------------------------

def failure(tmp_path, monkeypatch, plugin, config):
    with pytest.raises(AnsibleParserError) as caught:
        parse(tmp_path, plugin, config, monkeypatch=monkeypatch)
    msg = str(caught.value)
    assert '\n' not in msg and 'Traceback' not in msg
    return msg


def test_bad_credentials_fail_in_one_line_without_the_secret(sim, tmp_path, monkeypatch):
    msg = failure(tmp_path, monkeypatch, 'monogoto', monogoto_config(sim, password='wrong-password-123'))
    assert msg == 'fleetops.ping.monogoto: POST /Auth: HTTP 401 Unauthorized: Invalid user name or password'
    msg = failure(tmp_path, monkeypatch, 'pingasset', pingasset_config(sim, client_secret='wrong-secret-456'))
    assert msg.startswith('fleetops.ping.pingasset: POST /auth/token/: HTTP 40')
    assert 'wrong-secret-456' not in msg
    msg = failure(tmp_path, monkeypatch, 'pingpl', pingpl_config(sim, token='wrong-key-789'))
    assert msg.startswith('fleetops.ping.pingpl: POST get-monitors: HTTP ')
    assert 'wrong-key-789' not in msg


def test_missing_credentials_fail_before_any_request(sim, tmp_path, monkeypatch):
    msg = failure(tmp_path, monkeypatch, 'monogoto', {'api_url': sim.url + '/monogoto'})
    assert msg.startswith('fleetops.ping.monogoto: reading the Things: no Monogoto credentials: set token')
    assert sim.log() == []


def test_api_error_names_call_status_and_message(sim, tmp_path, monkeypatch):
    sim.fault(api='monogoto', method='GET', path='^/things$', status=500, body={'Message': 'database is down'})
    msg = failure(tmp_path, monkeypatch, 'monogoto', monogoto_config(sim))
    assert msg == 'fleetops.ping.monogoto: GET /things: HTTP 500 Internal Server Error: database is down'


def test_malformed_answer(sim, tmp_path, monkeypatch):
    sim.fault(api='pingasset', method='GET', path='devices', kind='malformed', body='<html>oops</html>', status=200)
    msg = failure(tmp_path, monkeypatch, 'pingasset', pingasset_config(sim))
    assert msg.startswith('fleetops.ping.pingasset: GET /1.0/devices/devices/: HTTP 200: expected a JSON body')


def test_unreachable_api(sim, tmp_path, monkeypatch):
    config = pingpl_config(sim, api_url='http://127.0.0.1:9/1.0', timeout=2, retry_time_budget=0)
    monkeypatch.setattr('time.sleep', lambda _s: None)
    msg = failure(tmp_path, monkeypatch, 'pingpl', config)
    assert msg.startswith('fleetops.ping.pingpl: POST /get-monitors: connection failed')
    assert PINGPL_KEY not in msg


def test_no_secret_in_any_host_var(sim, tmp_path, monkeypatch):
    dumped = ''
    for plugin, config in (('monogoto', monogoto_config(sim, include_status=True)), ('pingasset', pingasset_config(sim)),
                           ('pingpl', pingpl_config(sim))):
        run = parse(tmp_path, plugin, config, monkeypatch=monkeypatch)
        dumped += json.dumps(dict((h, run.hostvars(h)) for h in run.hosts), default=str)
    assert not [s for s in secrets_of(sim) if s in dumped]
