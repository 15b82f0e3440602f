# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile and broken answers: the simulator's fault ``kind: hostile``.

A hostile rule is a fault rule (``POST /_sim/faults``, ``--fault`` or ``--hostile`` on the command line) with
``"kind": "hostile"`` and a ``mode``; it matches requests like any other rule (``api``, ``method``, ``path``,
``times``, ``every``, ``probability``). ``GET /_sim/hostile`` lists the modes. Every answered request is logged
once, with ``"fault": "hostile:<mode>"``.

How the answer arrives (the API's own answer, or ``body`` when given, sent in a hostile way):

``trickle_headers``  the status line and headers one byte every ``interval`` seconds (default 1), then the body
``trickle_body``     the headers at once (with the body's true Content-Length), then the body one byte every
                     ``interval`` seconds
``endless_body``     HTTP 200 with a chunked JSON body that never ends: ``chunk`` bytes (default 65536) every
                     ``interval`` seconds (default 0.05)
``short_body``       a Content-Length ``missing`` bytes (default 100) more than the body, which is sent, then
                     nothing: the connection stays open
``huge``             a JSON body of ``size`` bytes (default 50 MB), as fast as the client reads it; with
                     Content-Length unless ``"announce": false`` (then chunked)

Every streaming mode stops when the client hangs up, and after ``duration`` seconds at most (default 30).

What the answer says (the API's own answer, changed; reads are carried out, writes only with ``"apply": true``):

``repeat_page``      paging that ignores the page asked for: Monogoto ``GET /things`` answers offset 0, filled up
                     to a full page with the same phantom Things each time; PING asset lists answer page 1 (with
                     their true ``count`` and ``num_pages``)
``next_back``        PING asset lists: ``next`` points back at the page before (page 1 at itself)
``endless_pages``    pages that never end, each full of new objects: Monogoto ``GET /things`` at any offset; PING
                     asset lists past their last page, announcing ``count`` and ``num_pages`` as page 1 does
                     (``"announce": "count"``: ``num_pages`` 0, as the vendor's sample shows)
``grow_pages``       PING asset lists: each page announces one page more than the page number asked for
``drop_field``       ``field`` (or each of a list of fields) removed from the JSON answer
``retype_field``     ``field`` converted ``to`` ``str`` (default), ``int``, ``bool_str`` ("true"/"false"),
                     ``null`` or ``list``
``not_success``      a write answered with a success status but not with what the vendor documents as success;
                     not carried out unless ``"apply": true``. Monogoto: ``status`` 200 with the text ``body``
                     (default "Thing update queued."); ping.pl: HTTP 200 with the header status
                     ``header_status`` (default ``PENDING``), or with ``data`` when given (the header then says OK);
                     PING asset: ``status`` (default 202 for DELETE, else 200) with the object as it stands
                     (``{"detail": "Accepted."}`` for a creation)

A ``field`` is a dotted path into the JSON answer; ``[]`` stands for every element of a list: ``data`` and
``data.monitors[].id`` (ping.pl), ``results[].id`` and ``count`` (PING asset), ``[].ThingId`` (Monogoto's
listing), ``Data[].ThingId`` (Monogoto's status), ``LockMasterImei`` (a Thing).

Test cases, each a fresh start with its rules and a record of what it cost (GET as well as POST, so that a
playbook can drive them with the ``url`` lookup, which runs in the controller, where ``uri`` is a module process
per call):

``GET|POST /_sim/hostile/case?name=N&class=C&rules=JSON``  reset every API, its faults and rate limit (the request
                                                          log is kept), add the rules, start the case's clock
``GET|POST /_sim/hostile/end?api=A``                       end the case: ``{"wall_s", "requests", "log", "state"}``
                                                          (the requests to API ``A`` since the case began, and
                                                          its state)
``GET /_sim/hostile/cases``, ``DELETE``                   the figures of every case ended (name, class, api,
                                                          wall_s, requests), or clear them
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import socket
import time
from urllib.parse import urlencode

from .core import Reply, json_reply, succeeded, text_reply

STREAMING = ('trickle_headers', 'trickle_body', 'endless_body', 'short_body', 'huge')
CONTENT = ('repeat_page', 'next_back', 'endless_pages', 'grow_pages', 'drop_field', 'retype_field', 'not_success')
MODES = STREAMING + CONTENT
DEFAULT_DURATION = 30.0

HELP = {
    'trickle_headers': 'status line and headers one byte every interval (1 s), then the body',
    'trickle_body': 'headers at once, then the body one byte every interval (1 s)',
    'endless_body': 'a chunked JSON body that never ends: chunk bytes (65536) every interval (0.05 s)',
    'short_body': 'Content-Length missing (100) bytes more than the body sent; the connection stays open',
    'huge': 'a JSON body of size bytes (50 MB), with Content-Length unless announce is false',
    'repeat_page': 'Monogoto /things answers offset 0, PING asset lists page 1, whatever was asked',
    'next_back': 'PING asset lists: next points back at the page before (page 1 at itself)',
    'endless_pages': 'pages full of new objects past the end of the list, forever',
    'grow_pages': 'PING asset lists: each page announces one page more than the one asked for',
    'drop_field': 'field removed from the JSON answer',
    'retype_field': 'field converted to str (default), int, bool_str, null or list',
    'not_success': 'a write answered with a success status but not the documented success; not applied',
}


def describe():
    """What ``GET /_sim/hostile`` answers."""
    return {'kind': 'hostile', 'modes': HELP,
            'fields': 'dotted path, [] for every element of a list: data.monitors[].id, results[].id, [].ThingId'}


def control(sim, request, parts):
    """The ``/_sim/hostile`` control calls (see the module's documentation)."""
    what = parts[0] if parts else ''
    if not what:
        return json_reply(describe())
    cases = sim.__dict__.setdefault('hostile_cases', [])
    if what == 'case':
        args = request.json if request.method == 'POST' and isinstance(request.json, dict) else {
            'name': request.arg('name'), 'class': request.arg('class'), 'rules': json.loads(request.arg('rules') or '[]')}
        with sim.lock:
            for app in sim.apps.values():
                app.reset()
            sim.faults = []
            sim.ratelimit = None
            try:
                sim.add_faults(args.get('rules') or [])
            except (TypeError, ValueError) as exc:
                return json_reply({'error': str(exc)}, 400)
            sim.hostile_case = {'name': args.get('name'), 'class': args.get('class'), 'since': sim.seq,
                                'started': time.time()}
        return json_reply(sim.hostile_case)
    if what == 'end':
        api = request.arg('api') or (request.json or {}).get('api')
        with sim.lock:
            case = getattr(sim, 'hostile_case', None)
            if case is None or api not in sim.apps:
                return json_reply({'error': 'no case under way, or no API %r' % api}, 400)
            entries = [e for e in sim.log if e['seq'] > case['since']]
            figures = {'name': case['name'], 'class': case['class'], 'api': api,
                       'wall_s': round(time.time() - case['started'], 3),
                       'requests': len([e for e in entries if e['api'] == api])}
            cases.append(figures)
            sim.hostile_case = None
            state = sim.apps[api].dump()
        return json_reply(dict(figures, log=entries, state=state))
    if what == 'cases' and request.method == 'DELETE':
        del cases[:]
        return Reply(204)
    if what == 'cases':
        return json_reply(list(cases))
    return json_reply({'error': 'unknown control call %s %s' % (request.method, request.path)}, 404)


def check_rule(rule):
    """Refuse a hostile rule with an unknown mode before it is stored."""
    mode = rule.get('mode')
    if mode not in MODES:
        raise ValueError('hostile: mode must be one of %s, got %r' % (', '.join(MODES), mode))
    if mode in ('drop_field', 'retype_field') and not rule.get('field'):
        raise ValueError('hostile: mode %s needs a field' % mode)


# -- entry point (core.Simulator.dispatch) ---------------------------------------------

def answer(sim, api, app, request, rule):
    """(reply, hold, drop) for a request a hostile rule fired on, logged once."""
    mode = rule['mode']
    tag = 'hostile:' + mode
    write = request.method not in ('GET', 'HEAD') and not getattr(request, 'read_only', False)
    if mode == 'not_success':
        return _not_success(sim, api, app, request, rule, tag)
    carried = True
    if mode in ('repeat_page', 'endless_pages', 'next_back', 'grow_pages'):
        reply = _paging(sim, api, app, request, rule)
    elif rule.get('body') is not None and mode in STREAMING:
        body = rule['body']
        reply = text_reply(body) if isinstance(body, str) else json_reply(body)
        carried = False
    elif write and not rule.get('apply', True):
        reply = json_reply({'message': 'not carried out (hostile rule)'})
        carried = False
    else:
        reply = _handle(sim, app, request)
    applied = carried and succeeded(reply)
    if mode in ('drop_field', 'retype_field'):
        reply = _edit(reply, rule)
    sim.record(api, request, reply.status, fault=tag, applied=applied)
    if mode in STREAMING:
        reply = Streaming(mode, reply, rule)
    return reply, 0, False


# -- streaming answers ------------------------------------------------------------------

class Streaming:
    """A reply that writes itself to the handler's socket (core's handler calls ``stream``)."""

    def __init__(self, mode, reply, rule):
        self.mode = mode
        self.reply = reply
        self.rule = rule
        self.status = reply.status
        self.stop_at = time.monotonic() + float(rule.get('duration', DEFAULT_DURATION))

    def _head(self, length=None, chunked=False):
        reason = {200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content'}.get(self.status, 'Whatever')
        lines = ['HTTP/1.1 %d %s' % (self.status, reason)]
        headers = dict(self.reply.headers)
        headers.setdefault('Content-Type', 'application/json')
        for key, value in headers.items():
            lines.append('%s: %s' % (key, value))
        if chunked:
            lines.append('Transfer-Encoding: chunked')
        else:
            lines.append('Content-Length: %d' % (len(self.reply.payload) if length is None else length))
        lines.append('Connection: close')
        return ('\r\n'.join(lines) + '\r\n\r\n').encode('latin-1')

    def _alive(self):
        return time.monotonic() < self.stop_at

    def _trickle(self, out, data, interval):
        for index in range(len(data)):
            if not self._alive():
                return False
            out.write(data[index:index + 1])
            out.flush()
            time.sleep(interval)
        return True

    def stream(self, handler):
        out = handler.wfile
        mode = self.mode
        interval = float(self.rule.get('interval', 0.05 if mode == 'endless_body' else 1.0))
        try:
            if mode == 'trickle_headers':
                if self._trickle(out, self._head(), interval):
                    out.write(self.reply.payload)
            elif mode == 'trickle_body':
                out.write(self._head())
                self._trickle(out, self.reply.payload, interval)
            elif mode == 'short_body':
                out.write(self._head(length=len(self.reply.payload) + int(self.rule.get('missing', 100))))
                out.write(self.reply.payload)
                out.flush()
                self._idle(handler)
            elif mode == 'endless_body':
                out.write(self._head(chunked=True))
                piece = _padding(int(self.rule.get('chunk', 65536)))
                out.write(_chunk(b'['))
                while self._alive():
                    out.write(_chunk(piece))
                    out.flush()
                    time.sleep(interval)
            elif mode == 'huge':
                size = int(self.rule.get('size', 50 * 1000 * 1000))
                announce = self.rule.get('announce', True)
                out.write(self._head(length=size, chunked=not announce))
                sent, piece = 0, _padding(65536)
                while sent < size and self._alive():
                    part = piece[:size - sent]
                    out.write(part if announce else _chunk(part))
                    sent += len(part)
                if not announce:
                    out.write(b'0\r\n\r\n')
            out.flush()
        except (OSError, ValueError):
            pass  # the client hung up, as it should
        handler.close_connection = True

    def _idle(self, handler):
        """Keep the connection open, sending nothing, until the client hangs up or the duration passes."""
        sock = handler.connection
        sock.settimeout(0.2)
        while self._alive():
            try:
                if sock.recv(1) == b'':
                    return
            except socket.timeout:
                continue
            except OSError:
                return


def _chunk(data):
    return b'%x\r\n%s\r\n' % (len(data), data)


def _padding(size):
    unit = b'{"pad": "' + b'x' * 48 + b'"},'
    return (unit * (size // len(unit) + 1))[:size]


# -- paging ---------------------------------------------------------------------------------

def _paging(sim, api, app, request, rule):
    mode = rule['mode']
    if api == 'monogoto':
        if mode == 'endless_pages':
            return json_reply(_fresh_things(app, request))
        if mode == 'repeat_page':
            # Offset 0 whatever was asked, made a full page (the same phantom Things each time) so that the
            # listing cannot end at a short page.
            things = _json(_handle(sim, app, _asking(request, offset='0'))) or []
            limit = min(_int(request.arg('limit', 50), 50), 50)
            return json_reply(things + _fresh_things(app, request, limit - len(things), offset=0))
        return _handle(sim, app, request)
    page = _int(request.arg('page', '1'), 1)
    if mode == 'endless_pages' and page > 1:
        first = _handle(sim, app, _asking(request, page='1'))
        body = _json(first)
        if isinstance(body, dict):
            size = max(1, len(body.get('results') or []))
            results = [_fresh_item(body.get('results') or [], page, i) for i in range(size)]
            body = dict(body, results=results)
            if rule.get('announce') == 'count':
                body['num_pages'] = 0
            return json_reply(body)
        return first
    reply = _handle(sim, app, _asking(request, page='1') if mode == 'repeat_page' else request)
    body = _json(reply)
    if not isinstance(body, dict):
        return reply
    if mode == 'endless_pages' and rule.get('announce') == 'count':
        body['num_pages'] = 0
    if mode == 'next_back':
        back = max(1, page - 1)
        query = urlencode(dict(_plain_query(request), page=back))
        body['next'] = 'http://%s%s?%s' % (request.headers.get('Host', '127.0.0.1'), _mounted(api, request.path), query)
        body['previous'] = None
    if mode == 'grow_pages':
        body['num_pages'] = page + 1
    return json_reply(body, reply.status)


def _handle(sim, app, request):
    with sim.lock:
        return sim._handle(app, request)  # pylint: disable=protected-access


def _asking(request, **query):
    """A copy of the request with other query parameters (the log keeps what was asked)."""
    probe = copy.copy(request)
    probe.query = dict(request.query)
    for key, value in query.items():
        probe.query[key] = [value]
    return probe


def _mounted(api, path):
    return '/%s%s' % (api, path)


def _plain_query(request):
    return dict((k, v[0]) for k, v in request.query.items() if v)


def _int(text, default):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default


def _fresh_things(app, request, limit=None, offset=None):
    """A full page of Things no listing has shown before, at whatever offset."""
    limit = min(_int(request.arg('limit', 50), 50), 50) if limit is None else limit
    offset = _int(request.arg('offset', 0), 0) if offset is None else offset
    template = app.public(app.things[app.order[0]])
    things = []
    for index in range(limit):
        number = 10 ** 6 + offset + index
        thing = dict(template, ThingId='ThingId_ICCID_8999%015d' % number, ExternalUniqueId='8999%015d' % number,
                     ThingName='Phantom %d' % number)
        things.append(thing)
    return things


def _fresh_item(results, page, index):
    template = dict(results[0]) if results and isinstance(results[0], dict) else {}
    template['id'] = 10 ** 6 + page * 1000 + index
    for key in ('name', 'imei'):
        if key in template:
            template[key] = '%s-phantom-%d-%d' % (template[key], page, index)
    return template


# -- fields -------------------------------------------------------------------------------

def _json(reply):
    try:
        return json.loads(reply.payload.decode('utf-8')) if reply.payload else None
    except (ValueError, UnicodeDecodeError):
        return None


def _edit(reply, rule):
    body = _json(reply)
    if body is None:
        return reply
    body = copy.deepcopy(body)
    fields = rule['field'] if isinstance(rule['field'], list) else [rule['field']]
    for field in fields:
        _apply(body, field.split('.'), rule['mode'], rule.get('to', 'str'))
    headers = dict((k, v) for k, v in reply.headers.items() if k.lower() != 'content-length')
    return Reply(reply.status, body=body, headers=headers)


def _apply(node, parts, mode, to):
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    every = head.endswith('[]')
    key = head[:-2] if every else head
    if key:
        if not isinstance(node, dict) or key not in node:
            return
        if not every and not rest:
            if mode == 'drop_field':
                del node[key]
            else:
                node[key] = _convert(node[key], to)
            return
        node = node[key]
    if every:
        if not isinstance(node, list):
            return
        if not rest:
            for index, item in enumerate(node):
                node[index] = _convert(item, to)
            return
        for item in node:
            _apply(item, rest, mode, to)
        return
    _apply(node, rest, mode, to)


def _convert(value, to):
    if to == 'str':
        return json.dumps(value) if isinstance(value, (dict, list)) else ('' if value is None else str(value))
    if to == 'int':
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0
    if to == 'bool_str':
        return 'true' if value else 'false'
    if to == 'null':
        return None
    if to == 'list':
        return [value]
    return value


# -- writes that do not say they succeeded ---------------------------------------------

def _not_success(sim, api, app, request, rule, tag):
    applied = False
    if rule.get('apply'):
        applied = succeeded(_handle(sim, app, request))
    if api == 'monogoto':
        reply = text_reply(rule.get('body', 'Thing update queued.'), int(rule.get('status', 200)))
    elif api == 'pingpl':
        if rule.get('data') is not None:
            reply = json_reply({'header': {'status': 'OK'}, 'data': rule['data']})
        else:
            reply = json_reply({'header': {'status': rule.get('header_status', 'PENDING')}})
    else:
        status = int(rule.get('status', 202 if request.method == 'DELETE' else 200))
        if request.method == 'POST' and not request.path.endswith('/publish/'):
            reply = json_reply({'detail': 'Accepted.'}, status)
        else:
            probe = copy.copy(request)
            probe.method = 'GET'
            probe.path = request.path[:-len('publish/')] if request.path.endswith('/publish/') else request.path
            current = _handle(sim, app, probe)
            reply = Reply(status, body=_json(current))
    sim.record(api, request, reply.status, fault=tag, applied=applied)
    return reply, 0, False
