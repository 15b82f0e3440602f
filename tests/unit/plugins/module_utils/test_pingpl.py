# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ping.pl client against the simulator: form bodies, header errors, dates, retries, secrecy."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import (
    DEFAULT_API_URL,
    PingPlClient,
    as_int,
    check_date,
    describe_header,
    pingpl_argument_spec,
    to_iso,
    with_iso,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY


class RecordingSession(requests.Session):
    """A real session that also remembers what was sent (bodies are not in the sim log)."""

    def __init__(self):
        super(RecordingSession, self).__init__()
        self.sent = []

    def request(self, method, url, **kwargs):
        self.sent.append({'method': method, 'url': url, 'params': kwargs.get('params'),
                          'data': kwargs.get('data'), 'headers': dict(kwargs.get('headers') or {})})
        return super(RecordingSession, self).request(method, url, **kwargs)


def client_for(sim, token=PINGPL_KEY, recording=False, timeout=5, path='/pingpl/1.0'):
    http = HttpClient(sim.url + path, timeout=timeout, session=RecordingSession() if recording else None,
                      sleep=lambda seconds: None)
    return PingPlClient(http.base_url, token=token, http=http)


def pingpl_log(sim):
    return [e for e in sim.log() if e['api'] == 'pingpl']


def assert_no_token_in_urls(sim, client=None):
    for entry in pingpl_log(sim):
        assert 'token' not in entry['query'], entry
    if client is not None and isinstance(client.http.session, RecordingSession):
        for sent in client.http.session.sent:
            assert PINGPL_KEY not in sent['url']
            assert 'token' not in parse_qs(urlsplit(sent['url']).query)
            assert not sent['params']


# -- dates --------------------------------------------------------------------------

@pytest.mark.parametrize('value, expected', [
    ('2017-06-30 10:21:00', '2017-06-30T10:21:00+01:00'),
    ('2016-01-01 00:00:00', '2016-01-01T00:00:00+01:00'),
    (' 2017-03-23 06:43:51 ', '2017-03-23T06:43:51+01:00'),
    ('2018-01-01', '2018-01-01'),
    ('2017-02-30 10:00:00', None),
    ('2017-13-01', None),
    ('08:00:00', None),
    ('2017-06-30T10:21:00', None),
    ('', None),
    (None, None),
    (20170630, None),
])
def test_to_iso(value, expected):
    assert to_iso(value) == expected


def test_with_iso_adds_siblings_and_keeps_what_was_given():
    data = {
        'id': 47017,
        'startedAt': '2017-06-30 10:21:00',
        'planExpireAt': '2018-01-01',
        'timeMaskWeekdaysFrom': '08:00:00',
        'reason': 'KEYWORDS_MUST_EXIST',
        'tests': [{'date': '2017-06-30 10:22:01', 'location': 'Warszawa'}],
        'endedAt': None,
    }
    result = with_iso(data)
    assert result['startedAt'] == '2017-06-30 10:21:00'
    assert result['startedAt_iso'] == '2017-06-30T10:21:00+01:00'
    assert result['planExpireAt_iso'] == '2018-01-01'
    assert result['tests'][0]['date_iso'] == '2017-06-30T10:22:01+01:00'
    assert 'timeMaskWeekdaysFrom_iso' not in result
    assert 'reason_iso' not in result and 'endedAt_iso' not in result
    assert dict((k, v) for k, v in result.items() if k != 'tests' and not k.endswith('_iso')) == \
        dict((k, v) for k, v in data.items() if k != 'tests')
    assert 'startedAt_iso' not in data  # the input is not changed


def test_with_iso_never_overwrites_a_field_of_the_api():
    result = with_iso({'date': '2017-06-30 10:21:00', 'date_iso': 'given by the API'})
    assert result['date_iso'] == 'given by the API'
    assert with_iso([{'date': '2016-01-01 01:00:00'}, 3, 'x']) == [
        {'date': '2016-01-01 01:00:00', 'date_iso': '2016-01-01T01:00:00+01:00'}, 3, 'x']


@pytest.mark.parametrize('value', ['2024-13-01', '2024-02-30', '24-03-01', '2024/03/01', '01.03.2024', '', None])
def test_check_date_rejects(value):
    with pytest.raises(ModuleFailure) as info:
        check_date(value, 'date_from')
    assert info.value.msg.startswith('date_from: ')


def test_check_date_accepts_and_strips():
    assert check_date(' 2024-02-29 ', 'date_to') == '2024-02-29'


def test_as_int():
    assert as_int(3009) == 3009
    assert as_int('3009') == 3009
    assert as_int(True) is None
    assert as_int('30a') is None
    assert as_int(None) is None


# -- options -------------------------------------------------------------------------

def test_argument_spec_and_environment(monkeypatch):
    spec = pingpl_argument_spec(extra=dict(type='int'))
    assert spec['api_url']['default'] == DEFAULT_API_URL == 'https://api.ping.pl/1.0'
    assert spec['api_url']['fallback'][1] == ['PINGPL_API_URL']
    assert spec['token']['fallback'][1] == ['PINGPL_TOKEN']
    assert spec['token']['no_log'] is True
    assert spec['validate_certs'] == dict(type='bool', default=True)
    assert spec['timeout'] == dict(type='float', default=30.0)
    assert spec['extra'] == dict(type='int')
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
    monkeypatch.setenv('PINGPL_API_URL', 'https://pingpl.example/1.0')
    monkeypatch.setenv('PINGPL_TOKEN', 'from-the-environment')
    result = ArgumentSpecValidator(pingpl_argument_spec()).validate({})
    assert not result.error_messages
    assert result.validated_parameters['api_url'] == 'https://pingpl.example/1.0'
    assert result.validated_parameters['token'] == 'from-the-environment'
    assert 'from-the-environment' in result._no_log_values


@pytest.mark.parametrize('token', [None, ''])
def test_no_key_fails_before_any_request(sim, token):
    with pytest.raises(ModuleFailure) as info:
        PingPlClient(sim.url + '/pingpl/1.0', token=token)
    assert 'PINGPL_TOKEN' in info.value.msg
    assert pingpl_log(sim) == []


def test_from_params_and_bad_url():
    client = PingPlClient.from_params({'api_url': 'https://api.ping.pl/1.0/', 'token': 'abc123abc123',
                                       'timeout': 7.0, 'validate_certs': False})
    assert client.http.base_url == 'https://api.ping.pl/1.0'
    assert client.http.timeout == (7.0, 7.0)
    assert client.http.validate_certs is False
    with pytest.raises(ModuleFailure) as info:
        PingPlClient('api.ping.pl/1.0', token='abc123abc123')
    assert info.value.msg.startswith('api_url: ')


# -- requests ------------------------------------------------------------------------

def test_every_call_posts_a_form_with_the_key_in_the_body(sim):
    client = client_for(sim, recording=True)
    client.get_account_info()
    client.get_monitors()
    client.pause_monitor(3009)
    client.start_monitor(3009)
    client.get_data(3009, '2016-01-01', '2016-01-01')
    client.get_outage(47017)
    client.get_outages(3009, date_from='2017-03-11', limit=100)
    client.get_contacts()
    client.deactivate_contact(123)
    client.activate_contact(123)
    sent = client.http.session.sent
    assert [s['method'] for s in sent] == ['POST'] * 10
    assert [urlsplit(s['url']).path.rsplit('/', 1)[1] for s in sent] == [
        'get-account-info', 'get-monitors', 'pause-monitor', 'start-monitor', 'get-data', 'get-outage',
        'get-outages', 'get-contacts', 'deactivate-contact', 'activate-contact']
    for entry in sent:
        assert entry['data']['token'] == PINGPL_KEY
        assert entry['headers'].get('Accept') == 'application/json'
    assert sent[2]['data'] == {'token': PINGPL_KEY, 'monitorId': '3009'}
    assert sent[4]['data'] == {'token': PINGPL_KEY, 'monitorId': '3009', 'dateFrom': '2016-01-01',
                               'dateTo': '2016-01-01'}
    # Parameters that are not given are not sent at all.
    assert sent[6]['data'] == {'token': PINGPL_KEY, 'monitorId': '3009', 'dateFrom': '2017-03-11', 'limit': '100'}
    assert sent[8]['data'] == {'token': PINGPL_KEY, 'contactId': '123'}
    assert_no_token_in_urls(sim, client)
    log = pingpl_log(sim)
    assert len(log) == 10
    assert [e['write'] for e in log] == [False, False, True, True, False, False, False, False, True, True]


def test_answers_are_parsed(sim):
    client = client_for(sim)
    monitors = client.get_monitors()
    assert [m['id'] for m in monitors][:3] == [3009, 3118, 3254]
    assert monitors[1]['currentOutageId'] == 47017
    assert client.pause_monitor(3009) == {}
    data = client.get_data(3009, '2016-01-01', '2016-01-01')
    assert data[0] == {'date': '2016-01-01 00:00:00', 'uptime': 100, 'responseTime': 0.576122}
    assert len(data) == 24
    outage = client.get_outage(47017)
    assert outage['id'] == 47017 and len(outage['tests']) == 3
    assert [o['id'] for o in client.get_outages(3009)] == [43900, 43712, 43376]
    assert client.get_account_info()['planName'] == 'Plan Platynowy'


def test_error_header_in_a_200_answer_is_a_failure(sim):
    client = client_for(sim)
    with pytest.raises(ApiError) as info:
        client.get_outage(1)
    exc = info.value
    assert exc.status == 200
    assert str(exc) == ('POST get-outage: HTTP 200: the API answered with header status=ERROR, code=404, '
                        'message=Outage 1 does not exist')
    assert exc.path == '/get-outage'


def test_error_header_shows_every_field_except_a_token(sim):
    sim.fault(api='pingpl', path='get-monitors', status=200,
              body={'header': {'status': 'QUOTA', 'token': PINGPL_KEY, 'remaining': 0,
                               'details': {'reset': '2024-03-01 00:00:00'}, 'error': 'Limit zapytań'}})
    client = client_for(sim)
    with pytest.raises(ApiError) as info:
        client.get_monitors()
    msg = str(info.value)
    assert msg.startswith('POST get-monitors: HTTP 200: the API answered with header status=QUOTA, ')
    assert 'remaining=0' in msg and 'error=Limit zapytań' in msg and "'reset'" in msg
    assert PINGPL_KEY not in msg and 'token=' not in msg
    assert '\n' not in msg


def test_the_key_echoed_by_the_api_is_redacted(sim):
    sim.fault(api='pingpl', path='get-contacts', status=200,
              body={'header': {'status': 'ERROR', 'message': 'Klucz %s jest nieaktywny' % PINGPL_KEY}})
    client = client_for(sim)
    with pytest.raises(ApiError) as info:
        client.get_contacts()
    assert PINGPL_KEY not in str(info.value)
    assert '********' in str(info.value)


def test_a_header_without_status_is_a_failure(sim):
    sim.fault(api='pingpl', path='get-monitors', status=200, body={'header': {}, 'data': {'monitors': []}})
    with pytest.raises(ApiError) as info:
        client_for(sim).get_monitors()
    assert 'header (empty header)' in str(info.value)


def test_header_on_an_http_error_is_shown(sim):
    client = client_for(sim, path='/pingpl/2.0')
    with pytest.raises(ApiError) as info:
        client.get_monitors()
    assert info.value.status == 404
    assert str(info.value).startswith('POST get-monitors: HTTP 404: status=ERROR, ')


def test_bad_key_is_an_error_header(sim):
    with pytest.raises(ApiError) as info:
        client_for(sim, token='not-the-key').get_account_info()
    assert 'HTTP 200' in str(info.value) and 'message=Invalid token' in str(info.value)


@pytest.mark.parametrize('body, found', [
    ({'monitors': []}, 'an object with keys: monitors'),
    ([1, 2], 'list'),
    ({'header': 'OK'}, 'an object with keys: header'),
])
def test_answers_of_another_shape_fail(sim, body, found):
    sim.fault(api='pingpl', path='get-monitors', status=200, body=body)
    with pytest.raises(ApiError) as info:
        client_for(sim).get_monitors()
    assert str(info.value) == ('POST get-monitors: HTTP 200: expected a JSON object with a "header" object, found %s'
                               % found)


def test_data_of_another_shape_fails(sim):
    sim.fault(api='pingpl', path='get-monitors', status=200,
              body={'header': {'status': 'OK'}, 'data': {'monitors': {'3009': {}}}})
    with pytest.raises(ApiError) as info:
        client_for(sim).get_monitors()
    assert str(info.value) == 'POST get-monitors: expected data.monitors to be a list, found dict'
    sim.fault(api='pingpl', path='get-account-info', status=200, body={'header': {'status': 'OK'}, 'data': []})
    with pytest.raises(ApiError) as info:
        client_for(sim).get_account_info()
    assert 'expected "data" to be an object, found list' in str(info.value)


def test_a_missing_list_fails_naming_it(sim):
    """data.outages is documented as required: an answer without it is not an empty list."""
    sim.fault(api='pingpl', path='get-outages', status=200, body={'header': {'status': 'OK'}, 'data': {}})
    with pytest.raises(ApiError) as info:
        client_for(sim).get_outages(3009)
    assert str(info.value) == 'POST get-outages: the answer\'s data lacks the required list "outages"; found keys: (none)'


def test_a_body_that_is_not_json_fails(sim):
    sim.fault(api='pingpl', path='get-monitors', kind='malformed', status=200, body='<html>Przerwa</html>')
    with pytest.raises(ApiError) as info:
        client_for(sim).get_monitors()
    assert str(info.value) == 'POST get-monitors: HTTP 200: expected a JSON body {"header", "data"}, found: ' \
                              '<html>Przerwa</html>'


def test_http_500_is_not_retried(sim):
    sim.fault(api='pingpl', path='pause-monitor', status=500, body={'message': 'boom'})
    client = client_for(sim)
    with pytest.raises(ApiError) as info:
        client.pause_monitor(3009)
    assert info.value.status == 500
    assert 'HTTP 500' in str(info.value) and 'boom' in str(info.value)
    assert len(pingpl_log(sim)) == 1


@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_retryable_statuses_are_retried_for_every_method(sim, status):
    sim.fault(api='pingpl', path='pause-monitor', status=status, retry_after=1, times=2)
    client = client_for(sim)
    client.pause_monitor(3009)
    assert sim.state('pingpl')['monitors'][0]['status'] == 'INACTIVE'
    assert [e['status'] for e in pingpl_log(sim)] == [status, status, 200]
    assert client.http.warnings == []
    assert 'POST /pause-monitor: HTTP %d with Retry-After x2' % status in client.http.summary()


def test_a_read_timeout_is_retried(sim):
    sim.fault(api='pingpl', path='start-monitor', kind='timeout', delay=1, times=1)
    client = client_for(sim, timeout=0.3)
    client.start_monitor(3301)
    assert sim.state('pingpl')['monitors'][3]['status'] == 'ACTIVE'
    assert 'POST /start-monitor: read timed out after 0.3s x1' in client.http.summary()


def test_retries_are_spent(sim):
    sim.fault(api='pingpl', path='get-contacts', status=503, times=-1)
    client = client_for(sim)
    with pytest.raises(ApiError) as info:
        client.get_contacts()
    assert 'HTTP 503' in str(info.value)
    assert len(pingpl_log(sim)) == 1 + client.http.retries


def test_the_simulator_also_takes_the_key_in_the_query_as_the_docs_show(sim):
    """The vendor's examples put the key in the URL; the simulator accepts it, the client never does it."""
    resp = requests.get(sim.url + '/pingpl/1.0/get-account-info', params={'token': PINGPL_KEY}, timeout=5)
    assert resp.json()['header'] == {'status': 'OK'}
    assert pingpl_log(sim)[-1]['query'] == {'token': PINGPL_KEY}


def test_the_simulator_takes_contact_as_well_as_contact_id(sim):
    resp = requests.post(sim.url + '/pingpl/1.0/deactivate-contact', data={'token': PINGPL_KEY, 'contact': '123'},
                         timeout=5)
    assert resp.json() == {'header': {'status': 'OK'}}
    assert sim.state('pingpl')['contacts'][0]['status'] == 'INACTIVE'


def test_describe_header():
    http = HttpClient('http://127.0.0.1:9')
    http.add_secret('s3cr3t-value')
    assert describe_header({'message': 'x', 'status': 'ERROR'}, http) == 'status=ERROR, message=x'
    assert describe_header({'status': 'ERROR', 'message': 'key s3cr3t-value'}, http) == \
        'status=ERROR, message=key ********'
    assert describe_header({}, http) == '(empty header)'
    assert describe_header('ERROR', http) == "header: 'ERROR'"
    assert json.dumps(describe_header({'status': 'E', 'Token': 'abc'}, http)) == '"status=E"'
