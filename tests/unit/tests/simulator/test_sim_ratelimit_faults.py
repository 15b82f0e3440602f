# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The simulator's rate-limit mode and intermittent faults (the tools the rate-limit tests stand on)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.error import HTTPError

import pytest
import requests

from ansible_collections.fleetops.ping.tests.simulator.__main__ import build_parser, shortcut_faults
from ansible_collections.fleetops.ping.tests.simulator.core import RateLimit
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY

THING = '/monogoto/thing/ThingId_ICCID_' + VENDOR_ICCID


def login(sim):
    resp = requests.post(sim.url + '/monogoto/Auth', json={'UserName': USERNAME, 'Password': PASSWORD}, timeout=5)
    assert resp.status_code == 200
    return resp.json()['token']


def get_thing(sim, token, session=None):
    return (session or requests).get(sim.url + THING, headers={'Authorization': 'Bearer ' + token}, timeout=5)


def test_bucket_allows_rps_and_refills_at_rps():
    limit = RateLimit(10)
    assert [limit.take('a', now=100.0) for _i in range(10)] == [0.0] * 10
    wait = limit.take('a', now=100.0)
    assert wait == pytest.approx(0.1)
    assert limit.take('b', now=100.0) == 0.0, 'another credential has its own bucket'
    assert limit.take('a', now=100.05) > 0, 'half a token is not a request'
    assert limit.take('a', now=100.1) == 0.0
    assert limit.take('a', now=100.1) > 0
    # Over a long run the bucket lets through rps a second, whatever the callers try.
    allowed = sum(1 for step in range(2000) if limit.take('a', now=101.0 + step * 0.005) == 0.0)
    assert 100 <= allowed <= 111  # 10 s at 10/s, plus at most one burst
    assert limit.describe()['accepted'] == 10 + 1 + 1 + allowed  # the burst, 'b', the refilled one


@pytest.mark.parametrize('kwargs', [{'rps': 0}, {'rps': -1}, {'rps': 5, 'burst': 0.5}, {'rps': 5, 'per': 'user'}])
def test_bad_rate_limit_is_refused(sim, kwargs):
    with pytest.raises(HTTPError) as err:
        sim.ratelimit(**kwargs)
    assert err.value.code == 400
    assert sim.ratelimit_status() is None


def test_rate_limit_answers_429_with_retry_after_per_token(sim):
    token = login(sim)
    status = sim.ratelimit(5, retry_after=2)
    assert status['rps'] == 5 and status['api'] is None and status['retry_after'] == 2
    sim.clear_log()
    with requests.Session() as session:
        answers = [get_thing(sim, token, session) for _i in range(8)]
    codes = [r.status_code for r in answers]
    assert codes[:5] == [200] * 5 and 429 in codes[5:]
    throttled = [r for r in answers if r.status_code == 429]
    for resp in throttled:
        assert resp.headers['Retry-After'] == '2'
        assert 'Too many requests' in resp.json()['Message']
    log = sim.log()
    assert [e['status'] for e in log] == codes
    assert [e['fault'] for e in log if e['status'] == 429] == ['ratelimit'] * len(throttled)
    assert sim.ratelimit_status()['throttled'] == len(throttled)
    # Another token (another credential) has its own bucket; a login is counted against the login identity.
    other = login(sim)
    assert get_thing(sim, other).status_code == 200
    sim.clear_ratelimit()
    assert sim.ratelimit_status() is None
    assert all(get_thing(sim, token).status_code == 200 for _i in range(8))


def test_rate_limit_on_one_api_and_in_each_apis_style(sim):
    sim.ratelimit(1, api='pingpl')
    form = {'token': PINGPL_KEY}
    first = requests.post(sim.url + '/pingpl/1.0/get-account-info', data=form, timeout=5)
    second = requests.post(sim.url + '/pingpl/1.0/get-account-info', data=form, timeout=5)
    assert first.status_code == 200 and second.status_code == 429
    assert second.headers['Retry-After'] == '1'
    assert second.json()['header']['status'] == 'ERROR' and 'Too many requests' in second.json()['header']['message']
    token = login(sim)
    assert all(get_thing(sim, token).status_code == 200 for _i in range(5)), 'monogoto is not limited'

    sim.ratelimit(1, api='pingasset', retry_after=1)
    body = {'client_id': 'nobody', 'client_secret': 'wrong', 'grant_type': 'client_credentials'}
    codes = [requests.post(sim.url + '/pingasset/auth/token/', json=body, timeout=5) for _i in range(2)]
    assert [r.status_code for r in codes] == [401, 429], 'a login is limited by its client_id'
    assert codes[1].json()['detail'].startswith('Request was throttled.')


def test_reset_removes_the_rate_limit_and_the_faults(sim):
    sim.ratelimit(1)
    sim.intermittent(every=2, status=503)
    sim.reset()
    assert sim.ratelimit_status() is None
    token = login(sim)
    assert all(get_thing(sim, token).status_code == 200 for _i in range(4))


def test_every_nth_matching_request_fails(sim):
    token = login(sim)
    sim.intermittent(every=3, api='monogoto', method='GET', status=503, retry_after=1)
    sim.clear_log()
    codes = [get_thing(sim, token).status_code for _i in range(9)]
    assert codes == [200, 200, 503] * 3
    assert [e['fault'] for e in sim.log()] == [None, None, 'status'] * 3
    # A request the rule does not match is not counted.
    assert requests.get(sim.url + '/monogoto/things', headers={'Authorization': 'Bearer ' + token},
                        params={'limit': 1}, timeout=5).status_code == 200


def test_probability_is_seeded_and_repeatable(sim):
    token = login(sim)
    runs = []
    for _run in range(2):
        sim.clear_faults()
        sim.intermittent(probability=0.3, seed=42, api='monogoto', method='GET', status=503)
        runs.append([get_thing(sim, token).status_code for _i in range(40)])
    assert runs[0] == runs[1]
    assert 3 <= runs[0].count(503) <= 25
    assert set(runs[0]) == set([200, 503])


def test_reset_every_nth_drops_the_connection_without_carrying_it_out(sim):
    token = login(sim)
    sim.intermittent(every=2, api='monogoto', method='PUT', kind='reset')
    thing = get_thing(sim, token).json()
    headers = {'Authorization': 'Bearer ' + token}
    body = {'ThingId': thing['ThingId'], 'cas': thing['cas'], 'LockMasterImei': True, 'MasterIMEI': thing['IMEI']}
    sim.clear_log()
    assert requests.put(sim.url + '/monogoto/thing/update/', json=dict(body, LockMasterImei=False), headers=headers,
                        timeout=5).status_code == 200
    body['cas'] = get_thing(sim, token).json()['cas']
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.put(sim.url + '/monogoto/thing/update/', json=body, headers=headers, timeout=5)
    assert get_thing(sim, token).json()['LockMasterImei'] is False, 'the dropped write was not carried out'
    puts = [e for e in sim.log() if e['method'] == 'PUT']
    assert [(e['status'], e['fault'], e['applied'], e['object']) for e in puts] == [
        (200, None, True, thing['ThingId']), (None, 'reset', False, thing['ThingId'])]
    assert [e['object'] for e in sim.applied_writes('monogoto')] == [thing['ThingId']]


def test_throttled_writes_are_not_applied(sim):
    token = login(sim)
    thing = get_thing(sim, token).json()
    sim.ratelimit(1, api='monogoto')
    sim.clear_log()
    headers = {'Authorization': 'Bearer ' + token}
    body = {'ThingId': thing['ThingId'], 'cas': thing['cas'], 'LockMasterImei': True, 'MasterIMEI': thing['IMEI']}
    answers = [requests.put(sim.url + '/monogoto/thing/update/', json=body, headers=headers, timeout=5) for _i in range(2)]
    assert [r.status_code for r in answers] == [200, 429]
    assert len(sim.writes('monogoto')) == 2 and len(sim.applied_writes('monogoto')) == 1


@pytest.mark.parametrize('bad', [{'every': 0}, {'probability': 1.5}])
def test_bad_intermittent_rule_is_refused(sim, bad):
    with pytest.raises(HTTPError) as err:
        sim.intermittent(status=503, **bad)
    assert err.value.code == 400


def test_command_line_shortcuts():
    args = build_parser().parse_args(['--rate-limit', '10', '--rate-limit-api', 'monogoto', '--retry-after', '2',
                                      '--fail-every', '23', '--reset-every', '40', '--fault-method', 'GET',
                                      '--fault', json.dumps({'status': 500, 'times': 1})])
    assert (args.rate_limit, args.rate_limit_api, args.retry_after) == (10, 'monogoto', 2)
    rules = shortcut_faults(args)
    assert [(r['kind'], r.get('status'), r['every'], r['times'], r['method']) for r in rules] == [
        ('status', 503, 23, -1, 'GET'), ('reset', None, 40, -1, 'GET')]
    assert 'retry_after' not in rules[0]
    assert shortcut_faults(build_parser().parse_args([])) == []


def test_a_pingpl_error_is_not_an_applied_write(sim):
    form = {'token': PINGPL_KEY, 'monitorId': '999999'}
    resp = requests.post(sim.url + '/pingpl/1.0/pause-monitor', data=form, timeout=5)
    assert resp.status_code == 200 and resp.json()['header']['status'] != 'OK'
    resp = requests.post(sim.url + '/pingpl/1.0/pause-monitor', data=dict(form, monitorId='3009'), timeout=5)
    assert resp.json()['header']['status'] == 'OK'
    entries = [e for e in sim.log() if e['path'].endswith('pause-monitor')]
    assert [(e['applied'], e['object']) for e in entries] == [(False, '999999'), (True, '3009')]
    assert all(PINGPL_KEY not in json.dumps(e) for e in sim.log()), 'the log holds no key sent in a form body'
