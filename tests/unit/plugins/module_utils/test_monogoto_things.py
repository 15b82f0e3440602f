# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Monogoto modules' logic with a real MonogotoClient against the simulator (fakes only where noted)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

import pytest
import requests

from ansible_collections.fleetops.ping.plugins.module_utils.transport import HttpClient
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import MonogotoClient
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import (
    THING_IMEI,
    THING_INFO,
    THING_PING,
    THING_STATE,
    check_imei_params,
    check_info_params,
    check_ping_params,
    check_state_params,
    list_all_things,
    parse_ms,
    parse_samples,
    run_thing_imei,
    run_thing_info,
    run_thing_ping,
    run_thing_state,
    summarize,
)
from ansible_collections.fleetops.ping.plugins.module_utils.reading import MONOGOTO_THING, make as make_reading
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure, execute
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_iccid, check_imei, check_ip
from ansible_collections.fleetops.ping.tests.simulator.control import fresh_control
from ansible_collections.fleetops.ping.tests.simulator.core import start
from ansible_collections.fleetops.ping.tests.simulator.monogoto import (
    CUSTOMER_ID,
    PASSWORD,
    USERNAME,
    VENDOR_ICCID,
    make_iccid,
)

TID = 'ThingId_ICCID_' + VENDOR_ICCID
THING_PATH = '/thing/' + TID
OTHER_IMEI = '490154203237518'
THIRD_IMEI = '356938035643809'
DISCONNECTED = make_iccid(3)  # every third generated Thing has no data session


# -- helpers ------------------------------------------------------------------------

class RecordingSession(requests.Session):
    """A real session that also remembers what was sent (headers and JSON bodies are not in the sim log)."""

    def __init__(self):
        super(RecordingSession, self).__init__()
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append({'method': method, 'url': url, 'headers': dict(kwargs.get('headers') or {}),
                          'json': kwargs.get('json')})
        return super(RecordingSession, self).request(method, url, **kwargs)


def params(sim, defn, **values):
    result = dict((name, spec.get('default')) for name, spec in defn.argument_spec.items())
    result.update(api_url=sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5.0)
    result.update(values)
    return result


def client_for(sim, recording=False, **kwargs):
    kwargs.setdefault('username', USERNAME)
    kwargs.setdefault('password', PASSWORD)
    http = HttpClient(sim.url + '/monogoto', timeout=5, session=RecordingSession() if recording else None,
                      sleep=lambda seconds: None)
    return MonogotoClient(http.base_url, http=http, **kwargs)


def things(sim):
    return sim.state('monogoto')['things']


def thing(sim, iccid=VENDOR_ICCID):
    return things(sim)['ThingId_ICCID_' + iccid]


def calls(sim):
    return [(e['method'], e['path']) for e in sim.log() if e['api'] == 'monogoto']


def writes(sim):
    return [(e['method'], e['path'], e['status']) for e in sim.log() if e['write']]


def assert_no_secret(sim, result):
    text = json.dumps(result)
    leaked = [s for s in sim.sim.apps['monogoto'].secrets() if s and s in text]
    assert not leaked


def one_line(msg):
    return '\n' not in msg and '\r' not in msg


@pytest.fixture(scope='module')
def _big_simulator():
    server, simulator, url = start(port=0, things=120)
    yield simulator, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def big(_big_simulator, tmp_path, monkeypatch):
    """A simulator with 120 Things: more than two pages of /things and of /thing/status."""
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'big-cache'))
    return fresh_control(*_big_simulator)


class FakeClient:
    """Stands in for MonogotoClient where the simulator cannot produce the shape under test."""

    def __init__(self, thing_data=None, statuses=None):
        self.thing = thing_data
        self.statuses = statuses or {}
        self.updates = []
        self.http = HttpClient('http://127.0.0.1:9')
        self.auth = self

    def token(self):
        return 'fake'

    def get_thing(self, iccid):
        return dict(self.thing)

    def update_thing(self, body):
        self.updates.append(body)
        return 'Thing undefined successfully saved.'

    def thing_status(self, iccids):
        return dict((k, v) for k, v in self.statuses.items() if k[len('ThingId_ICCID_'):] in iccids)


# -- validators ---------------------------------------------------------------------


@pytest.mark.parametrize('value', ['8912372646888991', '8944500100000000012', '8' * 22, ' 8912372646888991 '])
def test_iccid_accepted(value):
    assert check_iccid(value) == value.strip()


@pytest.mark.parametrize('value, words', [
    ('8' * 15, 'must be 16 to 22 digits long, found 15'),
    ('8' * 23, 'must be 16 to 22 digits long, found 23'),
    ('89123726468889AB', 'digits only'),
    ('8912-3726-4688-8991', 'digits only'),
    ('', 'digits only'),
    (None, 'digits only'),
    (u'\uff18\uff19' * 8, 'digits only'),  # full-width digits pass str.isdigit()
])
def test_iccid_rejected(value, words):
    with pytest.raises(ModuleFailure) as err:
        check_iccid(value, option='iccids')
    assert err.value.msg.startswith('iccids: ')
    assert words in err.value.msg


def test_imei_luhn_check_digit_is_named():
    assert check_imei(OTHER_IMEI) == OTHER_IMEI
    with pytest.raises(ModuleFailure) as err:
        check_imei('490154203237519')
    assert err.value.msg == ("imei: '490154203237519' is not a valid IMEI: its check digit should be 8 (Luhn), "
                             "found 9")


@pytest.mark.parametrize('value, words', [
    ('4901542032375180', 'has 16 digits, which is an IMEISV'),
    ('49015420323751', 'must be 15 digits long, found 14'),
    ('49015420323751X', 'digits only'),
    ('', 'digits only'),
])
def test_imei_rejected(value, words):
    with pytest.raises(ModuleFailure) as err:
        check_imei(value)
    assert err.value.msg.startswith('imei: ')
    assert words in err.value.msg


def test_simulated_identifiers_are_valid():
    for tid, data in things_of_fresh_app().items():
        assert check_iccid(data['ExternalUniqueId']) == tid[len('ThingId_ICCID_'):]
        assert check_imei(data['IMEI']) == data['IMEI']


def things_of_fresh_app():
    from ansible_collections.fleetops.ping.tests.simulator.monogoto import MonogotoApp
    return MonogotoApp(things=20).dump()['things']


@pytest.mark.parametrize('value, expected', [('10.140.90.211', '10.140.90.211'), (' ::1 ', '::1'),
                                             ('2001:DB8::1', '2001:db8::1')])
def test_ip_accepted(value, expected):
    assert check_ip(value) == expected


@pytest.mark.parametrize('value', ['10.140.90.256', '10.140.90', 'thing.example', '', '10.0.0.1/24'])
def test_ip_rejected(value):
    with pytest.raises(ModuleFailure) as err:
        check_ip(value)
    assert err.value.msg == 'ip: %r is not a valid IPv4 or IPv6 address' % value


def test_param_checks_normalise_and_reject():
    p = {'iccid': ' 8912372646888991', 'imei': OTHER_IMEI, 'lock': True}
    check_imei_params(p)
    assert p['iccid'] == VENDOR_ICCID
    p = {'iccid': VENDOR_ICCID, 'imei': '', 'lock': False}
    check_imei_params(p)
    assert p['imei'] == ''
    with pytest.raises(ModuleFailure, match='^imei: an empty IMEI clears the master IMEI, which conflicts with lock=true'):
        check_imei_params({'iccid': VENDOR_ICCID, 'imei': '', 'lock': True})
    with pytest.raises(ModuleFailure, match='^iccid: '):
        check_state_params({'iccid': '123', 'state': 'ACTIVE'})
    with pytest.raises(ModuleFailure, match=r"^ip: '10\.1\.2' is not a valid"):
        check_ping_params({'iccid': VENDOR_ICCID, 'ip': '10.1.2'})
    p = {'iccid': VENDOR_ICCID, 'ip': None}
    check_ping_params(p)
    assert p['ip'] is None
    with pytest.raises(ModuleFailure, match='^iccids: each ICCID may appear once; repeated: 8912372646888991$'):
        check_info_params({'iccids': [VENDOR_ICCID, make_iccid(1), ' 8912372646888991'], 'concurrency': 4})
    for bad in (0, 33):
        with pytest.raises(ModuleFailure, match='^concurrency: must be between 1 and 32, found %d$' % bad):
            check_info_params({'iccids': None, 'concurrency': bad})


@pytest.mark.parametrize('defn, values, words', [
    (THING_IMEI, {'iccid': '891237264688899', 'lock': True}, 'iccid: '),
    (THING_IMEI, {'iccid': VENDOR_ICCID, 'imei': '490154203237519', 'lock': True}, 'should be 8 (Luhn)'),
    (THING_IMEI, {'iccid': VENDOR_ICCID, 'imei': '', 'lock': True}, 'conflicts with lock=true'),
    (THING_STATE, {'iccid': 'x' * 16, 'state': 'ACTIVE'}, 'digits only'),
    (THING_PING, {'iccid': VENDOR_ICCID, 'ip': '300.1.1.1'}, 'not a valid IPv4 or IPv6 address'),
    (THING_INFO, {'iccids': [VENDOR_ICCID, VENDOR_ICCID]}, 'repeated: 8912372646888991'),
])
def test_bad_input_fails_before_any_request(sim, defn, values, words):
    result = execute(defn, params(sim, defn, **values))
    assert result['failed'] is True and result['changed'] is False
    assert words in result['msg'] and one_line(result['msg'])
    assert sim.log() == []


# -- monogoto_thing_imei ------------------------------------------------------------


def test_imei_check_mode_reports_the_change_and_writes_nothing(sim):
    before = thing(sim)
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['before'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': before['IMEI']}
    assert result['thing']['MasterIMEI'] == before['IMEI'] and result['thing']['LockMasterImei'] is True
    assert calls(sim) == [('POST', '/Auth'), ('GET', THING_PATH)]
    assert writes(sim) == []
    assert thing(sim) == before


def test_imei_change_sends_one_put_with_the_cas_read(sim):
    before = thing(sim)
    client = client_for(sim, recording=True)
    result = run_thing_imei(params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True), client, diff=True)
    puts = [r for r in client.http.session.sent if r['method'] == 'PUT']
    assert len(puts) == 1
    assert puts[0]['url'] == sim.url + '/monogoto/thing/update/'
    assert puts[0]['json'] == {'cas': before['cas'], 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}
    assert writes(sim) == [('PUT', '/thing/update/', 200)]
    after = thing(sim)
    assert (after['LockMasterImei'], after['MasterIMEI']) == (True, OTHER_IMEI)
    assert after['cas'] != before['cas']
    assert result['changed'] is True
    assert result['thing'] == after  # read again after the write
    assert result['diff']['before'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}


def test_imei_unchanged_costs_one_get_and_no_write(sim, monkeypatch):
    reported = thing(sim)['IMEI']
    assert execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True))['changed'] is True
    sim.clear_log()
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=reported, lock=True), diff=True)
    assert result['changed'] is False
    assert result['diff']['before'] == result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': reported}
    assert calls(sim) == [('GET', THING_PATH)]  # the cached token is reused
    # Without a cached token: exactly one GET besides the login.
    monkeypatch.setenv('FLEETOPS_PING_TOKEN_CACHE', '0')
    sim.clear_log()
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True))
    assert result['changed'] is False
    assert calls(sim) == [('POST', '/Auth'), ('GET', THING_PATH)]


def test_imei_without_diff_returns_no_diff(sim):
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=False))
    assert result.pop('api_calls') == {'requests': 2, 'throttled': 0, 'waited_s': 0.0}  # login and one GET
    assert result == {'changed': False, 'thing': result['thing'], 'reading': {'source': 'api'}}


def test_lock_without_imei_locks_to_the_reported_imei(sim):
    reported = thing(sim)['IMEI']
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True))
    assert result['changed'] is True
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, reported)


def test_lock_without_imei_keeps_an_existing_master_imei(sim):
    assert execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=False))['changed']
    assert thing(sim)['IMEI'] != OTHER_IMEI
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True), diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)


def test_unlock_without_imei_keeps_the_master_imei(sim):
    execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True))
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=False))
    assert result['changed'] is True
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (False, OTHER_IMEI)


def test_empty_imei_clears_the_master_imei(sim):
    execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True))
    sim.clear_log()
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei='', lock=False), diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (False, '')
    assert writes(sim) == [('PUT', '/thing/update/', 200)]
    sim.clear_log()
    assert execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei='', lock=False))['changed'] is False
    assert writes(sim) == []


@pytest.mark.parametrize('status', [409, 412])
def test_cas_conflict_once_is_read_again_and_retried(sim, status):
    warnings = []
    sim.fault(api='monogoto', method='PUT', path='^/thing/update', status=status, times=1,
              body={'Message': 'The Thing was modified by another request'})
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True),
                     warn=warnings.append)
    assert result['changed'] is True and 'failed' not in result
    assert writes(sim) == [('PUT', '/thing/update/', status), ('PUT', '/thing/update/', 200)]
    assert calls(sim).count(('GET', THING_PATH)) == 3  # read, read again after the conflict, read after the write
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)
    assert len(warnings) == 1
    assert 'HTTP %d' % status in warnings[0] and 'retrying once' in warnings[0]


def test_put_applied_behind_a_gateway_error_still_counts_as_the_change(sim):
    """The first PUT is carried out but answered 502; the resend meets our own write as a CAS conflict."""
    warnings = []
    sim.fault(api='monogoto', method='PUT', path='^/thing/update', status=502, times=1, apply=True)
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True),
                     warn=warnings.append)
    assert result['changed'] is True and 'failed' not in result
    assert writes(sim) == [('PUT', '/thing/update/', 502), ('PUT', '/thing/update/', 409)]
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)
    assert any('HTTP 502' in w for w in warnings)
    assert any('after it was resent' in w for w in warnings)


def _race(client, writer):
    """Make ``client``'s first update lose a real race: ``writer`` writes just before it."""
    original = client.update_thing
    raced = []

    def update(body):
        if not raced:
            raced.append(True)
            writer()
        return original(body)

    client.update_thing = update


def test_cas_conflict_where_the_other_writer_did_the_same_makes_no_second_put(sim):
    client = client_for(sim)
    other = client_for(sim)

    def same_change():
        current = other.get_thing(VENDOR_ICCID)
        other.update_thing({'cas': current['cas'], 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI})

    _race(client, same_change)
    result = run_thing_imei(params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True), client)
    assert result['changed'] is False
    # The other writer's PUT, then ours refused by the real cas check; no second PUT of ours.
    assert writes(sim) == [('PUT', '/thing/update/', 200), ('PUT', '/thing/update/', 409)]
    assert (result['thing']['LockMasterImei'], result['thing']['MasterIMEI']) == (True, OTHER_IMEI)
    assert len(client.http.warnings) == 1


def test_cas_conflict_with_a_different_change_is_retried_on_the_new_thing(sim):
    client = client_for(sim)
    other = client_for(sim)

    def other_change():
        current = other.get_thing(VENDOR_ICCID)
        other.update_thing({'cas': current['cas'], 'ThingId': TID, 'LockMasterImei': False, 'MasterIMEI': THIRD_IMEI})

    _race(client, other_change)
    # lock=true without imei: the master IMEI the other writer set is kept, not the reported one.
    result = run_thing_imei(params(sim, THING_IMEI, iccid=VENDOR_ICCID, lock=True), client)
    assert result['changed'] is True
    assert writes(sim) == [('PUT', '/thing/update/', 200), ('PUT', '/thing/update/', 409),
                           ('PUT', '/thing/update/', 200)]
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, THIRD_IMEI)


def test_two_cas_conflicts_fail_clearly(sim):
    before = thing(sim)
    sim.fault(api='monogoto', method='PUT', path='^/thing/update', status=409, times=2,
              body={'Message': 'The Thing was modified by another request (cas mismatch)'})
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True))
    assert result['failed'] is True and result['changed'] is False
    assert result['status'] == 409
    assert result['msg'] == (
        'ICCID 8912372646888991: the Thing changed again while it was being updated (CAS conflict twice); last '
        'answer: PUT /thing/update/: HTTP 409 Conflict: The Thing was modified by another request (cas mismatch)')
    assert [w[2] for w in writes(sim)] == [409, 409]
    assert thing(sim) == before


def test_other_write_errors_are_not_treated_as_conflicts(sim):
    sim.fault(api='monogoto', method='PUT', path='^/thing/update', status=400, times=1,
              body={'Message': 'Invalid input data: MasterIMEI'})
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True))
    assert result['failed'] is True and result['status'] == 400
    assert result['msg'] == 'PUT /thing/update/: HTTP 400 Bad Request: Invalid input data: MasterIMEI'
    assert len(writes(sim)) == 1
    assert_no_secret(sim, result)


def test_unknown_iccid_fails_naming_it(sim):
    result = execute(THING_IMEI, params(sim, THING_IMEI, iccid='8944500100000009999', lock=True))
    assert result['failed'] is True and result['status'] == 404
    assert result['msg'] == ('ICCID 8944500100000009999: no such Thing (GET /thing/ThingId_ICCID_8944500100000009999: '
                             'HTTP 404 Not Found: Thing ThingId_ICCID_8944500100000009999 not found)')


def test_thing_without_cas_fails_naming_the_keys_found():
    fake = FakeClient({'ThingId': TID, 'IMEI': OTHER_IMEI, 'MasterIMEI': '', 'LockMasterImei': False})
    with pytest.raises(ModuleFailure) as err:
        run_thing_imei({'iccid': VENDOR_ICCID, 'imei': None, 'lock': True}, fake)
    assert err.value.msg == ('ICCID 8912372646888991: the Thing carries no "cas" value, which an update must send '
                             'back; found keys: IMEI, LockMasterImei, MasterIMEI, ThingId')
    assert fake.updates == []


def test_cas_and_fields_are_read_whatever_their_case():
    fake = FakeClient({'thingid': TID, 'imei': OTHER_IMEI, 'masterimei': '', 'lockmasterimei': 'False', 'CAS': 77})
    result = run_thing_imei({'iccid': VENDOR_ICCID, 'imei': None, 'lock': True}, fake)
    assert result['changed'] is True
    assert fake.updates == [{'cas': 77, 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}]


def test_string_booleans_compare_as_booleans():
    fake = FakeClient({'IMEI': OTHER_IMEI, 'MasterIMEI': OTHER_IMEI, 'LockMasterImei': 'true', 'cas': '1'})
    result = run_thing_imei({'iccid': VENDOR_ICCID, 'imei': OTHER_IMEI, 'lock': True}, fake)
    assert result['changed'] is False and fake.updates == []


def test_lock_to_the_reported_imei_fails_when_none_is_reported():
    fake = FakeClient({'IMEI': '', 'MasterIMEI': '', 'LockMasterImei': False, 'cas': '1'})
    with pytest.raises(ModuleFailure, match='the Thing reports none'):
        run_thing_imei({'iccid': VENDOR_ICCID, 'imei': None, 'lock': True}, fake)
    assert fake.updates == []


# -- monogoto_thing_state -------------------------------------------------------------


def test_state_is_idempotent_both_ways(sim):
    p = params(sim, THING_STATE, iccid=VENDOR_ICCID, state='SUSPENDED')
    result = execute(THING_STATE, p, diff=True)
    assert result.pop('api_calls')['requests'] == 3  # login, GET and PUT the state
    assert result == {'changed': True, 'previous_state': 'ACTIVE', 'state': 'SUSPENDED', 'thing_id': TID,
                      'api_message': 'Thing state updated successfully.', 'reading': {'source': 'api'},
                      'diff': {'before': {'state': 'ACTIVE'}, 'after': {'state': 'SUSPENDED'},
                               'before_header': TID, 'after_header': TID}}
    assert thing(sim)['State'] == 'SUSPENDED'
    assert writes(sim) == [('PUT', '/thing/%s/state/' % TID, 200)]
    for wanted, previous in (('SUSPENDED', 'SUSPENDED'), ('ACTIVE', 'SUSPENDED'), ('ACTIVE', 'ACTIVE')):
        sim.clear_log()
        result = execute(THING_STATE, params(sim, THING_STATE, iccid=VENDOR_ICCID, state=wanted))
        assert result['changed'] is (wanted != previous)
        assert (result['previous_state'], result['state']) == (previous, wanted)
        assert thing(sim)['State'] == wanted
        assert len(writes(sim)) == (1 if wanted != previous else 0)
        assert calls(sim)[0] == ('GET', '/thing/%s/state/' % TID)


def test_state_check_mode_writes_nothing(sim):
    result = execute(THING_STATE, params(sim, THING_STATE, iccid=VENDOR_ICCID, state='SUSPENDED'), check_mode=True)
    assert result['changed'] is True
    assert (result['previous_state'], result['state']) == ('ACTIVE', 'SUSPENDED')
    assert 'api_message' not in result
    assert writes(sim) == [] and thing(sim)['State'] == 'ACTIVE'


def test_retired_refusal_is_one_line_with_status_and_api_message(sim):
    sim.sim.apps['monogoto'].things[TID]['State'] = 'RETIRED'
    result = execute(THING_STATE, params(sim, THING_STATE, iccid=VENDOR_ICCID, state='ACTIVE'))
    assert result['failed'] is True and result['status'] == 400
    assert result['msg'] == ('PUT /thing/%s/state/: HTTP 400 Bad Request: A RETIRED thing cannot change state' % TID)
    assert one_line(result['msg'])
    assert thing(sim)['State'] == 'RETIRED'
    assert_no_secret(sim, result)


def test_state_read_as_plain_text(sim):
    sim.fault(api='monogoto', method='GET', path='/state/?$', status=200, body='SUSPENDED', times=1)
    client = client_for(sim)
    result = run_thing_state({'iccid': VENDOR_ICCID, 'state': 'SUSPENDED'}, client)
    assert result['changed'] is False and result['state'] == 'SUSPENDED'


def test_state_unreadable_answer_names_what_was_found(sim):
    sim.fault(api='monogoto', method='GET', path='/state/?$', kind='malformed', body='<html>oops</html>', times=1)
    result = execute(THING_STATE, params(sim, THING_STATE, iccid=VENDOR_ICCID, state='ACTIVE'))
    assert result['failed'] is True
    assert result['msg'] == 'GET /thing/%s/state/: expected the state, found: <html>oops</html>' % TID
    assert writes(sim) == []


# -- monogoto_thing_info ----------------------------------------------------------------


def test_info_with_a_list_keeps_the_order_and_merges_the_status(sim):
    iccids = [DISCONNECTED, VENDOR_ICCID, make_iccid(1)]
    result = execute(THING_INFO, params(sim, THING_INFO, iccids=iccids))
    assert result['changed'] is False
    assert [t['iccid'] for t in result['things']] == iccids
    assert [t['ConnectionStatus'] for t in result['things']] == ['DISCONNECTED', 'CONNECTED', 'CONNECTED']
    stored = things(sim)
    for item in result['things']:
        data = stored['ThingId_ICCID_' + item['iccid']]
        assert item['IMEI'] == data['IMEI'] and item['cas'] == data['cas']
        assert item['ProvisionStatus'] == 'ACTIVE' and item['ActiveSessions'] == []
    log = sim.log()
    status_calls = [e for e in log if e['path'] == '/thing/status']
    assert len(status_calls) == 1
    assert status_calls[0]['query']['ThingIds'].split(',') == ['ThingId_ICCID_' + i for i in iccids]
    assert sorted(e['path'] for e in log if e['path'].startswith('/thing/ThingId')) == \
        sorted('/thing/ThingId_ICCID_' + i for i in iccids)
    assert len([e for e in log if e['path'] == '/Auth']) == 1
    assert writes(sim) == []


def test_info_status_never_overrides_thing_fields():
    fake = FakeClient({'ThingId': TID, 'ExternalUniqueId': VENDOR_ICCID, 'ThingName': 'from the thing'},
                      {TID: {'ThingId': TID, 'ThingName': 'from the status', 'ConnectionStatus': 'CONNECTED'}})
    result = run_thing_info({'iccids': [VENDOR_ICCID], 'include_status': True, 'concurrency': 1}, fake)
    assert result['things'] == [{'ThingId': TID, 'ExternalUniqueId': VENDOR_ICCID, 'ThingName': 'from the thing',
                                 'ConnectionStatus': 'CONNECTED', 'iccid': VENDOR_ICCID}]


def test_info_without_status_makes_no_status_call(sim):
    result = execute(THING_INFO, params(sim, THING_INFO, iccids=[VENDOR_ICCID], include_status=False))
    assert 'ConnectionStatus' not in result['things'][0]
    assert result['things'][0]['iccid'] == VENDOR_ICCID
    assert [e for e in sim.log() if e['path'] == '/thing/status'] == []


def test_info_unknown_iccid_fails(sim):
    result = execute(THING_INFO, params(sim, THING_INFO, iccids=[VENDOR_ICCID, '8944500100000009999']))
    assert result['failed'] is True and result['status'] == 404
    assert result['msg'].startswith('ICCID 8944500100000009999: no such Thing (GET /thing/ThingId_ICCID_')


def test_info_lists_every_thing_page_by_page(big):
    result = execute(THING_INFO, params(big, THING_INFO))
    stored = things(big)
    assert len(stored) == 120
    assert [t['ThingId'] for t in result['things']] == list(stored)
    assert [t['iccid'] for t in result['things']] == [v['ExternalUniqueId'] for v in stored.values()]
    log = big.log()
    pages = [e['query'] for e in log if e['path'] == '/things']
    # the first page alone, then (it was full) four pages at once, ahead of knowing the total
    assert pages[0] == {'limit': '50', 'offset': '0'}
    assert sorted(pages, key=lambda q: int(q['offset'])) == [
        {'limit': '50', 'offset': str(offset)} for offset in (0, 50, 100, 150, 200)]
    status_pages = [len(e['query']['ThingIds'].split(',')) for e in log if e['path'] == '/thing/status']
    assert sorted(status_pages) == [20, 50, 50]
    assert all('ConnectionStatus' in t for t in result['things'])
    assert len([t for t in result['things'] if t['ConnectionStatus'] == 'DISCONNECTED']) == 39
    assert writes(big) == []


def test_info_listing_with_concurrency_one_reads_pages_in_order_and_stops_at_the_short_page(big):
    result = execute(THING_INFO, params(big, THING_INFO, concurrency=1, include_status=False))
    assert len(result['things']) == 120
    pages = [e['query']['offset'] for e in big.log() if e['path'] == '/things']
    assert pages == ['0', '50', '100']


def test_listing_read_ahead_returns_the_same_things_as_sequential(big):
    client = client_for(big)
    sequential = list_all_things(client, page_size=50, workers=1)
    ahead = list_all_things(client, page_size=50, workers=8)
    assert [t['ThingId'] for t in ahead] == [t['ThingId'] for t in sequential]
    assert len(ahead) == 120


def test_listing_a_small_account_costs_one_request_whatever_the_concurrency(sim):
    listed = list_all_things(client_for(sim), page_size=50, workers=8)
    assert len(listed) == 20
    assert [e['query']['offset'] for e in sim.log() if e['path'] == '/things'] == ['0']


def test_listing_stops_after_an_empty_page_when_the_total_is_a_multiple(sim):
    client = client_for(sim)
    listed = list_all_things(client, page_size=10)
    assert len(listed) == 20
    assert [e['query']['offset'] for e in sim.log() if e['path'] == '/things'] == ['0', '10', '20']


class PagingClient:
    """A listing API whose pages are computed by ``pager(limit, offset)``."""

    def __init__(self, pager):
        self.pager = pager
        self.offsets = []

    def list_things(self, limit, offset):
        self.offsets.append(offset)
        return self.pager(limit, offset)


def _things(numbers):
    return [{'ThingId': 'ThingId_ICCID_%019d' % n} for n in numbers]


def test_listing_fails_instead_of_looping_when_offset_is_ignored():
    client = PagingClient(lambda limit, offset: _things(range(limit)))
    with pytest.raises(ModuleFailure) as err:
        list_all_things(client, page_size=5)
    assert err.value.msg == ('GET /things: the page at offset 5 holds only Things already listed (does the API '
                             'ignore offset?); stopped after 5 Things')
    assert client.offsets == [0, 5]


def test_listing_does_not_repeat_a_thing_when_the_list_shifts():
    # A Thing added at the front while listing pushes the last of page one onto page two.
    pages = {0: _things(range(0, 5)), 5: _things(range(4, 8))}
    client = PagingClient(lambda limit, offset: pages[offset])
    listed = list_all_things(client, page_size=5)
    assert [t['ThingId'] for t in listed] == ['ThingId_ICCID_%019d' % n for n in range(8)]


def test_listing_accepts_a_wrapped_list_and_names_an_unknown_shape(sim):
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, times=1,
              body={'Things': [{'ThingId': TID, 'ExternalUniqueId': VENDOR_ICCID}]})
    result = execute(THING_INFO, params(sim, THING_INFO, include_status=False))
    assert [t['iccid'] for t in result['things']] == [VENDOR_ICCID]
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, times=1, body={'total': 3, 'items': []})
    result = execute(THING_INFO, params(sim, THING_INFO))
    assert result['failed'] is True
    assert result['msg'] == 'GET /things: expected a list of Things, found an object with keys: items, total'


def test_info_concurrency_does_not_change_the_result(big):
    stored = list(things(big).values())
    iccids = [t['ExternalUniqueId'] for t in stored[40:52]][::-1]
    by_list = [execute(THING_INFO, params(big, THING_INFO, iccids=iccids, concurrency=n)) for n in (1, 4)]
    # The first run also logged in: one request more.
    assert [r.pop('api_calls')['requests'] for r in by_list] == [14, 13]
    assert by_list[0] == by_list[1]
    assert [t['iccid'] for t in by_list[0]['things']] == iccids
    # Listing: three status pages read one after another or side by side.
    big.clear_log()
    listed = [execute(THING_INFO, params(big, THING_INFO, concurrency=n)) for n in (1, 4)]
    assert sum(r.pop('api_calls')['requests'] for r in listed) == len(big.log())
    assert listed[0] == listed[1] and len(listed[0]['things']) == 120
    assert len([e for e in big.log() if e['path'] == '/thing/status']) == 6


def test_info_concurrency_overlaps_requests(sim):
    iccids = [make_iccid(i) for i in range(1, 9)]
    sim.latency(0.1)
    timings = {}
    for workers in (1, 4):
        started = time.time()
        result = execute(THING_INFO, params(sim, THING_INFO, iccids=iccids, include_status=False, concurrency=workers))
        timings[workers] = time.time() - started
        assert [t['iccid'] for t in result['things']] == iccids
    sim.latency(0)
    # 8 reads of 0.1 s each: one after another >= 0.8 s; four at a time about 0.2 s.
    assert timings[1] >= 0.8
    assert timings[4] < timings[1] * 0.6


# -- monogoto_thing_ping ----------------------------------------------------------------


@pytest.mark.parametrize('value, expected', [
    ('82ms', 82.0), (' 82 ms ', 82.0), ('1.5s', 1500.0), ('250us', 0.25), ('0.4ms', 0.4), ('82', 82.0),
    (82, 82.0), (12.5, 12.5), ('', None), (None, None), ('n/a', None), ('82 minutes', None),
])
def test_parse_ms(value, expected):
    assert parse_ms(value) == expected


def test_ping_a_connected_thing_at_its_own_ip(sim):
    result = execute(THING_PING, params(sim, THING_PING, iccid=VENDOR_ICCID))
    assert result['changed'] is False and 'failed' not in result
    assert result['ip'] == '10.140.90.211'
    samples = result['samples']
    assert len(samples) == 3
    times = []
    for number, sample in enumerate(samples, 1):
        raw = sample['raw']
        assert raw['time'].endswith('ms')
        assert sample['time_ms'] == float(raw['time'][:-2])
        assert (sample['host'], sample['size'], sample['sent'], sample['received']) == ('10.140.90.211', 56, number, number)
        assert sample['ttl'] == int(raw['ttl']) and sample['packet_loss'] == 0
        times.append(sample['time_ms'])
    assert result['summary'] == {'sent': 3, 'received': 3, 'loss_percent': 0.0, 'rtt_min_ms': min(times),
                                 'rtt_avg_ms': round(sum(times) / 3, 3), 'rtt_max_ms': max(times)}
    assert calls(sim) == [('POST', '/Auth'), ('GET', THING_PATH), ('POST', THING_PATH + '/ping')]
    assert writes(sim) == []


def test_ping_a_disconnected_thing_loses_everything(sim):
    warnings = []
    result = execute(THING_PING, params(sim, THING_PING, iccid=DISCONNECTED), warn=warnings.append)
    assert result['summary'] == {'sent': 3, 'received': 0, 'loss_percent': 100.0,
                                 'rtt_min_ms': None, 'rtt_avg_ms': None, 'rtt_max_ms': None}
    assert [s['time_ms'] for s in result['samples']] == [None, None, None]
    assert [s['ttl'] for s in result['samples']] == [None, None, None]
    assert warnings == []


def test_ping_check_mode_sends_nothing(sim):
    result = execute(THING_PING, params(sim, THING_PING, iccid=VENDOR_ICCID), check_mode=True)
    assert result['changed'] is False and result['skipped_ping'] is True
    assert result['samples'] == [] and result['summary'] == {}
    assert sim.log() == []


def test_ping_a_given_ip_with_the_apikey_of_the_login(sim):
    client = client_for(sim, recording=True)
    result = run_thing_ping({'iccid': VENDOR_ICCID, 'ip': '10.9.8.7'}, client)
    assert result['ip'] == '10.9.8.7'
    assert [(r['method'], r['url'][len(sim.url):]) for r in client.http.session.sent] == [
        ('POST', '/monogoto/Auth'), ('POST', '/monogoto/thing/%s/ping' % TID)]
    ping = client.http.session.sent[1]
    assert ping['json'] == {'IPAddress': '10.9.8.7'}
    assert ping['headers']['apikey'] == CUSTOMER_ID
    assert ping['headers']['Authorization'].startswith('Bearer ')


def test_ping_keeps_its_apikey_header_after_a_renewed_login(sim):
    client = client_for(sim, recording=True)
    client.auth.token()
    sim.expire_tokens()
    result = run_thing_ping({'iccid': VENDOR_ICCID, 'ip': '10.140.90.211'}, client)
    assert result['summary']['received'] == 3
    pings = [r for r in client.http.session.sent if r['url'].endswith('/ping')]
    assert len(pings) == 2  # refused with the expired token, then sent again after one login
    assert [p['headers'].get('apikey') for p in pings] == [CUSTOMER_ID, CUSTOMER_ID]
    assert pings[0]['headers']['Authorization'] != pings[1]['headers']['Authorization']


def test_ping_with_a_given_token_takes_the_apikey_from_the_thing(sim, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_TOKEN_CACHE', '0')
    token = client_for(sim).auth.token()
    client = client_for(sim, recording=True, token=token, username=None, password=None)
    run_thing_ping({'iccid': VENDOR_ICCID, 'ip': None}, client)
    assert client.http.session.sent[-1]['headers']['apikey'] == CUSTOMER_ID
    # With an explicit ip there is no Thing to take it from: a clear failure before the ping.
    client = client_for(sim, token=token, username=None, password=None)
    sim.clear_log()
    with pytest.raises(ModuleFailure, match='^customer_id is needed for the apikey header'):
        run_thing_ping({'iccid': VENDOR_ICCID, 'ip': '10.1.1.1'}, client)
    assert sim.log() == []


def test_ping_samples_that_cannot_be_read():
    warnings = []
    samples = parse_samples([{'host': 'h', 'time': 'fast', 'sent': '1', 'received': '1', 'packetLoss': '0%'},
                             {'host': 'h', 'time': '2s', 'sent': '2', 'received': '2'}], warnings.append)
    assert [s['time_ms'] for s in samples] == [None, 2000.0]
    assert samples[0]['packet_loss'] == 0
    assert warnings == ["ping sample time 'fast' could not be read as a duration; it is left out of the RTT summary"]
    assert summarize(samples)['rtt_avg_ms'] == 2000.0
    with pytest.raises(ModuleFailure, match='^the ping answer is not a list of samples; found: '):
        parse_samples({'Message': 'busy'}, warnings.append)
    with pytest.raises(ModuleFailure, match='^a ping sample is not an object'):
        parse_samples(['82ms'], warnings.append)


def test_summary_without_counters_counts_samples():
    samples = [{'time_ms': 10.0, 'sent': None, 'received': None}, {'time_ms': None, 'sent': None, 'received': None}]
    assert summarize(samples) == {'sent': 2, 'received': 1, 'loss_percent': 50.0, 'rtt_min_ms': 10.0,
                                  'rtt_avg_ms': 10.0, 'rtt_max_ms': 10.0}
    assert summarize([])['loss_percent'] is None


def test_ping_thing_without_an_ip_fails_clearly():
    fake = FakeClient({'ThingId': TID, 'IPs': []})
    with pytest.raises(ModuleFailure) as err:
        run_thing_ping({'iccid': VENDOR_ICCID, 'ip': None}, fake)
    assert err.value.msg == ('ICCID 8912372646888991: the Thing reports no IP address (no IPs[].IP nor IPv4); '
                             'give ip explicitly')


# -- comparing against the inventory reading ------------------------------------------------


def with_reading(sim, defn, reading_thing=None, read_at=None, api_url=None, **values):
    """Module params carrying an inventory reading of the vendor Thing, as the action plugin hands it over."""
    p = params(sim, defn, **values)
    p['inventory_reading'] = make_reading(
        MONOGOTO_THING, thing(sim) if reading_thing is None else reading_thing,
        time.time() - 5 if read_at is None else read_at, sim.url + '/monogoto/' if api_url is None else api_url)
    return p


def test_imei_unchanged_against_the_reading_sends_nothing(sim):
    execute(THING_IMEI, params(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True))
    sim.clear_log()
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True),
                     diff=True)
    assert result['changed'] is False
    assert calls(sim) == []
    assert result['reading']['source'] == 'inventory' and 4 <= result['reading']['age_s'] <= 60
    assert result['thing'] == thing(sim)
    assert result['diff']['before'] == result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}


def test_imei_check_mode_against_the_reading_sends_nothing(sim):
    before = thing(sim)
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True),
                     check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}
    assert calls(sim) == []
    assert thing(sim) == before


def test_imei_change_against_the_reading_is_one_put_with_its_cas_and_no_get(sim):
    before = thing(sim)
    client = client_for(sim, recording=True)
    result = run_thing_imei(with_reading(sim, THING_IMEI, iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True), client,
                            diff=True)
    assert result['changed'] is True and result['reading']['source'] == 'inventory'
    assert calls(sim) == [('POST', '/Auth'), ('PUT', '/thing/update/')]
    puts = [r['json'] for r in client.http.session.sent if r['method'] == 'PUT']
    assert puts == [{'cas': before['cas'], 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}]
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)
    assert (result['thing']['LockMasterImei'], result['thing']['MasterIMEI']) == (True, OTHER_IMEI)
    assert result['diff']['before'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert client.http.warnings == []


def test_imei_stale_reading_costs_one_get_and_one_retry_never_a_lost_update(sim):
    reading = thing(sim)
    # Someone else changes the Thing after the inventory read it: the reading's cas is out of date.
    other = client_for(sim)
    other.update_thing({'cas': reading['cas'], 'ThingId': TID, 'LockMasterImei': False, 'MasterIMEI': THIRD_IMEI})
    sim.clear_log()
    warnings = []
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, reading_thing=reading, iccid=VENDOR_ICCID,
                                              imei=OTHER_IMEI, lock=True),
                     warn=warnings.append, diff=True)
    assert result['changed'] is True and 'failed' not in result
    assert calls(sim) == [('PUT', '/thing/update/'), ('GET', THING_PATH), ('PUT', '/thing/update/')]  # token cached
    assert writes(sim) == [('PUT', '/thing/update/', 409), ('PUT', '/thing/update/', 200)]
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)
    # The diff starts from what the re-read showed, not from the stale reading.
    assert result['diff']['before'] == {'LockMasterImei': False, 'MasterIMEI': THIRD_IMEI}
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI}
    assert len(warnings) == 1 and 'inventory reading' in warnings[0] and 'HTTP 409' in warnings[0]


def test_imei_stale_reading_of_a_change_already_made_ends_unchanged(sim):
    reading = thing(sim)
    other = client_for(sim)
    other.update_thing({'cas': reading['cas'], 'ThingId': TID, 'LockMasterImei': True, 'MasterIMEI': OTHER_IMEI})
    sim.clear_log()
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, reading_thing=reading, iccid=VENDOR_ICCID,
                                              imei=OTHER_IMEI, lock=True))
    assert result['changed'] is False and 'failed' not in result
    assert writes(sim) == [('PUT', '/thing/update/', 409)]
    assert (thing(sim)['LockMasterImei'], thing(sim)['MasterIMEI']) == (True, OTHER_IMEI)


def test_imei_lock_to_the_reported_imei_reads_the_thing_before_writing(sim):
    """The reading's reported IMEI may be an old device's: the lock goes to the IMEI the SIM reports now."""
    reading = dict(thing(sim))
    reading['IMEI'] = THIRD_IMEI
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, reading_thing=reading, iccid=VENDOR_ICCID, lock=True))
    assert result['changed'] is True and result['reading'] == {'source': 'api'}
    assert calls(sim)[-3:] == [('GET', THING_PATH), ('PUT', '/thing/update/'), ('GET', THING_PATH)]
    assert thing(sim)['MasterIMEI'] == thing(sim)['IMEI'] != THIRD_IMEI


@pytest.mark.parametrize('change, reason', [
    ({'age': 301}, 'older than reading_max_age'),
    ({'age': -60}, 'read in the future'),
    ({'api_url': 'http://127.0.0.1:9/monogoto'}, 'another API URL'),
    ({'reading_max_age': 0}, 'reading_max_age=0'),
    ({'reading_thing': {'ThingId': 'ThingId_ICCID_8944500100000000012', 'cas': '1', 'LockMasterImei': True,
                        'MasterIMEI': OTHER_IMEI, 'ExternalUniqueId': '8944500100000000012'}}, 'another Thing'),
    ({'reading_thing': {'ThingId': TID, 'ExternalUniqueId': VENDOR_ICCID, 'LockMasterImei': True,
                        'MasterIMEI': OTHER_IMEI}}, 'no cas'),
    ({'read_at': 'yesterday'}, 'no time'),
])
def test_imei_reading_is_ignored_unless_it_fits(sim, change, reason):
    values = dict(iccid=VENDOR_ICCID, imei=OTHER_IMEI, lock=True)
    values.update(change)
    if 'age' in values:  # relative to now, not to when the tests were collected
        values['read_at'] = time.time() - values.pop('age')
    p = with_reading(sim, THING_IMEI, **values)
    result = execute(THING_IMEI, p)
    assert result['reading'] == {'source': 'api'}, reason
    assert calls(sim) == [('POST', '/Auth'), ('GET', THING_PATH), ('PUT', '/thing/update/'), ('GET', THING_PATH)]


def test_reading_max_age_is_taken_from_the_environment_and_must_not_be_negative(sim, monkeypatch):
    assert THING_IMEI.argument_spec['reading_max_age']['fallback'][1] == ['FLEETOPS_PING_READING_MAX_AGE']
    result = execute(THING_STATE, with_reading(sim, THING_STATE, iccid=VENDOR_ICCID, state='ACTIVE', reading_max_age=-1))
    assert result['failed'] is True
    assert result['msg'] == 'reading_max_age: must be 0 (never use an inventory reading) or a number of seconds, found -1'
    assert calls(sim) == []


def test_state_against_the_reading(sim):
    result = execute(THING_STATE, with_reading(sim, THING_STATE, iccid=VENDOR_ICCID, state='ACTIVE'), diff=True)
    assert result['changed'] is False and calls(sim) == []
    assert result['reading']['source'] == 'inventory'
    result = execute(THING_STATE, with_reading(sim, THING_STATE, iccid=VENDOR_ICCID, state='SUSPENDED'),
                     check_mode=True, diff=True)
    assert result['changed'] is True and calls(sim) == []
    assert result['diff'] == {'before': {'state': 'ACTIVE'}, 'after': {'state': 'SUSPENDED'},
                              'before_header': TID, 'after_header': TID}
    result = execute(THING_STATE, with_reading(sim, THING_STATE, iccid=VENDOR_ICCID, state='SUSPENDED'))
    assert result['changed'] is True and result['api_message'] == 'Thing state updated successfully.'
    assert calls(sim) == [('POST', '/Auth'), ('PUT', '/thing/%s/state/' % TID)]
    assert thing(sim)['State'] == 'SUSPENDED'


def test_state_reading_without_a_state_is_ignored(sim):
    reading = dict(thing(sim))
    del reading['State']
    result = execute(THING_STATE, with_reading(sim, THING_STATE, reading_thing=reading, iccid=VENDOR_ICCID,
                                               state='ACTIVE'))
    assert result['changed'] is False and result['reading'] == {'source': 'api'}
    assert calls(sim) == [('POST', '/Auth'), ('GET', '/thing/%s/state/' % TID)]


def test_imei_reading_without_a_reported_imei_is_checked_against_the_api(sim):
    reading = dict(thing(sim))
    reading['IMEI'] = ''
    result = execute(THING_IMEI, with_reading(sim, THING_IMEI, reading_thing=reading, iccid=VENDOR_ICCID, lock=True),
                     check_mode=True)
    assert result['changed'] is True and result['reading'] == {'source': 'api'}
    assert result['thing']['MasterIMEI'] == thing(sim)['IMEI']
    assert calls(sim) == [('POST', '/Auth'), ('GET', THING_PATH)]
