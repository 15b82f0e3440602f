# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stateful fake of the APIs fleetops.ping manages, on one loopback port.

Each API is mounted under its own prefix (``/monogoto``, ``/pingpl``,
``/pingasset``) and implemented by an app object with ``handle(request)``.
Control endpoints live under ``/_sim``:

``GET /_sim/log``            the request log (``?since=N`` for entries after seq N)
``DELETE /_sim/log``         clear the log
``POST /_sim/faults``        add fault rules (a JSON object or a list of them)
``DELETE /_sim/faults``      remove every fault rule
``POST /_sim/latency``       ``{"seconds": 0.05}``: delay added to every API answer
``POST /_sim/reset``         reseed every API to its starting state
``GET /_sim/state/<api>``    a dump of one API's state, for tests
``POST /_sim/expire-tokens`` invalidate every token every API has issued
``GET /_sim/secrets``        every password, key, token and client secret any API knows or has issued,
                             so that tests can assert none of them shows up in any output
``POST /_sim/ratelimit``     ``{"rps": 10, "api": null, "retry_after": 1, "burst": null, "per": "credential",
                             "style": "bucket", "headers": "none", "retry_after_format": "seconds",
                             "concurrency": null}``: a server-side rate limit (see below); ``api`` null limits every API
``GET /_sim/ratelimit``      the rate limit in force (null when none) with ``accepted`` and ``throttled`` counts
``DELETE /_sim/ratelimit``   remove the rate limit
``GET /_sim/hostile``        the modes of the fault ``kind: hostile`` (hostile and broken answers: trickles,
                             endless or huge bodies, runaway paging, missing or mis-typed fields, writes that
                             do not say they succeeded), and under it the test cases that use them
                             (``/_sim/hostile/case``, ``/end``, ``/cases``); tests/simulator/hostile.py documents them
``GET /_sim/health``         ``{"ok": true, "apis": [...]}``

``POST /_sim/reset`` also removes every fault rule and the rate limit.

A fault rule: ``{"api": "monogoto", "method": "PUT", "path": "regex", "kind":
"status|timeout|malformed|expire_token|reset|hostile", "status": 429, "retry_after": 1,
"body": "...", "delay": 5, "times": 1, "apply": false, "every": 23, "probability": 0.05,
"seed": 1}``; ``times`` counts down, -1 is forever; ``apply`` carries the request out before
answering with the fault status (or, for ``reset``, before dropping the connection).
Intermittent faults: ``every: N`` fires on every Nth request the rule matches (the Nth, 2Nth, ...),
``probability: p`` fires on a matching request with chance p drawn from a random generator seeded
with ``seed`` (default: the simulator's seed); with both, both must agree. A rule with ``every`` or
``probability`` lasts forever unless it gives ``times``. Rules are tried in order and the first that
fires answers; a rule counts only the requests that reach it. ``kind: reset`` closes the connection
with a TCP reset and no answer.

The rate limit is a token bucket per credential: ``rps`` requests a second, bursts of ``burst``
(default: ``rps``, at least 1). The credential is the bearer token, else ping.pl's ``token``
parameter, else the login identity of an unauthenticated login (Monogoto ``UserName``, PING asset
``client_id``), else the client address; ``per: "api"`` makes one bucket per API instead. A request
beyond the limit is not carried out: it is answered ``429`` with ``Retry-After`` (whole seconds, at
least ``retry_after`` and at least the time until the bucket refills) and a body in the API's style,
and is logged with ``"fault": "ratelimit"``. Control calls are never limited.

``style`` (tests/simulator/ratelimits.py) changes how the limit is enforced: ``bucket`` (the above, default),
``fixed`` (at most R in each whole second), ``sliding`` (at most R in any one second), ``gcra`` (no burst:
one request each 1/R s; its Retry-After, the time to the next slot, rounds up to whole seconds) or
``concurrency`` (at most ``concurrency``, default 2, requests in flight, each held concurrency/R s).
``headers`` ``x`` adds ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` (whole seconds to the reset) to every
answer the limit applies to, 200s and 429s alike; ``ietf`` adds ``RateLimit-Policy: "default";q=R;w=1`` and
``RateLimit: "default";r=<remaining>;t=<seconds>``. ``retry_after_format: "date"`` sends Retry-After as an
HTTP date (the whole second at or after the wait).

Every log entry carries ``seq``, ``time``, ``api``, ``method``, ``path``, ``query``, ``status``
(None when no answer was sent), ``write`` (the method writes), ``applied`` (the API carried the
request out and its own answer was a success: 2xx, and for ping.pl a header status ``OK``; also when a
fault then replaced that answer),
``object`` (the id a write names in its body, e.g. Monogoto's ``ThingId``, or None), ``fault``
and ``tag``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import math
import random
import re
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import ratelimits

LOOPBACK = '127.0.0.1'

# The ids a write may name in its body (JSON or form), recorded in the log as ``object``.
OBJECT_KEYS = ('ThingId', 'monitorId', 'contactId', 'contact', 'id')


def throttled_body(api, seconds):
    """A 429 body in the style of each API (Monogoto: ``Message``; ping.pl: header; PING asset: DRF ``detail``)."""
    if api == 'pingpl':
        return {'header': {'status': 'ERROR', 'code': 429,
                           'message': 'Too many requests: try again in %d second(s)' % seconds}}
    if api == 'pingasset':
        return {'detail': 'Request was throttled. Expected available in %d second%s.' % (seconds, '' if seconds == 1 else 's')}
    return {'Message': 'Too many requests. Rate limit exceeded, retry after %d second(s).' % seconds}


class RateLimit:
    """A rate limit of ``rps`` requests a second per key, enforced in one of ``ratelimits.STYLES``.

    ``style`` bucket (default: bursts of ``burst``), fixed, sliding, gcra or concurrency (at most
    ``concurrency`` requests in flight, each held ``concurrency / rps`` seconds); ``headers`` none, x or ietf
    (advertise the limit on every answer the limit applies to); ``retry_after_format`` seconds or date.
    """

    def __init__(self, rps, api=None, retry_after=1, burst=None, per='credential', style='bucket', headers='none',
                 retry_after_format='seconds', concurrency=None):
        self.rps = float(rps)
        if math.isnan(self.rps) or self.rps <= 0:
            raise ValueError('rps must be a positive number, got %r' % (rps,))
        self.api = api or None
        self.retry_after = max(1, int(math.ceil(float(retry_after if retry_after is not None else 1))))
        self.burst = float(burst) if burst else max(1.0, self.rps)
        if self.burst < 1:
            raise ValueError('burst must be at least 1, got %r' % (burst,))
        if per not in ('credential', 'api'):
            raise ValueError('per must be "credential" or "api", got %r' % (per,))
        style = style or 'bucket'
        if style not in ratelimits.STYLES:
            raise ValueError('style must be one of %s, got %r' % (', '.join(ratelimits.STYLES), style))
        headers = headers or 'none'
        if headers not in ratelimits.HEADERS:
            raise ValueError('headers must be one of %s, got %r' % (', '.join(ratelimits.HEADERS), headers))
        retry_after_format = retry_after_format or 'seconds'
        if retry_after_format not in ratelimits.RETRY_AFTER_FORMATS:
            raise ValueError('retry_after_format must be seconds or date, got %r' % (retry_after_format,))
        self.concurrency = int(concurrency) if concurrency else 2
        if self.concurrency < 1:
            raise ValueError('concurrency must be at least 1, got %r' % (concurrency,))
        self.per = per
        self.style = style
        self.headers = headers
        self.retry_after_format = retry_after_format
        self.buckets = {}
        self.accepted = 0
        self.throttled = 0

    def describe(self):
        return {'rps': self.rps, 'api': self.api, 'retry_after': self.retry_after, 'burst': self.burst,
                'per': self.per, 'style': self.style, 'headers': self.headers,
                'retry_after_format': self.retry_after_format, 'concurrency': self.concurrency,
                'accepted': self.accepted, 'throttled': self.throttled}

    def applies(self, api):
        return self.api in (None, api)

    @property
    def hold(self):
        """Seconds an accepted request is held in flight (the concurrency style's service time), else 0."""
        return self.concurrency / self.rps if self.style == 'concurrency' else 0.0

    def _limiter(self, key, now):
        limiter = self.buckets.get(key)
        if limiter is None:
            limiter = self.buckets[key] = ratelimits.make(self.style, self.rps, self.burst, self.concurrency, now)
        return limiter

    def take(self, key, now=None):
        """Take one request from ``key``'s limit: 0 when allowed, else the seconds until it would be."""
        now = time.monotonic() if now is None else now
        wait = self._limiter(key, now).take(now)
        if wait:
            self.throttled += 1
        else:
            self.accepted += 1
        return wait

    def release(self, key):
        """A request of ``key`` accepted by the concurrency style has been answered."""
        limiter = self.buckets.get(key)
        if limiter is not None and hasattr(limiter, 'release'):
            limiter.release()

    def advert(self, key, now=None):
        """The header fields advertising ``key``'s limit (empty when ``headers`` is none)."""
        if self.headers == 'none':
            return {}
        now = time.monotonic() if now is None else now
        return ratelimits.advert_headers(self.headers, *self._limiter(key, now).advert(now))

    def retry_after_value(self, wait, wall=None):
        """The Retry-After of a 429 ``wait`` seconds before the request would be allowed, and its whole seconds."""
        seconds = max(self.retry_after, int(math.ceil(wait - 1e-9)))
        if self.retry_after_format == 'date':
            wall = time.time() if wall is None else wall
            return email.utils.formatdate(math.ceil(wall + seconds), usegmt=True), seconds
        return str(seconds), seconds


def credential_of(request):
    """What a server would count a request against: the token, else the login identity, else the client."""
    token = request.bearer()
    if token:
        return 'bearer:' + token
    try:
        form = request.form
    except (UnicodeDecodeError, ValueError):
        form = {}
    if form.get('token'):
        return 'token:' + form['token']
    body = request.json
    if isinstance(body, dict):
        for key in ('UserName', 'client_id', 'username'):
            if body.get(key):
                return 'login:%s' % body[key]
    return 'client:%s' % (getattr(request, 'client', None) or '?')


def succeeded(reply):
    """Whether an API's own answer reports success: 2xx, and for ping.pl a header status of OK (its errors are 200s)."""
    if reply.status >= 300:
        return False
    if reply.payload[:1] == b'{' and b'"header"' in reply.payload:
        try:
            header = json.loads(reply.payload.decode('utf-8')).get('header')
        except (ValueError, UnicodeDecodeError, AttributeError):
            return True
        if isinstance(header, dict) and header.get('status', 'OK') != 'OK':
            return False
    return True


def object_of(request):
    """The id a write names in its body, for the log (ids only: never a whole body, which may hold a secret)."""
    body = request.json
    if not isinstance(body, dict):
        try:
            body = request.form
        except (UnicodeDecodeError, ValueError):
            return None
    for key in OBJECT_KEYS:
        value = body.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value != '':
            return str(value)
    return None


class Request:
    def __init__(self, method, path, query, headers, body):
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.raw = body
        self._json = None
        self._json_done = False

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    @property
    def json(self):
        if not self._json_done:
            self._json_done = True
            try:
                self._json = json.loads(self.raw.decode('utf-8')) if self.raw else None
            except ValueError:
                self._json = None
        return self._json

    @property
    def form(self):
        """A form body (application/x-www-form-urlencoded) merged over the query string."""
        merged = dict((k, v[0]) for k, v in self.query.items())
        ctype = self.headers.get('Content-Type', '')
        if self.raw and 'application/x-www-form-urlencoded' in ctype:
            for key, values in parse_qs(self.raw.decode('utf-8'), keep_blank_values=True).items():
                merged[key] = values[0]
        return merged

    def bearer(self):
        value = self.headers.get('Authorization', '')
        if value.lower().startswith('bearer '):
            return value[7:].strip()
        return None


class Reply:
    def __init__(self, status=200, body=None, text=None, headers=None):
        self.status = status
        self.headers = dict(headers or {})
        if text is not None:
            self.payload = text.encode('utf-8')
            self.headers.setdefault('Content-Type', 'text/plain; charset=utf-8')
        elif body is not None or status not in (204,):
            self.payload = json.dumps(body).encode('utf-8') if body is not None else b''
            if body is not None:
                self.headers.setdefault('Content-Type', 'application/json')
        else:
            self.payload = b''


def json_reply(body, status=200, headers=None):
    return Reply(status, body=body, headers=headers)


def text_reply(text, status=200):
    return Reply(status, text=text)


class Simulator:
    """Holds the apps, the request log, the fault rules and the latency."""

    def __init__(self, apps, latency=0.0, seed=1):
        self.apps = apps
        self.latency = float(latency)
        self.seed = seed
        self.lock = threading.RLock()
        self.log = []
        self.faults = []
        self.ratelimit = None
        self.seq = 0

    # -- faults ------------------------------------------------------------
    def add_faults(self, rules):
        if isinstance(rules, dict):
            rules = [rules]
        checked = []
        for rule in rules:
            rule = dict(rule)
            intermittent = rule.get('every') is not None or rule.get('probability') is not None
            rule.setdefault('times', -1 if intermittent else 1)
            rule.setdefault('kind', 'status')
            if rule.get('every') is not None and int(rule['every']) < 1:
                raise ValueError('every must be at least 1, got %r' % (rule['every'],))
            if rule.get('probability') is not None and not 0 <= float(rule['probability']) <= 1:
                raise ValueError('probability must be between 0 and 1, got %r' % (rule['probability'],))
            if rule['kind'] == 'hostile':
                from .hostile import check_rule  # pylint: disable=import-outside-toplevel
                check_rule(rule)
            rule['_matched'] = 0
            rule['_rng'] = random.Random(rule.get('seed', self.seed))
            checked.append(rule)
        with self.lock:
            self.faults.extend(checked)

    def take_fault(self, api, request):
        with self.lock:
            for rule in self.faults:
                if rule.get('api') not in (None, api):
                    continue
                if rule.get('method') and rule['method'].upper() != request.method:
                    continue
                if rule.get('path') and not re.search(rule['path'], request.path):
                    continue
                if rule['times'] == 0:
                    continue
                rule['_matched'] += 1
                if rule.get('every') is not None and rule['_matched'] % int(rule['every']) != 0:
                    continue
                if rule.get('probability') is not None and rule['_rng'].random() >= float(rule['probability']):
                    continue
                if rule['times'] > 0:
                    rule['times'] -= 1
                return dict((k, v) for k, v in rule.items() if not k.startswith('_'))
        return None

    # -- rate limit --------------------------------------------------------
    def set_ratelimit(self, rps, api=None, retry_after=1, burst=None, per='credential', **how):
        """Limit ``api`` (None: every API) to ``rps`` requests a second per credential; rps None removes it.

        ``how``: ``style``, ``headers``, ``retry_after_format``, ``concurrency`` (see :class:`RateLimit`).
        """
        limit = RateLimit(rps, api=api, retry_after=retry_after, burst=burst, per=per, **how) if rps is not None else None
        with self.lock:
            self.ratelimit = limit
        return limit

    def throttle(self, api, request):
        """A 429 reply when the request is beyond the rate limit, else None (see :meth:`admit`)."""
        return self.admit(api, request)[0]

    def admit(self, api, request):
        """``(reply, headers, release)``: a 429 reply when the request is beyond the rate limit (else None), the
        header fields advertising the limit for the answer to an accepted request, and a callable to run once it
        is answered (the concurrency style's slot; None otherwise)."""
        with self.lock:
            limit = self.ratelimit
            if limit is None or not limit.applies(api):
                return None, {}, None
            key = api if limit.per == 'api' else (api, credential_of(request))
            now = time.monotonic()
            wait = limit.take(key, now)
            headers = limit.advert(key, now)
            if not wait:
                release = None
                if limit.style == 'concurrency':
                    def release():
                        with self.lock:
                            limit.release(key)
                return None, headers, release
            value, seconds = limit.retry_after_value(wait)
        headers['Retry-After'] = value
        return json_reply(throttled_body(api, seconds), 429, headers), headers, None

    # -- dispatch ----------------------------------------------------------
    def record(self, api, request, status, fault=None, applied=False):
        write = request.method not in ('GET', 'HEAD') and not getattr(request, 'read_only', False)
        with self.lock:
            self.seq += 1
            self.log.append({
                'seq': self.seq,
                'time': time.time(),
                'api': api,
                'method': request.method,
                'path': request.path,
                'query': dict((k, v[0] if len(v) == 1 else v) for k, v in request.query.items()),
                'status': status,
                'write': write,
                'applied': bool(applied),
                'object': object_of(request) if write else None,
                'fault': fault,
                'tag': getattr(request, 'tag', None),
            })

    def control(self, request):
        parts = request.path.strip('/').split('/')
        name = parts[1] if len(parts) > 1 else ''
        if name == 'log' and request.method == 'GET':
            since = int(request.arg('since', 0))
            with self.lock:
                return json_reply([e for e in self.log if e['seq'] > since])
        if name == 'log' and request.method == 'DELETE':
            with self.lock:
                self.log = []
            return Reply(204)
        if name == 'faults' and request.method == 'POST':
            try:
                self.add_faults(request.json or [])
            except (TypeError, ValueError) as exc:
                return json_reply({'error': str(exc)}, 400)
            return json_reply({'faults': len(self.faults)})
        if name == 'faults' and request.method == 'DELETE':
            with self.lock:
                self.faults = []
            return Reply(204)
        if name == 'latency' and request.method == 'POST':
            self.latency = float((request.json or {}).get('seconds', 0))
            return json_reply({'latency': self.latency})
        if name == 'reset' and request.method == 'POST':
            with self.lock:
                for app in self.apps.values():
                    app.reset()
                self.faults = []
                self.ratelimit = None
                self.log = []
            return Reply(204)
        if name == 'ratelimit' and request.method == 'POST':
            body = request.json
            if not isinstance(body, dict) or body.get('rps') is None:
                return json_reply({'error': 'POST /_sim/ratelimit wants {"rps": R, "api": null, "retry_after": 1}'}, 400)
            try:
                limit = self.set_ratelimit(body['rps'], api=body.get('api'), retry_after=body.get('retry_after', 1),
                                           burst=body.get('burst'), per=body.get('per', 'credential'),
                                           style=body.get('style'), headers=body.get('headers'),
                                           retry_after_format=body.get('retry_after_format'),
                                           concurrency=body.get('concurrency'))
            except (TypeError, ValueError) as exc:
                return json_reply({'error': str(exc)}, 400)
            return json_reply(limit.describe())
        if name == 'ratelimit' and request.method == 'GET':
            with self.lock:
                return json_reply(self.ratelimit.describe() if self.ratelimit else None)
        if name == 'ratelimit' and request.method == 'DELETE':
            self.set_ratelimit(None)
            return Reply(204)
        if name == 'expire-tokens' and request.method == 'POST':
            with self.lock:
                for app in self.apps.values():
                    app.expire_tokens()
            return Reply(204)
        if name == 'state' and request.method == 'GET' and len(parts) > 2 and parts[2] in self.apps:
            with self.lock:
                return json_reply(self.apps[parts[2]].dump())
        if name == 'secrets' and request.method == 'GET':
            with self.lock:
                found = set()
                for app in self.apps.values():
                    found.update(str(v) for v in app.secrets() if v)
            return json_reply(sorted(found))
        if name == 'hostile':
            from .hostile import control  # pylint: disable=import-outside-toplevel
            return control(self, request, parts[2:])
        if name == 'health':
            return json_reply({'ok': True, 'apis': sorted(self.apps)})
        return json_reply({'error': 'unknown control call %s %s' % (request.method, request.path)}, 404)

    def dispatch(self, request):
        """Returns (reply, hold_seconds) where hold means: sleep before answering (timeout faults)."""
        if request.path.startswith('/_sim/') or request.path == '/_sim':
            return self.control(request), 0, False
        parts = request.path.split('/', 2)
        api = parts[1] if len(parts) > 1 else ''
        app = self.apps.get(api)
        if app is None:
            return json_reply({'error': 'no API mounted at /%s' % api}, 404), 0, False
        request.path = '/' + (parts[2] if len(parts) > 2 else '')
        if self.latency:
            time.sleep(self.latency)
        prepare = getattr(app, 'prepare', None)
        if prepare is not None:
            # Lets the app mark the request (read_only, tag) even when a fault answers it.
            prepare(request)
        throttled, advert, release = self.admit(api, request)
        if throttled is not None:
            self.record(api, request, throttled.status, fault='ratelimit')
            return throttled, 0, False
        try:
            if release is not None:
                time.sleep(self.ratelimit.hold if self.ratelimit is not None else 0.0)
            reply, hold, drop = self._carry_out(api, app, request)
        finally:
            if release is not None:
                release()
        if advert and reply is not None and hasattr(reply, 'headers') and not hasattr(reply, 'stream'):
            for name, value in advert.items():
                reply.headers.setdefault(name, value)
        return reply, hold, drop

    def _carry_out(self, api, app, request):
        """The answer to a request the rate limit let through: a fault's, else the API's."""
        fault = self.take_fault(api, request)
        if fault is not None:
            kind = fault['kind']
            if kind == 'hostile':
                from .hostile import answer  # pylint: disable=import-outside-toplevel
                return answer(self, api, app, request, fault)
            if kind == 'expire_token':
                with self.lock:
                    app.expire_tokens()
            elif kind == 'timeout':
                self.record(api, request, None, fault=kind)
                return None, float(fault.get('delay', 5)), False
            elif kind == 'reset':
                applied = False
                if fault.get('apply'):
                    with self.lock:
                        applied = succeeded(self._handle(app, request))
                self.record(api, request, None, fault=kind, applied=applied)
                return None, 0, True
            elif kind == 'malformed':
                reply = Reply(int(fault.get('status', 200)), text=fault.get('body', '<html>502 Bad Gateway</html>'),
                              headers={'Content-Type': fault.get('content_type', 'application/json')})
                self.record(api, request, reply.status, fault=kind)
                return reply, 0, False
            else:
                applied = False
                if fault.get('apply'):
                    # The request is carried out, and then answered with the fault (a gateway error after the fact).
                    with self.lock:
                        applied = succeeded(self._handle(app, request))
                headers = {}
                if fault.get('retry_after') is not None:
                    headers['Retry-After'] = str(fault['retry_after'])
                body = fault.get('body')
                if isinstance(body, str):
                    reply = Reply(int(fault.get('status', 500)), text=body, headers=headers)
                else:
                    reply = json_reply(body if body is not None else {'message': 'injected fault'},
                                       int(fault.get('status', 500)), headers)
                self.record(api, request, reply.status, fault=kind, applied=applied)
                return reply, 0, False
        with self.lock:
            reply = self._handle(app, request)
        self.record(api, request, reply.status, applied=succeeded(reply))
        return reply, 0, False

    @staticmethod
    def _handle(app, request):
        try:
            return app.handle(request)
        except Exception as exc:  # pylint: disable=broad-except
            return json_reply({'message': 'simulator error: %r' % exc}, 500)


def make_handler(sim):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        disable_nagle_algorithm = True
        server_version = 'fleetops-ping-simulator'

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

        def _serve(self):
            split = urlsplit(self.path)
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            request = Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                              self.headers, body)
            request.client = self.client_address[0]
            reply, hold, drop = sim.dispatch(request)
            if drop:
                # A connection reset: close with RST (SO_LINGER 0) and no answer.
                self.close_connection = True
                try:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                except OSError:
                    pass
                return
            if reply is None:
                time.sleep(hold)
                self.close_connection = True
                return
            if hasattr(reply, 'stream'):
                reply.stream(self)  # a hostile answer writes itself (tests/simulator/hostile.py)
                return
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header('Content-Length', str(len(reply.payload)))
            self.end_headers()
            if self.command != 'HEAD':
                self.wfile.write(reply.payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve

    return Handler


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def build_apps(seed_things=20, seed=1):
    """Every API the simulator knows, each in its starting state."""
    from .monogoto import MonogotoApp  # pylint: disable=import-outside-toplevel
    apps = {'monogoto': MonogotoApp(things=seed_things, seed=seed)}
    try:
        from .pingpl import PingPlApp  # pylint: disable=import-outside-toplevel
        apps['pingpl'] = PingPlApp(seed=seed)
    except ImportError:
        pass
    try:
        from .pingasset import PingAssetApp  # pylint: disable=import-outside-toplevel
        apps['pingasset'] = PingAssetApp(seed=seed)
    except ImportError:
        pass
    return apps


def start(port=0, latency=0.0, things=20, seed=1):
    """Start a simulator on 127.0.0.1 in a background thread; returns (server, simulator, base_url)."""
    sim = Simulator(build_apps(things, seed), latency=latency, seed=seed)
    server = SimulatorServer((LOOPBACK, port), make_handler(sim))
    thread = threading.Thread(target=server.serve_forever, name='simulator', daemon=True)
    thread.start()
    return server, sim, 'http://%s:%d' % (LOOPBACK, server.server_address[1])
