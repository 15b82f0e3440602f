# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HttpClient against the simulator (and a fake session where a failure cannot be provoked for real)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import socket
import time

import pytest
import requests

from ansible_collections.fleetops.ping.plugins.module_utils import transport
from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    REDACTED,
    ApiError,
    HttpClient,
    backoff_delay,
    parse_retry_after,
)
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID

THING = '/thing/ThingId_ICCID_' + VENDOR_ICCID


class Sleeps(list):
    """A stand-in for time.sleep that records each delay instead of waiting."""

    def __call__(self, seconds):
        self.append(seconds)


def client(base, sleeps=None, warnings=None, **kwargs):
    kwargs.setdefault('timeout', 5)
    kwargs.setdefault('rand', lambda: 0.5)
    return HttpClient(base, sleep=sleeps if sleeps is not None else Sleeps(),
                      warn=warnings.append if warnings is not None else None, **kwargs)


def login(http):
    """Log in with a plain POST /Auth and return the headers later calls need."""
    data = http.json('POST', '/Auth', json_body={'UserName': USERNAME, 'Password': PASSWORD})
    http.add_secret(data['token'])
    return {'Authorization': 'Bearer ' + data['token']}


def api_log(sim, path=None):
    return [e for e in sim.log() if e['api'] == 'monogoto' and (path is None or e['path'] == path)]


def free_port():
    sock = socket.socket()
    sock.bind(('127.0.0.1', 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# -- backoff and Retry-After ------------------------------------------------------

def test_backoff_grows_exponentially_up_to_the_cap():
    top = [backoff_delay(n, 0.5, 6.0, rand=lambda: 1.0) for n in range(1, 7)]
    assert top == [0.5, 1.0, 2.0, 4.0, 6.0, 6.0]


@pytest.mark.parametrize('attempt', [1, 2, 3, 4, 8])
def test_backoff_jitter_stays_between_half_and_all_of_the_ceiling(attempt):
    ceiling = min(10.0, 0.5 * 2 ** (attempt - 1))
    assert backoff_delay(attempt, 0.5, 10.0, rand=lambda: 0.0) == ceiling / 2
    seen = set()
    for dummy in range(200):
        delay = backoff_delay(attempt, 0.5, 10.0)
        assert ceiling / 2 <= delay <= ceiling
        seen.add(round(delay, 6))
    assert len(seen) > 50, 'the delay is not jittered'


def test_retry_after_wins_over_backoff_and_is_capped():
    assert backoff_delay(1, 0.5, 30.0, retry_after=7, rand=lambda: 1.0) == 7.0
    assert backoff_delay(5, 0.5, 30.0, retry_after=0, rand=lambda: 1.0) == 0.0
    assert backoff_delay(1, 0.5, 30.0, retry_after=3600) == 30.0


@pytest.mark.parametrize('value, expected', [
    ('3', 3.0), (' 2.5 ', 2.5), ('0', 0.0), ('-4', 0.0), (7, 7.0),
    (None, None), ('', None), ('soon', None), ('Wed, 99 Foo 2015', None),
])
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date():
    now = 1700000000
    future = email.utils.formatdate(now + 120, usegmt=True)
    past = email.utils.formatdate(now - 600, usegmt=True)
    assert future.endswith('GMT')
    assert parse_retry_after(future, now=now) == pytest.approx(120.0)
    assert parse_retry_after(past, now=now) == 0.0
    # Without an explicit "now" the clock is used.
    assert 50 < parse_retry_after(email.utils.formatdate(time.time() + 60, usegmt=True)) <= 60


def test_timeout_splits_into_connect_and_read():
    assert HttpClient('http://127.0.0.1:1', timeout=30).timeout == (10.0, 30.0)
    assert HttpClient('http://127.0.0.1:1', timeout=0.3).timeout == (0.3, 0.3)
    assert HttpClient('http://127.0.0.1:1', timeout=(2, 9)).timeout == (2.0, 9.0)


# -- retries against the simulator --------------------------------------------------

def test_429_honours_retry_after_and_is_summed_up_not_warned_per_retry(sim):
    sleeps, warnings = Sleeps(), []
    http = client(sim.url + '/monogoto', sleeps, warnings)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=429, retry_after=2, times=2)
    data = http.json('GET', '/things', params={'limit': 5, 'offset': 0}, headers=headers)
    assert len(data) == 5
    assert sleeps == [2.0, 2.0]
    assert warnings == [] and http.warnings == []
    assert http.api_calls() == {'requests': 4, 'throttled': 2, 'waited_s': 4.0}
    assert http.summary() == ('API throttled this task 2 time(s); it waited 4.0 s in total (4 request(s) sent, '
                              '2 resent: GET /things: HTTP 429 with Retry-After x2); see docs/rate-limits.md')
    assert [e['status'] for e in api_log(sim)] == [429, 429, 200]


class PacedLimiter:
    """A stand-in for the shared limiter: no wait for a turn, and a fixed shared pause on a throttle."""

    adaptive = True

    def __init__(self, shared_pause):
        self.shared_pause = shared_pause
        self.throttles = []

    def acquire(self):
        return 0.0

    def record_ok(self, sent_at=None, headers=None):
        pass

    def record_throttle(self, retry_after=None, sent_at=None, headers=None):
        self.throttles.append(retry_after)
        return self.shared_pause


@pytest.mark.parametrize('shared_pause, own_sleep', [(0.0, 2.0), (2.0, 0.0), (0.5, 1.5)])
def test_the_throttled_request_waits_its_whole_retry_after_whatever_the_shared_pause(sim, shared_pause, own_sleep):
    """Issue 17 spares the other forks a shared pause once the pace is known; the request that was throttled still
    goes again only after its own Retry-After: the limiter holds it for the shared pause, the transport the rest."""
    sleeps = Sleeps()
    lim = PacedLimiter(shared_pause)
    http = client(sim.url + '/monogoto', sleeps, limiter=lim)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=429, retry_after=2, times=1)
    http.json('GET', '/things', params={'limit': 5, 'offset': 0}, headers=headers)
    assert lim.throttles == [2.0]
    assert sleeps == ([own_sleep] if own_sleep else [])
    assert [e['status'] for e in api_log(sim)] == [429, 200]


def test_429_is_retried_for_the_time_budget_not_a_count(sim):
    """Retry-After 7 s against a 60 s budget: 8 attempts fit (7 waits), the 9th wait would pass the budget."""
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, time_budget=60)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=429, retry_after=7, times=-1,
              body={'message': 'Too many requests, slow down'})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert err.value.status == 429
    assert str(err.value) == ('GET /things: HTTP 429 Too Many Requests: Too many requests, slow down; '
                              'gave up after 9 attempt(s) in 56.0 s (retry_time_budget 60 s)')
    assert sleeps == [7.0] * 8
    assert len(api_log(sim)) == 9
    assert http.api_calls()['throttled'] == 9


def test_429_without_retry_after_backs_off_with_full_jitter_within_the_budget(sim):
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, time_budget=20, rand=lambda: 1.0, backoff_cap=8.0)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=429, times=-1)
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    # Ceilings 0.5, 1, 2, 4, 8 (capped) ... with rand=1.0; the next 8 would pass 20 s.
    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert 'gave up after 6 attempt(s)' in str(err.value)
    seen = set()
    jittered = client(sim.url + '/monogoto', time_budget=20, rand=__import__('random').random)
    for dummy in range(100):
        seen.add(round(transport.full_jitter_delay(3, 0.5, 30.0, jittered._rand), 6))
    assert min(seen) >= 0.0 and max(seen) <= 2.0 and len(seen) > 50


def test_429_fails_once_the_retries_are_spent_without_a_time_budget(sim):
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, retries=2, time_budget=0)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=429, retry_after=1, times=-1,
              body={'message': 'Too many requests, slow down'})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert err.value.status == 429
    assert str(err.value) == 'GET /things: HTTP 429 Too Many Requests: Too many requests, slow down'
    assert sleeps == [1.0, 1.0]
    assert len(api_log(sim)) == 3


@pytest.mark.parametrize('status', [502, 503, 504])
def test_gateway_errors_are_retried_for_get(sim, status):
    sleeps, warnings = Sleeps(), []
    http = client(sim.url + '/monogoto', sleeps, warnings, backoff_base=0.5)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=status, times=2)
    assert isinstance(http.json('GET', '/things', headers=headers), list)
    # No Retry-After: exponential backoff, jittered (rand=0.5 -> three quarters of the ceiling).
    assert sleeps == [0.375, 0.75]
    assert all('HTTP %d' % status in w and '(Retry-After)' not in w for w in warnings)
    assert [e['status'] for e in api_log(sim)] == [status, status, 200]


def test_post_is_not_retried_on_503(sim):
    sleeps, warnings = Sleeps(), []
    http = client(sim.url + '/monogoto', sleeps, warnings)
    sim.fault(api='monogoto', method='POST', path='^/Auth$', status=503, times=1,
              body={'Message': 'Service Unavailable'})
    with pytest.raises(ApiError) as err:
        login(http)
    assert err.value.status == 503
    assert str(err.value) == 'POST /Auth: HTTP 503 Service Unavailable: Service Unavailable'
    assert sleeps == [] and warnings == []
    assert len(api_log(sim, '/Auth')) == 1


def test_post_is_retried_on_429(sim):
    sleeps, warnings = Sleeps(), []
    http = client(sim.url + '/monogoto', sleeps, warnings)
    sim.fault(api='monogoto', method='POST', path='^/Auth$', status=429, retry_after=1, times=1)
    assert 'Authorization' in login(http)
    assert sleeps == [1.0]
    assert warnings == [] and 'POST /Auth: HTTP 429 with Retry-After x1' in http.summary()
    assert [e['status'] for e in api_log(sim, '/Auth')] == [429, 200]


def test_post_is_not_resent_on_503_even_with_retry_after(sim):
    """503 with Retry-After is a throttle signal, but a POST the server may have acted on is never resent."""
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps)
    sim.fault(api='monogoto', method='POST', path='^/Auth$', status=503, retry_after=1, times=1)
    with pytest.raises(ApiError) as err:
        login(http)
    assert err.value.status == 503 and sleeps == []
    assert http.api_calls()['throttled'] == 1
    assert len(api_log(sim, '/Auth')) == 1


def test_get_503_with_retry_after_is_retried_for_the_time_budget(sim):
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, retries=1)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', status=503, retry_after=1, times=4)
    assert isinstance(http.json('GET', '/things', headers=headers), list)
    assert sleeps == [1.0] * 4  # more than ``retries``: not processed, so bounded by time
    assert http.api_calls()['throttled'] == 4


def test_client_errors_are_not_retried(sim):
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps)
    headers = login(http)
    sim.clear_log()
    with pytest.raises(ApiError) as err:
        http.json('GET', '/thing/ThingId_ICCID_8944500100000009999', headers=headers)
    assert err.value.status == 404
    assert str(err.value) == ('GET /thing/ThingId_ICCID_8944500100000009999: HTTP 404 Not Found: '
                              'Thing ThingId_ICCID_8944500100000009999 not found')
    assert sleeps == []
    assert len(api_log(sim)) == 1


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_connection_refused_is_retried_for_the_time_budget(method):
    sleeps, warnings = Sleeps(), []
    port = free_port()
    http = client('http://127.0.0.1:%d' % port, sleeps, warnings, retries=2, time_budget=10, rand=lambda: 1.0)
    with pytest.raises(ApiError) as err:
        http.request(method, '/things')
    msg = str(err.value)
    assert msg.startswith('%s /things: connection failed (' % method)
    assert msg.endswith('; gave up after 5 attempt(s) in 7.5 s (retry_time_budget 10 s)')
    assert '\n' not in msg
    assert sleeps == [0.5, 1.0, 2.0, 4.0] and warnings == []
    assert http.request_count == 5
    assert http.api_calls() == {'requests': 5, 'throttled': 0, 'waited_s': 7.5}


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_connection_refused_without_a_time_budget_is_retried_a_bounded_number_of_times(method):
    sleeps = Sleeps()
    http = client('http://127.0.0.1:%d' % free_port(), sleeps, retries=2, time_budget=0)
    with pytest.raises(ApiError) as err:
        http.request(method, '/things')
    assert str(err.value).startswith('%s /things: connection failed (' % method)
    assert len(sleeps) == 2 and http.request_count == 3


def test_read_timeout_is_one_line_naming_method_and_path(sim):
    sleeps, warnings = Sleeps(), []
    http = client(sim.url + '/monogoto', sleeps, warnings, timeout=0.3, retries=1)
    headers = login(http)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', kind='timeout', delay=1.5, times=-1)
    started = time.time()
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things?limit=5', headers=headers)
    elapsed = time.time() - started
    msg = str(err.value)
    assert msg.startswith('GET /things: read timed out after 0.3s (')
    assert '\n' not in msg and 'limit=5' not in msg
    assert err.value.status is None
    assert warnings == []
    assert 'GET /things: read timed out after 0.3s x1' in http.summary()
    assert [e['fault'] for e in api_log(sim)] == ['timeout', 'timeout']
    assert elapsed < 1.4, 'the client waited for the server instead of timing out'


def test_read_timeout_is_not_retried_for_post(sim):
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, timeout=0.3)
    sim.fault(api='monogoto', method='POST', path='^/Auth$', kind='timeout', delay=1, times=-1)
    with pytest.raises(ApiError) as err:
        login(http)
    assert str(err.value).startswith('POST /Auth: read timed out after 0.3s')
    assert sleeps == []
    assert len(api_log(sim, '/Auth')) == 1


# -- error messages -------------------------------------------------------------

def test_error_body_message_and_status_in_the_error(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', status=500,
              body={'Message': 'The database\nis on fire', 'Code': 17})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert str(err.value) == 'GET /things: HTTP 500 Internal Server Error: The database is on fire'
    assert err.value.status == 500
    assert err.value.api_message == 'The database is on fire'
    assert err.value.body == {'Message': 'The database\nis on fire', 'Code': 17}


def test_plain_text_error_body_is_shown_on_one_line(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='PUT', path='^/thing/update', status=400, body='Invalid input data:\n  cas')
    with pytest.raises(ApiError) as err:
        http.request('PUT', '/thing/update/', json_body={}, headers=headers)
    assert str(err.value) == 'PUT /thing/update/: HTTP 400 Bad Request: Invalid input data: cas'


def test_error_without_a_message_key_shows_the_body(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', status=500, body={'code': 'E42'})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert str(err.value) == 'GET /things: HTTP 500 Internal Server Error: {"code": "E42"}'


def test_long_error_bodies_are_cut(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', status=500, body={'message': 'x' * 5000})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert len(str(err.value)) < 400
    assert str(err.value).endswith('...')


def test_non_json_body_names_what_was_found(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', kind='malformed', body='<html>\n<b>Gateway</b></html>')
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things?limit=1', headers=headers)
    assert str(err.value) == 'GET /things: HTTP 200: expected a JSON body, found: <html> <b>Gateway</b></html>'
    assert err.value.status == 200


def test_empty_body_where_json_is_expected(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, body='')
    with pytest.raises(ApiError) as err:
        http.json('GET', '/things', headers=headers)
    assert str(err.value) == 'GET /things: HTTP 200: expected a JSON body, found: (empty body)'


# -- redaction ----------------------------------------------------------------

def test_redaction_of_added_secrets_and_credential_patterns():
    http = HttpClient('http://127.0.0.1:1')
    http.add_secret('hunter2-secret')
    http.add_secret('abc')  # too short to redact without shredding ordinary text
    http.add_secret(None)
    text = http.redact('user typed hunter2-secret twice: hunter2-secret; abc stays')
    assert text == 'user typed ******** twice: ********; abc stays'
    assert http.redact('Authorization: Bearer eyJhbGciOi.J9.x-y_z') == 'Authorization: Bearer ' + REDACTED
    assert http.redact('GET /x?token=t0k3n&page=2') == 'GET /x?token=' + REDACTED + '&page=2'
    assert http.redact('password=pa55 user=me') == 'password=' + REDACTED + ' user=me'
    assert http.redact('{"refreshToken": "r3fr3sh", "client_secret": "cs"}') == \
        '{"refreshToken": "%s", "client_secret": "%s"}' % (REDACTED, REDACTED)
    assert http.redact('access_token: abc123') == 'access_token: ' + REDACTED
    assert http.redact(None) is None


def test_warnings_are_redacted():
    seen = []
    http = HttpClient('http://127.0.0.1:1', warn=seen.append)
    http.add_secret('s3cr3t-key')
    http.warn('retrying with s3cr3t-key and Bearer abcdef and token=xyz')
    expected = 'retrying with %s and Bearer %s and token=%s' % (REDACTED, REDACTED, REDACTED)
    assert seen == [expected]
    assert http.warnings == [expected]


def test_secrets_echoed_in_error_bodies_and_paths_are_redacted(sim):
    http = client(sim.url + '/monogoto')
    headers = login(http)
    http.add_secret('device-secret-42')
    sim.fault(api='monogoto', method='GET', path='^/thing/', status=500,
              body={'message': 'bad password=%s for Bearer %s (device-secret-42)' % (PASSWORD, headers['Authorization'][7:])})
    with pytest.raises(ApiError) as err:
        http.json('GET', '/thing/device-secret-42', headers=headers)
    msg = str(err.value)
    assert PASSWORD not in msg and headers['Authorization'][7:] not in msg and 'device-secret-42' not in msg
    assert msg.startswith('GET /thing/%s: HTTP 500' % REDACTED)
    assert err.value.path == '/thing/' + REDACTED
    assert PASSWORD not in err.value.api_message


def test_retry_warnings_do_not_show_the_query_string(sim):
    warnings = []
    http = client(sim.url + '/monogoto', warnings=warnings)
    headers = login(http)
    sim.fault(api='monogoto', method='GET', path='^/things$', status=503, times=1)
    http.json('GET', '/things?token=abcdef123', headers=headers)
    summary = http.summary()
    assert 'abcdef123' not in summary and 'GET /things: HTTP 503 x1' in summary
    assert summary.startswith('API: this task resent 1 request(s); it waited 0.4 s in total')


# -- failures a fake session provokes ----------------------------------------------

class RaisingSession(requests.Session):
    def __init__(self, exc):
        super(RaisingSession, self).__init__()
        self.exc = exc
        self.calls = 0

    def request(self, *args, **kwargs):
        self.calls += 1
        raise self.exc


def test_tls_errors_are_not_retried():
    session = RaisingSession(requests.exceptions.SSLError('certificate verify failed:\nself-signed'))
    sleeps = Sleeps()
    http = HttpClient('https://127.0.0.1:1', session=session, sleep=sleeps)
    with pytest.raises(ApiError) as err:
        http.request('GET', '/things')
    assert str(err.value) == 'GET /things: TLS error: certificate verify failed: self-signed'
    assert session.calls == 1 and sleeps == []


def test_connect_timeout_is_retried_even_for_post():
    session = RaisingSession(requests.exceptions.ConnectTimeout('connect timed out'))
    sleeps = Sleeps()
    http = HttpClient('https://127.0.0.1:1', session=session, sleep=sleeps, retries=2, rand=lambda: 0.0)
    with pytest.raises(ApiError) as err:
        http.request('POST', '/Auth', json_body={'Password': 'x'})
    assert str(err.value) == 'POST /Auth: connection timed out (connect timed out)'
    assert session.calls == 3 and sleeps == [0.25, 0.5]


@pytest.mark.parametrize('method, attempts', [('GET', 3), ('POST', 1)])
def test_dropped_connection_is_retried_for_get_only(sim, method, attempts):
    """The server closes the connection without answering: a POST may have been processed, so it is not repeated."""
    sleeps = Sleeps()
    http = client(sim.url + '/monogoto', sleeps, retries=2)
    sim.fault(api='monogoto', method=method, path='^/things$', kind='reset', times=-1)
    with pytest.raises(ApiError) as err:
        http.request(method, '/things')
    assert str(err.value).startswith('%s /things: connection failed (' % method)
    assert '\n' not in str(err.value)
    assert len(sleeps) == attempts - 1
    assert [e['fault'] for e in api_log(sim)] == ['reset'] * attempts
