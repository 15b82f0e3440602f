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

A fault rule: ``{"api": "monogoto", "method": "PUT", "path": "regex", "kind":
"status|timeout|malformed|expire_token|reset", "status": 429, "retry_after": 1,
"body": "...", "delay": 5, "times": 1, "apply": false}``; ``times`` counts down, -1 is forever;
``apply`` carries the request out before answering with the fault status.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOOPBACK = '127.0.0.1'


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

    def __init__(self, apps, latency=0.0):
        self.apps = apps
        self.latency = float(latency)
        self.lock = threading.RLock()
        self.log = []
        self.faults = []
        self.seq = 0

    # -- faults ------------------------------------------------------------
    def add_faults(self, rules):
        if isinstance(rules, dict):
            rules = [rules]
        with self.lock:
            for rule in rules:
                rule = dict(rule)
                rule.setdefault('times', 1)
                rule.setdefault('kind', 'status')
                self.faults.append(rule)

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
                if rule['times'] > 0:
                    rule['times'] -= 1
                return dict(rule)
        return None

    # -- dispatch ----------------------------------------------------------
    def record(self, api, request, status, fault=None):
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
                'write': request.method not in ('GET', 'HEAD') and not getattr(request, 'read_only', False),
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
            self.add_faults(request.json or [])
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
                self.log = []
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
        fault = self.take_fault(api, request)
        if fault is not None:
            kind = fault['kind']
            if kind == 'expire_token':
                with self.lock:
                    app.expire_tokens()
            elif kind == 'timeout':
                self.record(api, request, None, fault=kind)
                return None, float(fault.get('delay', 5)), False
            elif kind == 'reset':
                self.record(api, request, None, fault=kind)
                return None, 0, True
            elif kind == 'malformed':
                reply = Reply(int(fault.get('status', 200)), text=fault.get('body', '<html>502 Bad Gateway</html>'),
                              headers={'Content-Type': fault.get('content_type', 'application/json')})
                self.record(api, request, reply.status, fault=kind)
                return reply, 0, False
            else:
                if fault.get('apply'):
                    # The request is carried out, and then answered with the fault (a gateway error after the fact).
                    with self.lock:
                        app.handle(request)
                headers = {}
                if fault.get('retry_after') is not None:
                    headers['Retry-After'] = str(fault['retry_after'])
                body = fault.get('body')
                if isinstance(body, str):
                    reply = Reply(int(fault.get('status', 500)), text=body, headers=headers)
                else:
                    reply = json_reply(body if body is not None else {'message': 'injected fault'},
                                       int(fault.get('status', 500)), headers)
                self.record(api, request, reply.status, fault=kind)
                return reply, 0, False
        with self.lock:
            try:
                reply = app.handle(request)
            except Exception as exc:  # pylint: disable=broad-except
                reply = json_reply({'message': 'simulator error: %r' % exc}, 500)
        self.record(api, request, reply.status)
        return reply, 0, False


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
            reply, hold, drop = sim.dispatch(request)
            if drop:
                self.close_connection = True
                return
            if reply is None:
                time.sleep(hold)
                self.close_connection = True
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
    sim = Simulator(build_apps(things, seed), latency=latency)
    server = SimulatorServer((LOOPBACK, port), make_handler(sim))
    thread = threading.Thread(target=server.serve_forever, name='simulator', daemon=True)
    thread.start()
    return server, sim, 'http://%s:%d' % (LOOPBACK, server.server_address[1])
