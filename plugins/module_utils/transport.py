# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared HTTP layer for every fleetops.ping client.

One ``requests.Session`` per client with one deadline per request (connect, send, headers and the whole
body within ``timeout``), a cap on the size of an answer, retries with capped, jittered exponential backoff
that honours ``Retry-After``, redaction of every secret the client knows about, and failures raised as
:class:`ApiError` carrying a single line: method, path, HTTP status and the API's own message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import heapq
import itertools
import json
import os
import random
import re
import socket
import threading
import time
import traceback

from ansible.module_utils.basic import env_fallback

try:
    import requests
    from requests.adapters import HTTPAdapter
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the module wrapper
    requests = None
    HTTPAdapter = object
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

REDACTED = '********'
RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))
READ_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS'))
MESSAGE_KEYS = ('message', 'Message', 'error_description', 'error', 'detail', 'Error', 'errors', 'msg')
MAX_MESSAGE = 300
SUMMARY_ITEMS = 3
# The largest answer the collection reads, in bytes (after decompression). The largest legitimate answers are
# well below it: a page of 50 Monogoto Things is about 100 KB, a ping.pl get-data of 366 days about 600 KB and
# get-monitors about 250 bytes a monitor (16 MiB is some 60,000 monitors), a PING asset page a few hundred KB.
# Reading stops at the cap: an answer over it fails in one line, it is never read to its end.
MAX_RESPONSE_BYTES = 16 * 1024 * 1024
READ_CHUNK = 16 * 1024
# How often the watchdog looks again for the socket of a connection that is still being opened.
_WATCH_POLL = 0.02

# Patterns that look like credentials wherever they appear in a text.
_SECRET_PATTERNS = (
    re.compile(r'(?i)(bearer\s+)[A-Za-z0-9\-._~+/=()]+'),
    re.compile(r'(?i)((?:access_|refresh)?token["\']?\s*[:=]\s*["\']?)[^"\'&\s,}]+'),
    re.compile(r'(?i)((?:client_)?secret["\']?\s*[:=]\s*["\']?)[^"\'&\s,}]+'),
    re.compile(r'(?i)(password["\']?\s*[:=]\s*["\']?)[^"\'&\s,}]+'),
)


ENV_MAX_RPS = 'FLEETOPS_PING_MAX_REQUESTS_PER_SECOND'
ENV_ADAPTIVE = 'FLEETOPS_PING_ADAPTIVE_RATE_LIMIT'
ENV_TIME_BUDGET = 'FLEETOPS_PING_RETRY_TIME_BUDGET'
DEFAULT_TIMEOUT = 30.0
DEFAULT_TIME_BUDGET = 300.0
# Defaults of the connection options, for callers that build a client from a plain dict (inventory plugins).
CONNECTION_DEFAULTS = dict(validate_certs=True, timeout=DEFAULT_TIMEOUT, max_requests_per_second=None,
                           adaptive_rate_limit=True, retry_time_budget=DEFAULT_TIME_BUDGET)
_ENV_OF = dict(max_requests_per_second=ENV_MAX_RPS, adaptive_rate_limit=ENV_ADAPTIVE, retry_time_budget=ENV_TIME_BUDGET)


def connection_argument_spec():
    """The options every module has, whatever its API (documented in the fleetops.ping.connection fragment)."""
    return dict(
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=DEFAULT_TIMEOUT),
        max_requests_per_second=dict(type='float', fallback=(env_fallback, [ENV_MAX_RPS])),
        adaptive_rate_limit=dict(type='bool', default=True, fallback=(env_fallback, [ENV_ADAPTIVE])),
        retry_time_budget=dict(type='float', default=DEFAULT_TIME_BUDGET, fallback=(env_fallback, [ENV_TIME_BUDGET])),
    )


def connection_options(params):
    """The connection options from a dict of module-style params; a missing or None key takes its default.

    Values that come as strings (an inventory file, an environment variable) are converted here.
    """
    params = params or {}
    opts = {}
    for key, default in CONNECTION_DEFAULTS.items():
        value = params.get(key)
        if value is None and key in _ENV_OF:
            value = os.environ.get(_ENV_OF[key]) or None
        opts[key] = default if value is None else value
    for key in ('timeout', 'retry_time_budget', 'max_requests_per_second'):
        if opts[key] is not None:
            try:
                opts[key] = float(opts[key])
            except (TypeError, ValueError):
                raise ApiError('%s: %r is not a number' % (key, opts[key]))
    for key in ('validate_certs', 'adaptive_rate_limit'):
        opts[key] = _as_bool(opts[key], key)
    if opts['timeout'] <= 0:
        opts['timeout'] = DEFAULT_TIMEOUT
    if opts['max_requests_per_second'] is not None and opts['max_requests_per_second'] <= 0:
        raise ApiError('max_requests_per_second: must be greater than 0, found %s' % opts['max_requests_per_second'])
    if opts['retry_time_budget'] < 0:
        raise ApiError('retry_time_budget: must be 0 or more seconds, found %s' % opts['retry_time_budget'])
    return opts


def _as_bool(value, key):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ('1', 'true', 'yes', 'on', 'y', 't'):
        return True
    if text in ('0', 'false', 'no', 'off', 'n', 'f'):
        return False
    raise ApiError('%s: %r is not a boolean' % (key, value))


def redact_text(text, secrets=()):
    """``text`` with every given secret and every credential-looking pattern replaced by :data:`REDACTED`.

    Secrets shorter than 4 characters are ignored (they would blank out ordinary words).
    """
    if text is None:
        return text
    text = str(text)
    values = set(str(s) for s in secrets if s is not None and len(str(s)) >= 4)
    for secret in sorted(values, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class ApiError(Exception):
    """A failed API call, already redacted and reduced to one line.

    ``unsure`` is True for a write that got no complete answer (a timeout or a dropped connection after it was
    sent) and was not sent again: the API may have carried it out, so a caller that can read the object should.
    """

    def __init__(self, msg, status=None, method=None, path=None, api_message=None, body=None, unsure=False):
        super(ApiError, self).__init__(msg)
        self.msg = msg
        self.unsure = unsure
        self.status = status
        self.method = method
        self.path = path
        self.api_message = api_message
        self.body = body

    def __str__(self):
        return self.msg


class WriteNotConfirmed(ApiError):
    """A write the API answered with a success status but without the answer its documentation gives for success.

    ``found`` is what the answer held instead (already one line and redacted). The caller decides what it means:
    it may read the object again and report what it finds, or fail; it must never report the change on faith.
    """

    def __init__(self, msg, found=None, **kwargs):
        super(WriteNotConfirmed, self).__init__(msg, **kwargs)
        self.found = found


class Response:
    """What a call returned: status, headers, text, and the body parsed as JSON when it is JSON."""

    def __init__(self, status, headers, text, data, is_json):
        self.status = status
        self.headers = headers
        self.text = text
        self.data = data
        self.is_json = is_json


def one_line(text, limit=MAX_MESSAGE):
    """Fold any text to a single line of at most ``limit`` characters."""
    text = ' '.join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 3] + '...'
    return text


def api_message_from(text, data):
    """Find the API's own words in an error body: a message field of a JSON body, or the plain text."""
    if isinstance(data, dict):
        for key in MESSAGE_KEYS:
            if key in data and data[key] not in (None, '', [], {}):
                value = data[key]
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, sort_keys=True)
                return one_line(value)
        if data:
            return one_line(json.dumps(data, sort_keys=True))
        return ''
    if isinstance(data, list) and data:
        return one_line(json.dumps(data))
    return one_line(text or '')


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, parsed.timestamp() - now)


def backoff_delay(attempt, base, cap, retry_after=None, rand=random.random):
    """Delay before retry number ``attempt`` (1-based).

    ``Retry-After`` wins when the server gave one (capped at ``cap``); otherwise
    exponential backoff ``base * 2**(attempt-1)``, capped, with "equal jitter":
    between half and all of that value, so many workers do not retry in step.
    """
    if retry_after is not None:
        return min(float(cap), float(retry_after))
    ceiling = min(float(cap), float(base) * (2 ** (attempt - 1)))
    return ceiling / 2.0 + rand() * ceiling / 2.0


def full_jitter_delay(attempt, base, cap, rand=random.random):
    """Delay before retry number ``attempt`` when the server named no time: anywhere from 0 to the capped
    exponential ceiling ("full jitter"), so that forks throttled together do not come back together."""
    return rand() * min(float(cap), float(base) * (2 ** (max(1, attempt) - 1)))


# -- one deadline per request --------------------------------------------------------
#
# requests' timeout bounds each socket operation, not the request: a server that sends a byte a second holds a
# call for as long as it likes. Every request therefore gets a deadline: a watchdog thread (one per process,
# shared by every thread and client) shuts the socket of the request's connection down when the deadline passes,
# which frees a read blocked in the headers or the body as well as a send. The connection is never reused after
# that (the pool is handed a closed one's place). No signal is used: the calls also run in thread pools.

class _Deadline:
    """The deadline of one request, and the socket it goes out on once the connection is open.

    The socket itself is kept, not only the connection: http.client lets go of the connection's socket once
    the headers of an answer that ends with the connection are in, and the body is still read from it.
    """

    def __init__(self, seconds):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.lock = threading.Lock()
        self.sock = None
        self.expired = False   # the deadline passed before the answer was read in full
        self.shut = False      # a socket was shut down: the request may have reached the server
        self.done = False

    def opened(self, sock):
        """The connection has its socket (a new one, or a pooled one being reused)."""
        if sock is None:
            return
        with self.lock:
            self.sock = sock
            late = self.expired and not self.done
        if late:
            self.fire()

    def fire(self):
        """Called by the watchdog at the deadline; True when it must look again (the socket is not open yet)."""
        with self.lock:
            if self.done:
                return False
            self.expired = True
            sock = self.sock
            if sock is None:
                return True
            self.shut = True
        _shutdown(sock)
        return False

    def finish(self):
        with self.lock:
            self.done = True


def _shutdown(sock):
    """Shut a socket down for both directions (a TLS socket's own shutdown is bypassed: it is in use)."""
    raw = sock if isinstance(sock, socket.socket) else getattr(sock, 'socket', None)
    if raw is None:
        raw = sock
    try:
        socket.socket.shutdown(raw, socket.SHUT_RDWR)
    except (OSError, TypeError, ValueError):
        try:
            raw.close()
        except Exception:  # pylint: disable=broad-except
            pass


class _Watchdog:
    """One daemon thread per process that fires each request's deadline; restarted in a forked child."""

    def __init__(self):
        self._reset()

    def _reset(self):
        self._cond = threading.Condition(threading.Lock())
        self._heap = []
        self._seq = itertools.count()
        self._thread = None
        self._pid = os.getpid()

    def watch(self, deadline):
        with self._cond:
            if self._pid != os.getpid():  # a fork without the at-fork hook (Python without os.register_at_fork)
                self._heap, self._thread, self._pid = [], None, os.getpid()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name='fleetops-ping-deadlines', daemon=True)
                self._thread.start()
            heapq.heappush(self._heap, (deadline.at, next(self._seq), deadline))
            self._cond.notify()

    def _run(self):
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                wait = self._heap[0][0] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                _at, _seq, deadline = heapq.heappop(self._heap)
            if deadline.fire():
                with self._cond:
                    heapq.heappush(self._heap, (time.monotonic() + _WATCH_POLL, next(self._seq), deadline))


_WATCHDOG = _Watchdog()
_CURRENT = threading.local()
if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_WATCHDOG._reset)  # pylint: disable=protected-access


class _DeadlineConnectionMixin:
    """A urllib3 connection that tells its request's deadline about the socket it opens."""

    def connect(self):
        super(_DeadlineConnectionMixin, self).connect()
        deadline = getattr(self, '_fleetops_deadline', None)
        if deadline is not None:
            deadline.opened(self.sock)


class _DeadlinePoolMixin:
    """A urllib3 connection pool that hands the calling thread's deadline the connection it takes out,
    and never takes back a connection whose deadline passed."""

    def _get_conn(self, timeout=None):
        conn = super(_DeadlinePoolMixin, self)._get_conn(timeout)
        deadline = getattr(_CURRENT, 'deadline', None)
        if deadline is not None:
            conn._fleetops_deadline = deadline  # pylint: disable=protected-access
            deadline.opened(getattr(conn, 'sock', None))  # a kept-alive connection: already open
        return conn

    def _put_conn(self, conn):
        deadline = getattr(conn, '_fleetops_deadline', None) if conn is not None else None
        if deadline is not None:
            conn._fleetops_deadline = None  # pylint: disable=protected-access
            if deadline.expired:
                conn.close()
                conn = None
        return super(_DeadlinePoolMixin, self)._put_conn(conn)


_POOL_CLASSES = {}


def _deadline_pool(cls):
    """The pool class ``cls`` (direct, TLS, or through a SOCKS proxy) with deadlines, and its connections too."""
    if issubclass(cls, _DeadlinePoolMixin):
        return cls
    if cls not in _POOL_CLASSES:
        conn_cls = cls.ConnectionCls
        if not issubclass(conn_cls, _DeadlineConnectionMixin):
            conn_cls = type('Deadline' + conn_cls.__name__, (_DeadlineConnectionMixin, conn_cls), {})
        _POOL_CLASSES[cls] = type('Deadline' + cls.__name__, (_DeadlinePoolMixin, cls), {'ConnectionCls': conn_cls})
    return _POOL_CLASSES[cls]


def _with_deadlines(manager):
    classes = getattr(manager, 'pool_classes_by_scheme', None)
    if isinstance(classes, dict):
        manager.pool_classes_by_scheme = dict((scheme, _deadline_pool(cls)) for scheme, cls in classes.items())
    return manager


class DeadlineAdapter(HTTPAdapter):
    """requests' HTTPAdapter whose pools (direct and through proxies) honour the per-request deadline."""

    def init_poolmanager(self, *args, **kwargs):
        super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
        _with_deadlines(self.poolmanager)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        return _with_deadlines(super(DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs))


class DeadlineExceeded(requests.exceptions.Timeout if HAS_REQUESTS else Exception):
    """The answer did not arrive in full within the request's deadline.

    ``sent`` is False when the deadline passed while the connection was still being opened: nothing reached
    the server, so the request may be sent again whatever its method.
    """

    def __init__(self, msg, sent=True):
        super(DeadlineExceeded, self).__init__(msg)
        self.sent = sent


class HttpClient:
    """A requests.Session wrapper shared by every API client of the collection.

    ``limiter`` (a :class:`ratelimit.RateLimiter`, or None) is asked for a turn before every attempt,
    retries and logins included. ``time_budget`` bounds, in seconds, how long one call keeps retrying:
    answers that mean the request was not processed (HTTP 429, HTTP 503 with Retry-After, a refused connection)
    until it runs out, other transient failures at most ``retries`` times and only while it lasts; 0 retries
    both only ``retries`` times.

    Every attempt has one deadline, ``timeout`` seconds (the larger of a (connect, read) pair) for connecting,
    sending, the headers and the whole body; an answer of more than ``max_response_bytes`` fails unread. So a
    call ends within ``time_budget + timeout`` seconds, and with ``time_budget`` 0 within
    ``(retries + 1) * timeout`` plus the pauses between the attempts (3.5 s in all with the defaults, or what
    Retry-After asks, at most ``backoff_cap`` a pause).
    """

    def __init__(self, base_url, timeout=30, validate_certs=True, retries=3, backoff_base=0.5,
                 backoff_cap=30.0, warn=None, session=None, sleep=time.sleep, rand=random.random,
                 user_agent='fleetops.ping', limiter=None, time_budget=DEFAULT_TIME_BUDGET, api_title='API',
                 clock=time.time, max_response_bytes=MAX_RESPONSE_BYTES):
        if not HAS_REQUESTS:
            raise ApiError('The Python library "requests" is required but could not be imported.')
        self.base_url = str(base_url).rstrip('/')
        if isinstance(timeout, (list, tuple)):
            self.timeout = tuple(float(t) for t in timeout)
        else:
            self.timeout = (min(10.0, float(timeout)), float(timeout))
        self.deadline = max(self.timeout)
        self.max_response_bytes = int(max_response_bytes)
        self.validate_certs = validate_certs
        self.retries = max(0, int(retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.limiter = limiter
        self.time_budget = max(0.0, float(time_budget or 0.0))
        self.api_title = api_title
        self._warn = warn
        self.warnings = []
        self._sleep = sleep
        self._rand = rand
        self._clock = clock
        self._secrets = set()
        self.session = session or requests.Session()
        for prefix in ('http://', 'https://'):
            # Up to 32 threads of one client read pages at once: one pooled connection each.
            self.session.mount(prefix, DeadlineAdapter(pool_maxsize=32))
        self.session.headers['User-Agent'] = user_agent
        self.session.verify = validate_certs
        self._stats_lock = threading.Lock()
        self.request_count = 0      # attempts sent (retries and logins included)
        self.throttled = 0          # answers that throttled (HTTP 429, HTTP 503 with Retry-After)
        self.waited = 0.0           # seconds slept in the limiter and between retries
        self.retried = {}           # '<METHOD> <path>: <reason>' -> how many times it was resent
        self._warned = set()
        self._local = threading.local()

    @property
    def last_attempts(self):
        """Attempts the last call of this thread took (1: sent once); threads that share a client see their own."""
        return getattr(self._local, 'attempts', 0)

    @last_attempts.setter
    def last_attempts(self, value):
        self._local.attempts = value

    # -- secrets -------------------------------------------------------------
    def add_secret(self, value):
        """Remember a value that must never appear in any text this client produces."""
        if value is not None and len(str(value)) >= 4:
            self._secrets.add(str(value))

    def redact(self, text):
        return redact_text(text, self._secrets)

    def warn(self, msg):
        msg = self.redact(msg)
        self.warnings.append(msg)
        if self._warn is not None:
            self._warn(msg)

    def warn_once(self, key, msg):
        """Warn with ``msg`` the first time ``key`` comes up in this client's life (one task, one inventory
        source), however many objects share the gap it describes."""
        with self._stats_lock:
            if key in self._warned:
                return
            self._warned.add(key)
        self.warn(msg)

    # -- what the calls cost -------------------------------------------------
    def api_calls(self):
        """``{requests, throttled, waited_s}`` for every call this client made so far."""
        with self._stats_lock:
            return dict(requests=self.request_count, throttled=self.throttled, waited_s=round(self.waited, 3))

    def summary(self):
        """One line on what was throttled or retried, and how long was waited; None when nothing was."""
        with self._stats_lock:
            if not self.throttled and not self.retried:
                return None
            resent = sum(self.retried.values())
            items = sorted(self.retried.items(), key=lambda item: (-item[1], item[0]))
            shown = '; '.join('%s x%d' % (what, count) for what, count in items[:SUMMARY_ITEMS])
            if len(items) > SUMMARY_ITEMS:
                shown += '; and %d more' % (len(items) - SUMMARY_ITEMS)
            if self.throttled:
                head = '%s throttled this task %d time(s)' % (self.api_title, self.throttled)
            else:
                head = '%s: this task resent %d request(s)' % (self.api_title, resent)
            msg = '%s; it waited %.1f s in total (%d request(s) sent, %d resent: %s); see docs/rate-limits.md' % (
                head, self.waited, self.request_count, resent, shown or 'none')
        return self.redact(msg)

    def _count(self, requests_sent=0, throttled=0, waited=0.0, retried=None):
        with self._stats_lock:
            self.request_count += requests_sent
            self.throttled += throttled
            self.waited += waited
            if retried:
                self.retried[retried] = self.retried.get(retried, 0) + 1

    # -- requests ------------------------------------------------------------
    def url(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def request(self, method, path, params=None, json_body=None, data=None, headers=None,
                ok=(200, 201, 202, 204), idempotent=None, retries=None):
        """Send one call, retrying what may be retried, and return a :class:`Response`.

        Answers that mean "not processed" (HTTP 429, HTTP 503 with Retry-After, a refused connection) are
        retried until the time budget runs out; other transient failures (HTTP 502/503/504, timeouts,
        dropped connections) ``retries`` times. A request that may change something is never resent where
        the server may have acted on it. Raises :class:`ApiError` for any status not in ``ok``, and for
        connection failures and timeouts once retries are spent.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        retries = self.retries if retries is None else retries
        shown_path = self.redact(path.split('?', 1)[0])
        started = self._clock()
        slept = 0.0          # seconds slept by this call (counts against the budget even with a fake clock)
        attempt = counted = unprocessed = 0
        while True:
            attempt += 1
            self.last_attempts = attempt
            if self.limiter is not None:
                waited = self.limiter.acquire()
                slept += waited
                self._count(waited=waited)
            retry_after = None
            throttle = False
            shared_pause = 0.0   # seconds the limiter holds every fork after a throttle
            sent_at = self._clock()
            self._count(requests_sent=1)
            try:
                resp = self._send(method, shown_path, self.url(path), params=params, json=json_body, data=data,
                                  headers=headers)
            except DeadlineExceeded as exc:
                # Nothing reached the server when the deadline passed while connecting: resent like a connect timeout.
                reason, error = ('read timed out after %ss' % self.timeout[1]) if exc.sent else 'connection timed out', exc
                kind = 'transient' if idempotent or not exc.sent else 'fatal'
            except requests.exceptions.ConnectTimeout as exc:
                reason, error, kind = 'connection timed out', exc, 'transient'
            except requests.exceptions.SSLError as exc:
                raise ApiError(self.redact('%s %s: TLS error: %s' % (method, shown_path, one_line(exc))),
                               method=method, path=shown_path)
            except requests.exceptions.ConnectionError as exc:
                reason, error = 'connection failed', exc
                if _refused(exc):
                    # Nothing reached the server: not processed, whatever the method.
                    kind = 'unprocessed'
                elif idempotent or _never_sent(exc):
                    kind = 'transient'
                else:
                    kind = 'fatal'
            except requests.exceptions.Timeout as exc:
                reason, error = 'read timed out after %ss' % self.timeout[1], exc
                kind = 'transient' if idempotent else 'fatal'
            except requests.exceptions.RequestException as exc:
                raise ApiError(self.redact('%s %s: request failed: %s' % (method, shown_path, one_line(exc))),
                               method=method, path=shown_path)
            else:
                status = resp.status_code
                error = resp
                reason = 'HTTP %s' % status
                if status in RETRY_STATUSES:
                    retry_after = parse_retry_after(resp.headers.get('Retry-After'))
                throttle = status == 429 or (status == 503 and retry_after is not None)
                if throttle:
                    self._count(throttled=1)
                    if self.limiter is not None:
                        shared_pause = self.limiter.record_throttle(retry_after, sent_at, headers=resp.headers)
                elif self.limiter is not None:
                    self.limiter.record_ok(sent_at, headers=resp.headers)
                if status in ok:
                    return self._response(resp)
                if retry_after is not None:
                    reason += ' with Retry-After'
                if status == 429 or (throttle and idempotent):
                    kind = 'unprocessed'
                elif status in RETRY_STATUSES and idempotent:
                    kind = 'transient'
                else:
                    raise self.error_from(method, shown_path, resp)
            delay = gave_up = None
            if kind == 'unprocessed' and self.time_budget > 0:
                unprocessed += 1
                if retry_after is not None:
                    delay = min(float(self.backoff_cap), retry_after)
                    if throttle and self.limiter is not None and self.limiter.adaptive:
                        # The limiter holds every fork, this one included, for the shared pause (none once the
                        # server's pace is known); this request waits the rest of its own Retry-After itself.
                        delay = max(0.0, delay - shared_pause)
                else:
                    delay = full_jitter_delay(unprocessed, self.backoff_base, self.backoff_cap, self._rand)
                spent = max(self._clock() - started, slept)
                pause = min(float(self.backoff_cap), retry_after) if retry_after is not None else delay
                if spent + pause > self.time_budget:
                    delay = None
                    gave_up = 'gave up after %d attempt(s) in %.1f s (retry_time_budget %g s)' % (
                        attempt, spent, self.time_budget)
            elif kind in ('transient', 'unprocessed'):
                counted += 1
                if counted <= retries:
                    delay = backoff_delay(counted, self.backoff_base, self.backoff_cap, retry_after, self._rand)
                    spent = max(self._clock() - started, slept)
                    if self.time_budget > 0 and spent + delay > self.time_budget:
                        delay = None
                        gave_up = 'gave up after %d attempt(s) in %.1f s (retry_time_budget %g s)' % (
                            attempt, spent, self.time_budget)
            elif kind == 'fatal':
                gave_up = 'not resent, since the API may have acted on it'
            if delay is None:
                if isinstance(error, Exception):
                    # A write whose request may have reached the API: it may have been carried out.
                    not_sent = any((kind == 'unprocessed', _never_sent(error),
                                    isinstance(error, DeadlineExceeded) and not error.sent,
                                    isinstance(error, requests.exceptions.ConnectTimeout)))
                    unsure = method not in READ_METHODS and not not_sent
                    raise ApiError(self.redact('%s %s: %s (%s)%s' % (method, shown_path, reason, one_line(error, 200),
                                                                     '; ' + gave_up if gave_up else '')),
                                   method=method, path=shown_path, unsure=unsure)
                raise self.error_from(method, shown_path, error, note=gave_up)
            self._count(waited=delay, retried='%s %s: %s' % (method, shown_path, reason))
            if delay > 0:
                self._sleep(delay)
                slept += delay

    def _send(self, method, shown_path, url, **kwargs):
        """One attempt within the deadline: the answer with its whole body read (at most the size cap).

        Raises :class:`DeadlineExceeded` when the deadline passed before the body was in, whatever the socket
        reported then (a shut socket may look like the end of a body that had no Content-Length).
        """
        deadline = _Deadline(self.deadline)
        _CURRENT.deadline = deadline
        _WATCHDOG.watch(deadline)
        resp = None
        try:
            try:
                # The socket's own read timeout is only a backstop behind the deadline, which always comes first.
                resp = self.session.request(method, url, stream=True, timeout=(self.timeout[0], self.deadline + 1.0),
                                            verify=self.validate_certs, **kwargs)
                got = self._read_body(resp, deadline, method, shown_path)
            except Exception as exc:  # pylint: disable=broad-except
                if resp is not None:
                    resp.close()
                if deadline.expired and not isinstance(exc, ApiError):
                    raise DeadlineExceeded(self._late(deadline, resp, None), sent=deadline.shut)
                raise
            deadline.finish()
            if deadline.expired:
                resp.close()
                raise DeadlineExceeded(self._late(deadline, resp, got), sent=deadline.shut)
            return resp
        finally:
            deadline.finish()
            _CURRENT.deadline = None

    @staticmethod
    def _late(deadline, resp, got):
        if resp is None:
            where = 'the headers had not all come'
        elif got is None:
            where = 'HTTP %s came, its body had not ended' % resp.status_code
        else:
            where = 'HTTP %s came, %d bytes of its body' % (resp.status_code, got)
        return 'no complete answer within the %gs deadline: %s' % (deadline.seconds, where)

    def _read_body(self, resp, deadline, method, shown_path):
        """Read the body in chunks, checking the size cap and the deadline; keep it as the response's content."""
        cap = self.max_response_bytes
        declared = str(resp.headers.get('Content-Length') or '').strip()
        if declared.isdigit() and int(declared) > cap:
            raise self._too_large(method, shown_path, resp.status_code, 'it announces %s bytes' % declared)
        body = bytearray()
        for chunk in resp.iter_content(READ_CHUNK):
            body.extend(chunk)
            if len(body) > cap:
                raise self._too_large(method, shown_path, resp.status_code, 'reading stopped there')
            if deadline.expired:
                break
        resp._content = bytes(body)  # pylint: disable=protected-access
        resp._content_consumed = True  # pylint: disable=protected-access
        return len(body)

    def _too_large(self, method, shown_path, status, what):
        return ApiError(self.redact('%s %s: HTTP %s: the answer is larger than %s, the most the collection reads (%s)'
                                    % (method, shown_path, status, _size(self.max_response_bytes), what)),
                        method=method, path=shown_path)

    def _response(self, resp):
        text = resp.text
        data, is_json = None, False
        if text and text.strip():
            try:
                data, is_json = json.loads(text), True
            except ValueError:
                data = None
        return Response(resp.status_code, resp.headers, text, data, is_json)

    def error_from(self, method, shown_path, resp, note=None):
        parsed = self._response(resp)
        api_msg = self.redact(api_message_from(parsed.text, parsed.data))
        reason = getattr(resp, 'reason', '') or ''
        msg = '%s %s: HTTP %s%s' % (method, shown_path, resp.status_code, (' ' + reason) if reason else '')
        if api_msg:
            msg += ': ' + api_msg
        if note:
            msg += '; ' + note
        return ApiError(self.redact(msg), status=resp.status_code, method=method, path=shown_path,
                        api_message=api_msg, body=parsed.data)

    def json(self, method, path, **kwargs):
        """Like :meth:`request` but the answer must be JSON; anything else fails with what was found."""
        resp = self.request(method, path, **kwargs)
        if resp.status == 204 and not resp.text:
            return None
        if not resp.is_json:
            raise ApiError(self.redact('%s %s: HTTP %s: expected a JSON body, found: %s' % (
                method.upper(), path.split('?', 1)[0], resp.status, one_line(resp.text or '(empty body)', 120))),
                status=resp.status, method=method.upper(), path=path.split('?', 1)[0])
        return resp.data


def _size(count):
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return '%d MiB' % (count // (1024 * 1024))
    return '%d bytes' % count


def _refused(exc):
    """True when the server refused the connection: the request never reached it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ConnectionRefusedError):
            return True
        for arg in getattr(exc, 'args', ()):
            if isinstance(arg, BaseException):
                if _refused(arg):
                    return True
        exc = getattr(exc, 'reason', None) or exc.__cause__ or exc.__context__
    return False


def _never_sent(exc):
    """True when a ConnectionError happened before the request could reach the server."""
    text = str(exc)
    return any(marker in text for marker in ('Connection refused', 'Name or service not known',
                                             'Failed to establish a new connection', 'NewConnectionError'))
