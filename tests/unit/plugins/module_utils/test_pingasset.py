# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The PING asset client: tokens (cache, expiry, one renewal on 401), paging, validation errors."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import (
    PingAssetClient,
    format_validation,
    is_validation_body,
    read_expires_in,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

ACCOUNT = '/1.0/customers/accounts/me/'
CONFIGS = '/1.0/configurations/customer/'


def make(sim, **kwargs):
    args = dict(client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, timeout=5)
    args.update(kwargs)
    warnings = []
    client = PingAssetClient(sim.url + '/pingasset', warn=warnings.append, **args)
    client.http.backoff_base = 0.01
    client.warnings = warnings
    return client


def api_log(sim):
    return [e for e in sim.log() if e['api'] == 'pingasset']


def logins(sim):
    return [e for e in api_log(sim) if e['tag'] == 'login']


# -- credentials ---------------------------------------------------------------------

def test_no_credentials_fails_before_any_request(sim):
    with pytest.raises(ModuleFailure) as err:
        PingAssetClient(sim.url + '/pingasset')
    assert 'PINGASSET_CLIENT_ID' in err.value.msg and 'access_token' in err.value.msg
    assert api_log(sim) == []


def test_client_id_without_secret_fails(sim):
    with pytest.raises(ModuleFailure) as err:
        PingAssetClient(sim.url + '/pingasset', client_id=DEMO_CLIENT_ID)
    assert 'together' in err.value.msg


def test_login_sends_client_credentials_as_json(sim):
    client = make(sim)
    assert client.account()['username'] == 'jon.doe@example.org'
    entries = api_log(sim)
    assert [(e['method'], e['path'], e['tag']) for e in entries] == [
        ('POST', '/auth/token/', 'login'), ('GET', ACCOUNT, None)]
    assert entries[0]['write'] is False


def test_token_is_cached_across_clients(sim):
    make(sim).account()
    sim.clear_log()
    other = make(sim)
    other.account()
    other.account()
    assert logins(sim) == []
    assert len(api_log(sim)) == 2


def test_cache_file_never_holds_the_secret(sim, tmp_path):
    make(sim).account()
    files = list((tmp_path / 'cache').glob('pingasset-*.json'))
    assert len(files) == 1
    content = files[0].read_text()
    assert DEMO_CLIENT_SECRET not in content
    entry = json.loads(content)
    assert entry['expires_at'] > time.time() + 3000


def test_expired_cache_entry_means_a_new_token(sim):
    # A token that the API said lives 3600 s, obtained (by this clock) two hours ago.
    make(sim, now=lambda: time.time() - 7200).account()
    sim.clear_log()
    make(sim).account()
    assert len(logins(sim)) == 1


def test_expiry_keeps_a_margin(sim):
    sim.sim.apps['pingasset'].token_ttl = 40
    try:
        client = make(sim)
        client.account()
        remaining = client.auth.entry['expires_at'] - time.time()
        assert 15 < remaining <= 20.5
    finally:
        sim.sim.apps['pingasset'].token_ttl = 3600


def test_401_gets_one_new_token(sim):
    client = make(sim)
    client.account()
    sim.expire_tokens()
    sim.clear_log()
    assert client.account()['id'] == 1
    assert [(e['method'], e['path'], e['status']) for e in api_log(sim)] == [
        ('GET', ACCOUNT, 401), ('POST', '/auth/token/', 200), ('GET', ACCOUNT, 200)]


def test_401_twice_is_reported_after_one_renewal(sim):
    client = make(sim)
    client.account()
    sim.clear_log()
    sim.fault(api='pingasset', method='GET', path='^/1.0/customers', status=401, body={'detail': 'Invalid token.'},
              times=2)
    with pytest.raises(ApiError) as err:
        client.account()
    assert err.value.msg == 'GET /1.0/customers/accounts/me/: HTTP 401 Unauthorized: Invalid token.'
    assert len(logins(sim)) == 1


def test_given_access_token_is_used_as_is(sim):
    token = make(sim, now=time.time).auth.token()
    sim.clear_log()
    client = PingAssetClient(sim.url + '/pingasset', access_token=token)
    client.account()
    assert logins(sim) == []
    assert client.http.redact('x ' + token) == 'x ********'


def test_given_token_rejected_without_credentials_fails(sim):
    client = PingAssetClient(sim.url + '/pingasset', access_token='not-a-token-0123456789')
    with pytest.raises(ApiError) as err:
        client.account()
    assert err.value.status == 401
    assert 'not-a-token' not in err.value.msg
    assert logins(sim) == []


def test_given_token_rejected_with_credentials_logs_in(sim):
    client = make(sim, access_token='stale-token-0123456789')
    client.account()
    assert len(logins(sim)) == 1


def test_wrong_secret_is_one_line_without_the_secret(sim):
    client = make(sim, client_secret='wrong-secret-value-123')
    with pytest.raises(ApiError) as err:
        client.account()
    assert err.value.msg == 'POST /auth/token/: HTTP 401 Unauthorized: invalid_client'
    assert 'wrong-secret' not in err.value.msg


def test_expires_in_that_is_not_a_number_warns_once_without_the_value(sim):
    fake = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.fake-but-long'
    sim.fault(api='pingasset', method='POST', path='^/auth/token/$', kind='malformed', status=200,
              body=json.dumps({'access_token': 'tok-' + 'a' * 40, 'expires_in': fake, 'token_type': 'Bearer'}))
    client = make(sim)
    # The fake token is refused; the second login (no fault) gets a real one.
    assert client.account()['id'] == 1
    notes = [w for w in client.warnings if 'expires_in' in w]
    assert len(notes) == 1
    assert 'a string of %d characters' % len(fake) in notes[0]
    assert fake not in notes[0]


def test_token_answer_without_access_token_names_the_keys(sim):
    sim.fault(api='pingasset', method='POST', path='^/auth/token/$', kind='malformed', status=200,
              body=json.dumps({'token': 'x', 'expires_in': 60}))
    with pytest.raises(ApiError) as err:
        make(sim).account()
    assert err.value.msg == 'POST /auth/token/: the answer holds no access_token; found keys: expires_in, token'


@pytest.mark.parametrize('value, seconds', [
    (3600, 3600.0), ('3600', 3600.0), (' 90.5 ', 90.5), (0, None), (-5, None), (True, None), (None, None),
    ('eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI(...)', None), ([], None),
])
def test_read_expires_in(value, seconds):
    assert read_expires_in(value) == seconds


# -- validation errors ---------------------------------------------------------------

def test_format_validation_puts_non_field_errors_last():
    body = {'non_field_errors': ['Limit reached.'], 'name': ['This field is required.', 'Too short.'],
            'settings': {'reporting_interval': ['Must be at least 60.']}}
    assert format_validation(body) == ('name: This field is required. Too short.; settings.reporting_interval: '
                                       'Must be at least 60.; non_field_errors: Limit reached.')


@pytest.mark.parametrize('body, expected', [
    ({'name': ['x']}, True), ({'detail': 'Not found.'}, False), ({'error': 'invalid_client'}, False),
    ({}, False), (['x'], False), (None, False),
])
def test_is_validation_body(body, expected):
    assert is_validation_body(body) is expected


def test_validation_error_from_the_api_is_one_line(sim):
    client = make(sim)
    with pytest.raises(ApiError) as err:
        client.create_configuration({'name': 'x' * 101, 'settings': []})
    assert err.value.status == 400
    assert err.value.msg == ('POST /1.0/configurations/customer/: HTTP 400 Bad Request: name: Ensure this field has '
                             'no more than 100 characters.; settings: Expected a dictionary of items but got type '
                             '"list".')


def test_validation_error_is_redacted(sim):
    client = make(sim)
    sim.fault(api='pingasset', method='POST', path='^/1.0/configurations', status=400,
              body={'name': ['bad'], 'non_field_errors': ['secret %s leaked' % DEMO_CLIENT_SECRET]})
    with pytest.raises(ApiError) as err:
        client.create_configuration({'name': 'x'})
    assert DEMO_CLIENT_SECRET not in err.value.msg
    assert err.value.msg == ('POST /1.0/configurations/customer/: HTTP 400 Bad Request: name: bad; '
                             'non_field_errors: secret ******** leaked')


# -- paging ------------------------------------------------------------------------------

class Pages:
    """A stand-in for client.call that answers GETs from a dict page -> body (or exception)."""

    def __init__(self, pages):
        self.pages = pages
        self.asked = []

    def __call__(self, method, path, params=None, **kwargs):
        self.asked.append(params['page'])
        value = self.pages[params['page']]
        if isinstance(value, Exception):
            raise value
        return value


def paged_client(sim, pages):
    client = make(sim)
    client.call = Pages(pages)
    return client


def page(results, count=None, num_pages=None):
    body = {'results': results}
    if count is not None:
        body['count'] = count
    if num_pages is not None:
        body['num_pages'] = num_pages
    return body


def test_paging_reads_every_page(sim):
    client = paged_client(sim, {1: page([1, 2], 5, 3), 2: page([3, 4], 5, 3), 3: page([5], 5, 3)})
    items, meta = client.list_all(CONFIGS)
    assert items == [1, 2, 3, 4, 5]
    assert client.call.asked == [1, 2, 3]
    assert meta == {'count': 5, 'num_pages': 3, 'pages_read': 3, 'truncated': False}


def test_paging_with_num_pages_zero_stops_at_count(sim):
    # The vendor's own sample: "count": 15, "num_pages": 0.
    client = paged_client(sim, {1: page([1, 2], 4, 0), 2: page([3, 4], 4, 0), 3: page([9], 4, 0)})
    items, _meta = client.list_all(CONFIGS)
    assert items == [1, 2, 3, 4]
    assert client.call.asked == [1, 2]


def test_paging_without_num_pages_stops_at_an_empty_page(sim):
    client = paged_client(sim, {1: page([1], 10), 2: page([2], 10), 3: page([], 10)})
    items, _meta = client.list_all(CONFIGS)
    assert items == [1, 2]
    assert client.call.asked == [1, 2, 3]


def test_paging_without_num_pages_stops_at_a_404_past_the_end(sim):
    gone = ApiError('GET x: HTTP 404: Invalid page.', status=404)
    client = paged_client(sim, {1: page([1], 10), 2: gone})
    items, _meta = client.list_all(CONFIGS)
    assert items == [1]


def test_paging_404_on_the_first_page_fails(sim):
    client = paged_client(sim, {1: ApiError('GET x: HTTP 404 Not Found', status=404)})
    with pytest.raises(ApiError):
        client.list_all(CONFIGS)


def test_paging_empty_list(sim):
    client = paged_client(sim, {1: page([], 0, 0)})
    assert client.list_all(CONFIGS)[0] == []
    assert client.call.asked == [1]


def test_paging_without_count_nor_num_pages_fails_naming_the_keys(sim):
    client = paged_client(sim, {1: {'results': [1], 'next': None}})
    with pytest.raises(ApiError) as err:
        client.list_all(CONFIGS)
    assert 'neither "count" nor "num_pages"' in err.value.msg
    assert 'found keys: next, results' in err.value.msg


def test_paging_results_not_a_list_fails(sim):
    client = paged_client(sim, {1: {'count': 1, 'items': [1]}})
    with pytest.raises(ApiError) as err:
        client.list_all(CONFIGS)
    assert 'found keys: count, items' in err.value.msg


def test_paging_a_bare_list_fails(sim):
    client = paged_client(sim, {1: [1, 2]})
    with pytest.raises(ApiError) as err:
        client.list_all(CONFIGS)
    assert 'found a list' in err.value.msg


def test_paging_limit_stops_early_and_says_so(sim):
    client = paged_client(sim, {1: page([1, 2, 3], 9, 3), 2: page([4, 5, 6], 9, 3), 3: page([7, 8, 9], 9, 3)})
    items, meta = client.list_all(CONFIGS, limit=4)
    assert items == [1, 2, 3, 4]
    assert client.call.asked == [1, 2]
    assert meta['truncated'] is True and meta['count'] == 9


def test_paging_limit_at_the_very_end_is_not_truncated(sim):
    client = paged_client(sim, {1: page([1, 2], 4, 2), 2: page([3, 4], 4, 2)})
    items, meta = client.list_all(CONFIGS, limit=4)
    assert items == [1, 2, 3, 4] and meta['truncated'] is False


def test_paging_against_the_simulator(sim):
    client = make(sim)
    items, meta = client.list_devices({})
    assert len(items) == 35 and meta['num_pages'] == 4
    pages = [e['query'].get('page') for e in api_log(sim) if e['path'] == '/1.0/devices/devices/']
    assert pages == ['1', '2', '3', '4']


# -- other answers -------------------------------------------------------------------------

def test_non_json_body_is_one_line(sim):
    client = make(sim)
    client.account()
    sim.fault(api='pingasset', method='GET', path='^/1.0/customers', kind='malformed', status=200,
              body='<html>\n<body>502 Bad Gateway</body>\n</html>')
    with pytest.raises(ApiError) as err:
        client.account()
    assert err.value.msg == ('GET /1.0/customers/accounts/me/: HTTP 200: expected a JSON body, found: '
                             '<html> <body>502 Bad Gateway</body> </html>')


def test_429_is_retried_after_retry_after(sim):
    client = make(sim)
    client.account()
    sim.fault(api='pingasset', method='GET', path='^/1.0/customers', status=429, retry_after=0, times=1)
    assert client.account()['id'] == 1
    assert 'GET /1.0/customers/accounts/me/: HTTP 429 with Retry-After x1' in client.http.summary()


def test_publish_answer_without_the_configuration_reads_it_again(sim):
    client = make(sim)
    created = client.create_configuration({'name': 'Publish me', 'settings': {'a': 1}})
    real_call = client.call

    def empty_publish_answer(method, path, **kwargs):
        resp = real_call(method, path, **kwargs)
        if path.endswith('/publish/'):
            resp.text, resp.data, resp.is_json = '', None, False
        return resp
    client.call = empty_publish_answer
    published = client.publish_configuration(created['id'])
    assert published['state'] == 'published' and published['id'] == created['id']
    assert [e['method'] for e in api_log(sim)][-2:] == ['POST', 'GET']


def test_delete_of_a_missing_configuration_is_false(sim):
    assert make(sim).delete_configuration(9999) is False
