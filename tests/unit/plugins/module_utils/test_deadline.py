# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The transport's deadline per request and its cap on the answer's size, against servers that trickle.

The simulator's hostile mode (tests/simulator/hostile.py) sends the headers or the body a byte a second, a body
that never ends, a Content-Length it never meets, or 50 MB; a TLS server here trickles too. The time checks
are hang checks with wide margins, not performance figures.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import socket
import ssl
import subprocess
import threading
import time

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import transport
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME


def client(sim, timeout=0.5, **kwargs):
    kwargs.setdefault('time_budget', 0)
    kwargs.setdefault('rand', lambda: 0.5)
    kwargs.setdefault('sleep', lambda seconds: None)
    return HttpClient(sim.url + '/monogoto', timeout=timeout, **kwargs)


def login(http):
    data = http.json('POST', '/Auth', json_body={'UserName': USERNAME, 'Password': PASSWORD})
    return {'Authorization': 'Bearer ' + data['token']}


def things_calls(sim):
    return [e for e in sim.log() if e['path'] == '/things']


def timed(call):
    started = time.monotonic()
    try:
        call()
    except ApiError as exc:
        return exc, time.monotonic() - started
    raise AssertionError('the call did not fail')


@pytest.mark.parametrize('mode', ['trickle_headers', 'trickle_body', 'endless_body', 'short_body'])
def test_a_get_that_never_completes_ends_at_its_deadline_and_is_retried_within_the_policy(sim, mode):
    http = client(sim)
    headers = login(http)
    sim.clear_log()
    sim.hostile(mode, api='monogoto', path='^/things$', times=-1, interval=0.2)
    err, elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    msg = str(err)
    assert msg.startswith('GET /things: read timed out after 0.5s (no complete answer within the 0.5s deadline: ')
    assert '\n' not in msg and err.status is None
    assert len(things_calls(sim)) == 4  # the first attempt and the three retries of a GET
    assert elapsed < 4 * 0.5 + 3.0, 'the deadline did not hold: %.1f s' % elapsed
    assert 'GET /things: read timed out after 0.5s x3' in http.summary()


def test_the_message_says_how_far_the_answer_got(sim):
    # A deadline long enough for the headers to come on a loaded machine, far too short for a trickled body.
    http = client(sim, timeout=2.0, retries=0)
    headers = login(http)
    sim.hostile('trickle_headers', api='monogoto', path='^/things$', times=1)
    err, _elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    assert str(err).endswith('deadline: the headers had not all come)')
    sim.hostile('trickle_body', api='monogoto', path='^/things$', times=1)
    err, _elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    assert str(err).endswith('deadline: HTTP 200 came, its body had not ended)')


def test_a_write_that_may_have_reached_the_server_is_not_resent(sim):
    http = client(sim)
    headers = login(http)
    sim.clear_log()
    sim.hostile('trickle_headers', api='monogoto', method='POST', path='ping$', times=-1)
    err, elapsed = timed(lambda: http.json('POST', '/thing/ThingId_ICCID_8912372646888991/ping',
                                           json_body={'IPAddress': '10.0.0.1'}, headers=headers))
    assert str(err).endswith('; not resent, since the API may have acted on it')
    assert len([e for e in sim.log() if e['method'] == 'POST' and e['path'].endswith('/ping')]) == 1
    assert elapsed < 0.5 + 2.0


def test_a_write_without_a_complete_answer_is_marked_unsure_a_read_is_not(sim):
    http = client(sim, retries=0)
    headers = login(http)
    sim.hostile('trickle_headers', api='monogoto', path='^/thing/update', times=-1)
    err, _elapsed = timed(lambda: http.request('PUT', '/thing/update/', json_body={'ThingId': 'x'}, headers=headers))
    assert err.unsure is True and err.method == 'PUT'
    sim.hostile('trickle_headers', api='monogoto', path='^/things$', times=-1)
    err, _elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    assert err.unsure is False
    refused = HttpClient('http://127.0.0.1:9', timeout=0.5, retries=0, time_budget=0)
    err, _elapsed = timed(lambda: refused.request('PUT', '/thing/update/', json_body={}))
    assert err.unsure is False  # nothing reached a server


def test_transient_retries_stop_when_the_time_budget_runs_out(sim):
    http = client(sim, time_budget=1.6)
    headers = login(http)
    sim.clear_log()
    sim.hostile('trickle_body', api='monogoto', path='^/things$', times=-1)
    err, elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    # 0.5 s, a 0.375 s pause (not slept here), 0.5 s: the next pause (0.75 s) would pass 1.6 s.
    assert 'gave up after 2 attempt(s) in ' in str(err) and str(err).endswith('(retry_time_budget 1.6 s)')
    assert len(things_calls(sim)) == 2
    assert elapsed < 1.6 + 0.5 + 2.0


def test_after_a_deadline_the_connection_is_not_reused(sim):
    http = client(sim, retries=0)
    headers = login(http)
    pools = http.session.get_adapter(sim.url).poolmanager.pools
    pool = pools[list(pools.keys())[0]]
    assert isinstance(pool, transport._DeadlinePoolMixin)  # pylint: disable=protected-access
    before = pool.num_connections
    sim.hostile('trickle_body', api='monogoto', path='^/things$', times=1)
    timed(lambda: http.json('GET', '/things', headers=headers))
    assert isinstance(http.json('GET', '/things', headers=headers), list)
    assert pool.num_connections == before + 1  # a new connection, not the one that was shut down
    assert isinstance(http.json('GET', '/things', headers=headers), list)
    assert pool.num_connections == before + 1  # an answer read in full leaves its connection for the next call


@pytest.mark.parametrize('announce', [True, False])
def test_an_answer_over_the_size_cap_fails_in_one_line_unread_and_is_not_retried(sim, announce):
    http = client(sim, max_response_bytes=1024 * 1024)
    headers = login(http)
    sim.clear_log()
    sim.hostile('huge', api='monogoto', path='^/things$', times=1, announce=announce, size=50 * 1000 * 1000)
    err, elapsed = timed(lambda: http.json('GET', '/things', headers=headers))
    what = 'it announces 50000000 bytes' if announce else 'reading stopped there'
    assert str(err) == ('GET /things: HTTP 200: the answer is larger than 1 MiB, the most the collection reads '
                        '(%s)' % what)
    assert len(things_calls(sim)) == 1
    assert elapsed < 5.0, 'the body was read to its end'
    assert isinstance(http.json('GET', '/things', headers=headers), list)


def test_the_default_cap_is_16_mib():
    assert transport.MAX_RESPONSE_BYTES == 16 * 1024 * 1024
    assert HttpClient('http://127.0.0.1:1').max_response_bytes == transport.MAX_RESPONSE_BYTES


def test_an_answer_just_under_the_cap_is_read(sim):
    http = client(sim, max_response_bytes=4096)
    headers = login(http)
    data = http.json('GET', '/things', params={'limit': 1}, headers=headers)
    assert len(data) == 1


def test_threads_each_get_their_own_deadline(sim):
    http = client(sim, retries=0, timeout=0.6)
    headers = login(http)
    sim.hostile('trickle_body', api='monogoto', path='^/things$', times=-1, interval=0.3)
    errors = []

    def read():
        try:
            http.json('GET', '/things', headers=headers)
        except ApiError as exc:
            errors.append(str(exc))

    started = time.monotonic()
    threads = [threading.Thread(target=read) for _index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(errors) == 6 and all('read timed out after 0.6s' in e for e in errors)
    assert time.monotonic() - started < 0.6 + 4.0


@pytest.mark.skipif(not hasattr(os, 'fork'), reason='no fork')
def test_the_watchdog_works_in_a_forked_child_after_the_parent_used_it(sim):
    """Ansible runs the in-process path in a worker forked from a process that may have read an inventory."""
    http = client(sim, retries=0)
    headers = login(http)
    sim.hostile('trickle_body', api='monogoto', path='^/things$', times=-1)
    timed(lambda: http.json('GET', '/things', headers=headers))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through its exit status
        code = 1
        try:
            child = client(sim, retries=0)
            err, elapsed = timed(lambda: child.json('GET', '/things', headers=headers))
            code = 0 if 'read timed out' in str(err) and elapsed < 3.0 else 2
        finally:
            os._exit(code)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        pytest.fail('the forked child hung')
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


# -- TLS ------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def tls_trickler(tmp_path_factory):
    """A TLS server that sends its headers and then one byte of the body every 0.2 s."""
    if shutil.which('openssl') is None:
        pytest.skip('openssl is needed to make a certificate')
    work = tmp_path_factory.mktemp('tls')
    cert, key = str(work / 'cert.pem'), str(work / 'key.pem')
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
                    '-days', '1', '-subj', '/CN=127.0.0.1'], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(8)
    stop = threading.Event()

    def serve(conn):
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                tls.recv(65536)
                tls.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n')
                while not stop.is_set():
                    tls.sendall(b' ')
                    time.sleep(0.2)
        except (OSError, ssl.SSLError):
            pass

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return  # the listener was closed at the end of the test
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    yield 'https://127.0.0.1:%d' % listener.getsockname()[1]
    stop.set()
    acceptor.join(2.0)
    listener.close()


def test_a_tls_answer_that_trickles_ends_at_the_deadline(tls_trickler):
    # A deadline long enough for the handshake and the headers on a loaded machine, far too short for the body.
    http = HttpClient(tls_trickler, timeout=2.0, validate_certs=False, retries=1, time_budget=0,
                      sleep=lambda seconds: None)
    err, elapsed = timed(lambda: http.json('GET', '/things'))
    assert str(err).startswith('GET /things: read timed out after 2.0s (no complete answer within the 2s '
                               'deadline: HTTP 200 came, its body had not ended)')
    assert http.request_count == 2
    assert elapsed < 2 * 2.0 + 3.0
