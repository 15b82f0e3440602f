# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared HTTP layer for every fleetops.ping client.

One ``requests.Session`` per client with connect/read timeouts, retries with
capped, jittered exponential backoff that honours ``Retry-After``, redaction of
every secret the client knows about, and failures raised as :class:`ApiError`
carrying a single line: method, path, HTTP status and the API's own message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import os
import random
import re
import time
import traceback

from ansible.module_utils.basic import env_fallback

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised by the module wrapper
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

REDACTED = '********'
RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(('GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE'))
MESSAGE_KEYS = ('message', 'Message', 'error_description', 'error', 'detail', 'Error', 'errors', 'msg')
MAX_MESSAGE = 300

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
    """A failed API call, already redacted and reduced to one line."""

    def __init__(self, msg, status=None, method=None, path=None, api_message=None, body=None):
        super(ApiError, self).__init__(msg)
        self.msg = msg
        self.status = status
        self.method = method
        self.path = path
        self.api_message = api_message
        self.body = body

    def __str__(self):
        return self.msg


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


class HttpClient:
    """A requests.Session wrapper shared by every API client of the collection."""

    def __init__(self, base_url, timeout=30, validate_certs=True, retries=3, backoff_base=0.5,
                 backoff_cap=30.0, warn=None, session=None, sleep=time.sleep, rand=random.random,
                 user_agent='fleetops.ping'):
        if not HAS_REQUESTS:
            raise ApiError('The Python library "requests" is required but could not be imported.')
        self.base_url = str(base_url).rstrip('/')
        if isinstance(timeout, (list, tuple)):
            self.timeout = tuple(float(t) for t in timeout)
        else:
            self.timeout = (min(10.0, float(timeout)), float(timeout))
        self.validate_certs = validate_certs
        self.retries = max(0, int(retries))
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._warn = warn
        self.warnings = []
        self._sleep = sleep
        self._rand = rand
        self._secrets = set()
        self.session = session or requests.Session()
        self.session.headers['User-Agent'] = user_agent
        self.session.verify = validate_certs
        self.request_count = 0
        self.last_attempts = 0

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

    # -- requests ------------------------------------------------------------
    def url(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.base_url + '/' + path.lstrip('/')

    def request(self, method, path, params=None, json_body=None, data=None, headers=None,
                ok=(200, 201, 202, 204), idempotent=None, retries=None):
        """Send one call, retrying what may be retried, and return a :class:`Response`.

        Raises :class:`ApiError` for any status not in ``ok``, for connection
        failures and timeouts once retries are spent.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        retries = self.retries if retries is None else retries
        shown_path = self.redact(path.split('?', 1)[0])
        attempt = 0
        while True:
            attempt += 1
            self.last_attempts = attempt
            retry_after = None
            reason = None
            try:
                self.request_count += 1
                resp = self.session.request(method, self.url(path), params=params, json=json_body, data=data,
                                            headers=headers, timeout=self.timeout, verify=self.validate_certs)
            except requests.exceptions.ConnectTimeout as exc:
                reason, error = 'connection timed out', exc
                retryable = True
            except requests.exceptions.SSLError as exc:
                raise ApiError(self.redact('%s %s: TLS error: %s' % (method, shown_path, one_line(exc))),
                               method=method, path=shown_path)
            except requests.exceptions.ConnectionError as exc:
                # A refused or reset connection: the request may not have been processed.
                reason, error = 'connection failed', exc
                retryable = idempotent or _never_sent(exc)
            except requests.exceptions.Timeout as exc:
                reason, error = 'read timed out after %ss' % self.timeout[1], exc
                retryable = idempotent
            except requests.exceptions.RequestException as exc:
                raise ApiError(self.redact('%s %s: request failed: %s' % (method, shown_path, one_line(exc))),
                               method=method, path=shown_path)
            else:
                if resp.status_code in ok:
                    return self._response(resp)
                if resp.status_code in RETRY_STATUSES and (idempotent or resp.status_code == 429):
                    retry_after = parse_retry_after(resp.headers.get('Retry-After'))
                    reason = 'HTTP %s' % resp.status_code
                    error = resp
                    retryable = True
                else:
                    raise self.error_from(method, shown_path, resp)
            if not retryable or attempt > retries:
                if isinstance(error, Exception):
                    raise ApiError(self.redact('%s %s: %s (%s)' % (method, shown_path, reason, one_line(error, 200))),
                                   method=method, path=shown_path)
                raise self.error_from(method, shown_path, error)
            delay = backoff_delay(attempt, self.backoff_base, self.backoff_cap, retry_after, self._rand)
            self.warn('%s %s: %s; retry %d of %d in %.1fs%s' % (
                method, shown_path, reason, attempt, retries, delay,
                ' (Retry-After)' if retry_after is not None else ''))
            self._sleep(delay)

    def _response(self, resp):
        text = resp.text
        data, is_json = None, False
        if text and text.strip():
            try:
                data, is_json = json.loads(text), True
            except ValueError:
                data = None
        return Response(resp.status_code, resp.headers, text, data, is_json)

    def error_from(self, method, shown_path, resp):
        parsed = self._response(resp)
        api_msg = self.redact(api_message_from(parsed.text, parsed.data))
        reason = getattr(resp, 'reason', '') or ''
        msg = '%s %s: HTTP %s%s' % (method, shown_path, resp.status_code, (' ' + reason) if reason else '')
        if api_msg:
            msg += ': ' + api_msg
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


def _never_sent(exc):
    """True when a ConnectionError happened before the request could reach the server."""
    text = str(exc)
    return any(marker in text for marker in ('Connection refused', 'Name or service not known',
                                             'Failed to establish a new connection', 'NewConnectionError'))
