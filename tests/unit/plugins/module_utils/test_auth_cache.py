# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TokenCache on disk, and TokenAuth (through MonogotoClient) against the simulator."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import fcntl
import hashlib
import hmac
import json
import multiprocessing
import os
import stat
import threading
import time

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import token_cache
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import MonogotoClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import PingAssetClient
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import TokenCache
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET

THING_PATH = '/thing/ThingId_ICCID_' + VENDOR_ICCID


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    directory = tmp_path / 'nested' / 'fleetops.ping'
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(directory))
    monkeypatch.delenv('FLEETOPS_PING_TOKEN_CACHE', raising=False)
    return directory


def new_client(sim, **kwargs):
    kwargs.setdefault('username', USERNAME)
    kwargs.setdefault('password', PASSWORD)
    return MonogotoClient(sim.url + '/monogoto', timeout=5, **kwargs)


def user_cache(sim, password=PASSWORD):
    """The cache entry of USERNAME with ``password``, as the client keys it."""
    return TokenCache('monogoto', sim.url + '/monogoto', USERNAME, token_cache.keyed_digest(password))


def token_files(directory):
    """Token cache files in ``directory`` (the rate limiter's state and the digest key live there too)."""
    if not directory.exists():
        return []
    return sorted(name for name in os.listdir(str(directory)) if name.endswith('.json') or name.endswith('.lock'))


def logins(sim):
    return [e for e in sim.log() if e['api'] == 'monogoto' and e['method'] == 'POST' and e['path'] == '/Auth']


# -- TokenCache ------------------------------------------------------------------

def test_cache_file_is_0600_in_a_0700_directory(cache_dir):
    cache = TokenCache('monogoto', 'https://console.monogoto.io', 'ops@example.com')
    assert not cache_dir.exists()
    cache.save({'token': 'tok-1', 'expires_at': time.time() + 60})
    assert stat.S_IMODE(os.stat(str(cache_dir)).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600
    assert os.path.dirname(cache.path) == str(cache_dir)
    assert cache.load()['token'] == 'tok-1'
    # No temporary files are left behind.
    assert sorted(os.listdir(str(cache_dir))) == [os.path.basename(cache.path)]


def test_cache_is_keyed_by_url_and_user(cache_dir):
    base = TokenCache('monogoto', 'https://a.example', 'alice')
    same = TokenCache('monogoto', 'https://a.example', 'alice')
    other_user = TokenCache('monogoto', 'https://a.example', 'bob')
    other_url = TokenCache('monogoto', 'https://b.example', 'alice')
    other_api = TokenCache('pingasset', 'https://a.example', 'alice')
    assert base.path == same.path
    assert len({base.path, other_user.path, other_url.path, other_api.path}) == 4
    base.save({'token': 'alice-token'})
    assert same.load() == {'token': 'alice-token'}
    assert other_user.load() is None and other_url.load() is None and other_api.load() is None
    # The account name is hashed, not written into the file name.
    assert 'alice' not in base.path


def test_cache_never_holds_the_password(sim, cache_dir):
    client = new_client(sim)
    client.get_thing(VENDOR_ICCID)
    path = user_cache(sim).path
    with open(path) as handle:
        raw = handle.read()
    entry = json.loads(raw)
    assert PASSWORD not in raw
    assert entry['token'] == client.auth.entry['token']
    assert set(entry) == {'token', 'customer_id', 'expires_at'}
    assert entry['expires_at'] > time.time() + 3600


def test_expired_entries_are_ignored(cache_dir):
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    cache.save({'token': 'old', 'expires_at': time.time() - 1})
    assert cache.load() is None
    cache.save({'token': 'fresh', 'expires_at': time.time() + 30})
    assert cache.load()['token'] == 'fresh'
    cache.save({'token': 'forever'})
    assert cache.load()['token'] == 'forever'


@pytest.mark.parametrize('content', ['not json', '[]', '{"token": ""}', '{"expires_at": 1}'])
def test_unreadable_entries_are_ignored(cache_dir, content):
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    cache.save({'token': 'x'})
    with open(cache.path, 'w') as handle:
        handle.write(content)
    assert cache.load() is None


def test_discard_only_removes_a_matching_token(cache_dir):
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    cache.save({'token': 'renewed-by-another-fork'})
    cache.discard('the-rejected-one')
    assert cache.load()['token'] == 'renewed-by-another-fork'
    cache.discard('renewed-by-another-fork')
    assert cache.load() is None and not os.path.exists(cache.path)
    cache.save({'token': 'any'})
    cache.discard()
    assert cache.load() is None
    cache.discard()  # nothing to remove is fine


@pytest.mark.parametrize('value', ['0', 'false', 'off', 'NO'])
def test_cache_can_be_disabled(cache_dir, monkeypatch, value):
    monkeypatch.setenv('FLEETOPS_PING_TOKEN_CACHE', value)
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    cache.save({'token': 'never-written'})
    assert cache.load() is None
    with cache.lock():
        pass
    assert not cache_dir.exists()


def test_disabled_cache_logs_in_for_every_client(sim, cache_dir, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_TOKEN_CACHE', '0')
    new_client(sim).get_thing(VENDOR_ICCID)
    new_client(sim).get_thing(VENDOR_ICCID)
    assert len(logins(sim)) == 2
    assert token_files(cache_dir) == []


def test_lock_excludes_other_holders(cache_dir):
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    with cache.lock():
        with open(cache.path + '.lock', 'a') as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with open(cache.path + '.lock', 'a') as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_cache_works_when_another_process_creates_the_directory_first(cache_dir, monkeypatch):
    """Forks starting together all see no directory, and all create it: the losers must still lock and save."""
    cache = TokenCache('monogoto', 'https://a.example', 'alice')
    real_makedirs = os.makedirs

    def racing_makedirs(path, *args, **kwargs):
        if not os.path.isdir(path):
            real_makedirs(path, 0o700)  # the other fork wins the race
        return real_makedirs(path, *args, **kwargs)

    monkeypatch.setattr(token_cache.os, 'makedirs', racing_makedirs)
    with cache.lock():
        assert os.path.exists(cache.path + '.lock'), 'the login lock was silently skipped'
        with open(cache.path + '.lock', 'a') as other:
            with pytest.raises(BlockingIOError):
                fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        cache.save({'token': 'saved-by-the-loser'})
    assert cache.load() == {'token': 'saved-by-the-loser'}


# -- TokenAuth ------------------------------------------------------------------

def test_login_once_then_reuse_the_cached_token_in_a_new_client(sim, cache_dir):
    first = new_client(sim)
    first.get_thing(VENDOR_ICCID)
    second = new_client(sim)
    assert second.get_thing(VENDOR_ICCID)['ExternalUniqueId'] == VENDOR_ICCID
    assert len(logins(sim)) == 1
    assert (first.auth.logins, second.auth.logins) == (1, 0)
    assert second.auth.entry['token'] == first.auth.entry['token']
    assert [(e['method'], e['path']) for e in sim.log()] == [
        ('POST', '/Auth'), ('GET', THING_PATH), ('GET', THING_PATH)]


def test_expired_cached_token_logs_in_again_exactly_once(sim, cache_dir):
    first = new_client(sim)
    first.get_thing(VENDOR_ICCID)
    old = first.auth.entry['token']
    sim.expire_tokens()
    sim.clear_log()
    second = new_client(sim)
    assert second.get_thing(VENDOR_ICCID)['ExternalUniqueId'] == VENDOR_ICCID
    assert second.auth.logins == 1
    assert [(e['method'], e['path'], e['status']) for e in sim.log()] == [
        ('GET', THING_PATH, 401), ('POST', '/Auth', 200), ('GET', THING_PATH, 200)]
    # The renewed token replaced the rejected one in the cache.
    cached = user_cache(sim).load()
    assert cached['token'] == second.auth.entry['token'] != old


def test_token_expiring_mid_run_is_renewed_once(sim, cache_dir):
    client = new_client(sim)
    client.get_thing(VENDOR_ICCID)
    sim.clear_log()
    sim.fault(api='monogoto', method='GET', path='^/things$', kind='expire_token', times=1)
    assert len(client.list_things(10, 0)) == 10
    assert client.auth.logins == 2
    assert [(e['method'], e['path'], e['status']) for e in sim.log()] == [
        ('GET', '/things', 401), ('POST', '/Auth', 200), ('GET', '/things', 200)]


def test_a_second_rejection_is_not_retried_again(sim, cache_dir):
    client = new_client(sim)
    sim.fault(api='monogoto', method='GET', path='^/things$', kind='expire_token', times=2)
    with pytest.raises(ApiError) as err:
        client.list_things(10, 0)
    assert err.value.status == 401
    assert str(err.value) == 'GET /things: HTTP 401 Unauthorized: Authorization has been denied for this request.'
    assert len(logins(sim)) == 2  # the first login, and exactly one renewal
    assert len([e for e in sim.log() if e['path'] == '/things']) == 2


def test_given_token_without_credentials_fails_on_401_without_retrying(sim, cache_dir):
    token = 'eyJ' + 'f' * 64
    client = new_client(sim, token=token, username=None, password=None)
    with pytest.raises(ApiError) as err:
        client.list_things(10, 0)
    msg = str(err.value)
    assert err.value.status == 401
    assert msg == 'GET /things: HTTP 401 Unauthorized: Authorization has been denied for this request.'
    assert token not in msg
    assert [(e['method'], e['path']) for e in sim.log()] == [('GET', '/things')]
    assert token_files(cache_dir) == []


def test_given_valid_token_is_used_without_login(sim, cache_dir, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_TOKEN_CACHE', '0')
    token = new_client(sim).auth.token()
    sim.clear_log()
    client = new_client(sim, token=token, username=None, password=None)
    assert len(client.list_things(3, 0)) == 3
    assert logins(sim) == []


def test_given_token_with_credentials_is_replaced_when_rejected(sim, cache_dir):
    client = new_client(sim, token='eyJ' + 'e' * 64)
    assert len(client.list_things(3, 0)) == 3
    assert [(e['method'], e['path'], e['status']) for e in sim.log()] == [
        ('GET', '/things', 401), ('POST', '/Auth', 200), ('GET', '/things', 200)]


def test_wrong_password_fails_with_the_api_message_and_caches_nothing(sim, cache_dir):
    client = new_client(sim, password='not-the-password')
    with pytest.raises(ApiError) as err:
        client.get_thing(VENDOR_ICCID)
    assert str(err.value) == 'POST /Auth: HTTP 401 Unauthorized: Invalid user name or password'
    assert 'not-the-password' not in str(err.value)
    assert len(logins(sim)) == 1
    assert user_cache(sim).load() is None


@pytest.mark.parametrize('kwargs, words', [
    ({'username': None, 'password': None}, 'no Monogoto credentials'),
    ({'password': None}, 'username and password must be given together'),
    ({'username': None}, 'username and password must be given together'),
])
def test_missing_credentials_fail_before_any_request(sim, cache_dir, kwargs, words):
    with pytest.raises(ModuleFailure) as err:
        new_client(sim, **kwargs)
    assert words in err.value.msg
    assert sim.log() == []


def test_concurrent_threads_with_an_empty_cache_log_in_once(sim, cache_dir):
    sim.latency(0.2)  # a slow login, so that every thread is waiting for it
    count = 6
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        try:
            client = new_client(sim)
            barrier.wait()
            results.append(client.get_thing(VENDOR_ICCID)['ExternalUniqueId'])
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(exc)

    threads = [threading.Thread(target=worker) for dummy in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    sim.latency(0)
    assert errors == []
    assert results == [VENDOR_ICCID] * count
    assert len(logins(sim)) == 1


def _process_worker(url, start_at):
    client = MonogotoClient(url, username=USERNAME, password=PASSWORD, timeout=10)
    time.sleep(max(0.0, start_at - time.time()))
    thing = client.get_thing(VENDOR_ICCID)
    os._exit(0 if thing['ExternalUniqueId'] == VENDOR_ICCID else 3)


def test_concurrent_processes_with_an_empty_cache_log_in_once(sim, cache_dir):
    sim.latency(0.2)
    ctx = multiprocessing.get_context('fork')
    start_at = time.time() + 0.5
    procs = [ctx.Process(target=_process_worker, args=(sim.url + "/monogoto", start_at)) for dummy in range(5)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(30)
    sim.latency(0)
    assert [p.exitcode for p in procs] == [0] * 5
    assert len(logins(sim)) == 1
    assert len([e for e in sim.log() if e['path'] == THING_PATH]) == 5


# -- the cache key is bound to the secret -----------------------------------------

def test_keyed_digest_is_an_hmac_under_a_per_user_key(cache_dir):
    digest = token_cache.keyed_digest('s3cr3t-password')
    assert digest == token_cache.keyed_digest('s3cr3t-password')
    assert digest != token_cache.keyed_digest('s3cr3t-passwore')
    assert len(digest) == 64 and int(digest, 16) >= 0
    # Not a plain hash that could be tested against guesses without the key.
    assert digest != hashlib.sha256(b's3cr3t-password').hexdigest()
    key_file = cache_dir / token_cache.DIGEST_KEY_FILE
    assert stat.S_IMODE(os.stat(str(cache_dir)).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(str(key_file)).st_mode) == 0o600
    key = binascii.unhexlify(key_file.read_text().strip())
    assert len(key) == 32
    assert digest == hmac.new(key, b's3cr3t-password', hashlib.sha256).hexdigest()


def test_keyed_digest_differs_between_users(tmp_path, monkeypatch):
    """Another user (another cache directory) has another key: the same secret gives another digest."""
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'alice'))
    alice = token_cache.keyed_digest('shared-secret')
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'bob'))
    assert token_cache.keyed_digest('shared-secret') != alice


def _digest_worker(queue):
    queue.put(token_cache.keyed_digest('same-secret'))


def test_processes_creating_the_key_together_agree_on_it(cache_dir):
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    procs = [ctx.Process(target=_digest_worker, args=(queue,)) for dummy in range(6)]
    for proc in procs:
        proc.start()
    digests = [queue.get(timeout=30) for dummy in procs]
    for proc in procs:
        proc.join(30)
    assert len(set(digests)) == 1
    assert digests[0] == token_cache.keyed_digest('same-secret')
    assert not [n for n in os.listdir(str(cache_dir)) if n.startswith('.tmp')]


def test_a_wrong_password_fails_although_a_token_is_cached(sim, cache_dir):
    new_client(sim).get_thing(VENDOR_ICCID)
    assert len(logins(sim)) == 1
    wrong = new_client(sim, password='a-wrong-password')
    with pytest.raises(ApiError) as err:
        wrong.get_thing(VENDOR_ICCID)
    assert str(err.value) == 'POST /Auth: HTTP 401 Unauthorized: Invalid user name or password'
    assert 'a-wrong-password' not in str(err.value)
    # The right password still uses the token it obtained: no second login.
    right = new_client(sim)
    assert right.get_thing(VENDOR_ICCID)['ExternalUniqueId'] == VENDOR_ICCID
    assert right.auth.logins == 0
    assert [(e['path'], e['status']) for e in logins(sim)] == [('/Auth', 200), ('/Auth', 401)]


def test_a_rotated_password_logs_in_with_the_new_one_at_once(sim, cache_dir):
    """A token cached under the old password is not used with another one: the next task logs in with it."""
    old = user_cache(sim, password='the-old-password')
    old.save({'token': 'token-of-the-old-password', 'expires_at': time.time() + 3600})
    client = new_client(sim)  # PASSWORD is the password now
    assert client.get_thing(VENDOR_ICCID)['ExternalUniqueId'] == VENDOR_ICCID
    assert client.auth.logins == 1 and client.auth.entry['token'] != 'token-of-the-old-password'
    assert [(e['method'], e['path']) for e in sim.log()] == [('POST', '/Auth'), ('GET', THING_PATH)]


def test_a_wrong_client_secret_fails_although_a_token_is_cached(sim, cache_dir):
    url = sim.url + '/pingasset'
    PingAssetClient(url, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, timeout=5).account()
    wrong = PingAssetClient(url, client_id=DEMO_CLIENT_ID, client_secret='not-the-client-secret', timeout=5)
    with pytest.raises(ApiError) as err:
        wrong.account()
    assert err.value.status == 401 and str(err.value).startswith('POST /auth/token/: HTTP 401')
    assert 'invalid_client' in str(err.value) and 'not-the-client-secret' not in str(err.value)
    again = PingAssetClient(url, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, timeout=5)
    again.account()
    assert again.auth.logins == 0
    tokens = [e for e in sim.log() if e['api'] == 'pingasset' and e['path'] == '/auth/token/']
    assert [e['status'] for e in tokens] == [200, 401]


def test_no_file_in_the_cache_holds_the_secret_or_a_plain_hash_of_it(sim, cache_dir):
    new_client(sim).get_thing(VENDOR_ICCID)
    needles = [PASSWORD, hashlib.sha256(PASSWORD.encode()).hexdigest(), token_cache.keyed_digest(PASSWORD)]
    for name in os.listdir(str(cache_dir)):
        with open(str(cache_dir / name), 'rb') as handle:
            content = handle.read().decode('latin-1')
        for needle in needles:
            assert needle not in content and needle not in name
