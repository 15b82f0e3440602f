# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client for the PING asset customer API 1.0.13 (asset trackers), on the shared HTTP layer.

Authentication is OAuth2 client credentials: ``POST /auth/token/`` with a JSON
body answers an ``access_token`` and its ``expires_in``. The token is cached
across tasks (see token_cache.py) until it expires or the API answers 401; then
one new token is asked for. Lists are paged as ``{"count", "num_pages",
"results"}`` with a ``page`` parameter. Validation errors come back as
``{"field": ["..."], "non_field_errors": ["..."]}`` and are shown as one line.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import env_fallback

from ansible_collections.fleetops.ping.plugins.module_utils.auth import credentials_auth
from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    DEFAULT_TIME_BUDGET, ApiError, HttpClient, connection_argument_spec, connection_options, one_line)
from ansible_collections.fleetops.ping.plugins.module_utils.ratelimit import RateLimiter
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import keyed_digest
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_url

DEFAULT_API_URL = 'https://api.pingasset.com'
TOKEN_PATH = '/auth/token/'
# A token is not used during the last seconds of its documented lifetime, so that a
# request sent just before it runs out does not arrive just after.
EXPIRY_MARGIN = 30.0
# A guard against an API whose paging never ends (num_pages unknown and no empty page).
MAX_PAGES = 10000
NON_FIELD = 'non_field_errors'
VALIDATION_MESSAGE_LIMIT = 500

CONFIGURATIONS = '/1.0/configurations/customer/'
DEVICES = '/1.0/devices/devices/'
EVENTS = '/1.0/events/'
ACCOUNT = '/1.0/customers/accounts/me/'
APPLICATIONS = '/1.0/applications/'


def pingasset_argument_spec(**extra):
    spec = dict(
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['PINGASSET_API_URL'])),
        client_id=dict(type='str', fallback=(env_fallback, ['PINGASSET_CLIENT_ID'])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['PINGASSET_CLIENT_SECRET'])),
        access_token=dict(type='str', no_log=True, fallback=(env_fallback, ['PINGASSET_ACCESS_TOKEN'])),
    )
    spec.update(connection_argument_spec())
    spec.update(extra)
    return spec


def as_int(value):
    """An integer from an int or a string of digits; None for anything else (bool included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read_expires_in(value):
    """Seconds from ``expires_in`` (int, float or a numeric string); None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value) if value > 0 else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number > 0 else None
    return None


def describe_value(value):
    """What a value is, without showing it (it may be a token, as in the vendor's sample)."""
    if isinstance(value, str):
        return 'a string of %d characters that is not a number' % len(value)
    if value is None:
        return 'nothing (null or absent)'
    return 'a value of type %s' % type(value).__name__


def keys_of(data):
    if isinstance(data, dict):
        return ', '.join(sorted(str(k) for k in data)) or '(none)'
    return 'none (found %s)' % type(data).__name__


# -- validation errors -------------------------------------------------------------

def is_validation_body(body):
    """True for a field-keyed validation error body: ``{"field": [...], "non_field_errors": [...]}``."""
    if not isinstance(body, dict) or not body:
        return False
    return all(isinstance(v, (list, dict)) for v in body.values())


def _messages(value):
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, (list, dict)):
                parts.extend(_messages(item))
            elif item not in (None, ''):
                parts.append(str(item))
        return parts
    if isinstance(value, dict):
        return ['%s: %s' % (k, ' '.join(_messages(v))) for k, v in value.items()]
    return [str(value)] if value not in (None, '') else []


def _flatten(body, prefix=''):
    """(field, [messages]) pairs; nested objects (a field of ``settings``) become ``settings.key``."""
    pairs = []
    for key, value in body.items():
        name = '%s.%s' % (prefix, key) if prefix else str(key)
        if isinstance(value, dict):
            pairs.extend(_flatten(value, name))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, item in enumerate(value):
                if item:
                    pairs.extend(_flatten(item, '%s[%d]' % (name, index)))
        else:
            pairs.append((name, _messages(value)))
    return pairs


def format_validation(body):
    """``name: This field is required.; non_field_errors: ...`` (non-field errors last)."""
    pairs = _flatten(body)
    pairs.sort(key=lambda pair: pair[0] == NON_FIELD)
    return '; '.join('%s: %s' % (name, ' '.join(msgs) or '(no message)') for name, msgs in pairs)


def validation_error(exc, http):
    """The same ApiError with its body's validation errors as one readable line (unchanged otherwise)."""
    if not is_validation_body(exc.body):
        return exc
    text = format_validation(exc.body)
    if exc.api_message and exc.msg.endswith(exc.api_message):
        prefix = exc.msg[:len(exc.msg) - len(exc.api_message)]
    else:
        prefix = '%s %s: HTTP %s: ' % (exc.method, exc.path, exc.status)
    msg = http.redact(one_line(prefix + text, VALIDATION_MESSAGE_LIMIT))
    return ApiError(msg, status=exc.status, method=exc.method, path=exc.path,
                    api_message=http.redact(one_line(text, VALIDATION_MESSAGE_LIMIT)), body=exc.body)


# -- client ------------------------------------------------------------------------

class PingAssetClient:
    def __init__(self, api_url, client_id=None, client_secret=None, access_token=None, timeout=30.0,
                 validate_certs=True, warn=None, http=None, now=time.time, max_requests_per_second=None,
                 adaptive_rate_limit=True, retry_time_budget=DEFAULT_TIME_BUDGET):
        if http is None:
            base_url = check_url(api_url)
            # One limiter per endpoint and account: the client_id, or (a token alone) a keyed digest of the token.
            account = ('client', client_id) if client_id else ('token', keyed_digest(access_token or ''))
            limiter = RateLimiter(('pingasset', base_url.rstrip('/')) + account, max_rate=max_requests_per_second,
                                  adaptive=adaptive_rate_limit)
            http = HttpClient(base_url, timeout=timeout, validate_certs=validate_certs, warn=warn, limiter=limiter,
                              time_budget=retry_time_budget, api_title='PING asset API')
        self.http = http
        self._now = now
        self.auth = credentials_auth(self.http, 'pingasset', 'PING asset', 'PINGASSET_', 'access_token', access_token,
                                     'client_id', client_id, 'client_secret', client_secret, self._login_call)

    @classmethod
    def from_params(cls, params, warn=None):
        opts = connection_options(params)
        return cls(params.get('api_url') or DEFAULT_API_URL, client_id=params.get('client_id'),
                   client_secret=params.get('client_secret'), access_token=params.get('access_token'),
                   timeout=opts['timeout'], validate_certs=opts['validate_certs'], warn=warn,
                   max_requests_per_second=opts['max_requests_per_second'],
                   adaptive_rate_limit=opts['adaptive_rate_limit'], retry_time_budget=opts['retry_time_budget'])

    def _login_call(self, client_id, client_secret):
        def login():
            body = {'client_id': client_id, 'client_secret': client_secret, 'grant_type': 'client_credentials'}
            try:
                data = self.http.json('POST', TOKEN_PATH, json_body=body, idempotent=True,
                                      headers={'Accept': 'application/json'})
            except ApiError as exc:
                raise validation_error(exc, self.http)
            token = data.get('access_token') if isinstance(data, dict) else None
            if not isinstance(token, str) or not token:
                raise ApiError('POST %s: the answer holds no access_token; found keys: %s'
                               % (TOKEN_PATH, keys_of(data)), method='POST', path=TOKEN_PATH)
            self.http.add_secret(token)
            entry = {'token': token}
            raw = data.get('expires_in')
            seconds = read_expires_in(raw)
            if seconds is None:
                self.http.warn('POST %s: expires_in is not a number of seconds (found %s); the access token is '
                               'used until the API rejects it with HTTP 401' % (TOKEN_PATH, describe_value(raw)))
            else:
                entry['expires_at'] = self._now() + seconds - min(EXPIRY_MARGIN, seconds / 2.0)
            return entry
        return login

    # -- plumbing -------------------------------------------------------------
    def call(self, method, path, params=None, json_body=None, expect='json', **kwargs):
        """One authenticated call; validation errors become one readable line."""
        def send(token):
            headers = {'Authorization': 'Bearer ' + token, 'Accept': 'application/json'}
            send_call = self.http.json if expect == 'json' else self.http.request
            return send_call(method, path, params=params, json_body=json_body, headers=headers, **kwargs)
        try:
            return self.auth.call(send)
        except ApiError as exc:
            raise validation_error(exc, self.http)

    def _page(self, path, data):
        """(results, count, num_pages) of one page, or a clear failure naming what was found."""
        if not isinstance(data, dict):
            raise ApiError('GET %s: expected a paged object {"count", "num_pages", "results"}, found %s'
                           % (path, 'a list' if isinstance(data, list) else type(data).__name__),
                           method='GET', path=path)
        results = data.get('results')
        if not isinstance(results, list):
            raise ApiError('GET %s: expected "results" to be a list; found keys: %s' % (path, keys_of(data)),
                           method='GET', path=path)
        count = as_int(data.get('count'))
        num_pages = as_int(data.get('num_pages'))
        if count is None and num_pages is None:
            raise ApiError('GET %s: the page carries neither "count" nor "num_pages", so the end of the list cannot '
                           'be known; found keys: %s' % (path, keys_of(data)), method='GET', path=path)
        return results, count, num_pages

    def list_all(self, path, params=None, limit=None):
        """Every item of a paged list (at most ``limit``), and what the API said about it.

        Pages ``1..num_pages`` are read one after the other. When ``num_pages`` is
        absent or 0 while results come back (the vendor's own sample shows
        ``"count": 15, "num_pages": 0``), reading stops at an empty page, at a 404
        for a page past the end, or once ``count`` items are in.
        """
        base = dict((k, v) for k, v in (params or {}).items() if v is not None)
        items = []
        count = num_pages = None
        page = 0
        truncated = False
        while True:
            page += 1
            if page > MAX_PAGES:
                raise ApiError('GET %s: still more pages after %d; giving up' % (path, MAX_PAGES),
                               method='GET', path=path)
            query = dict(base)
            query['page'] = page
            try:
                data = self.call('GET', path, params=query)
            except ApiError as exc:
                if exc.status == 404 and page > 1:
                    if num_pages and page <= num_pages:
                        self.http.warn('GET %s: page %d of %d is gone (HTTP 404); the list shrank while it was '
                                       'read' % (path, page, int(num_pages)))
                    break
                raise
            results, page_count, page_num = self._page(path, data)
            if page == 1:
                count, num_pages = page_count, page_num
            items.extend(results)
            if limit and len(items) >= limit:
                truncated = len(items) > limit or self._more(page, num_pages, count, items, results)
                items = items[:limit]
                break
            if not self._more(page, num_pages, count, items, results):
                break
        return items, {'count': count if count is not None else len(items), 'num_pages': num_pages,
                       'pages_read': page, 'truncated': truncated}

    def list_all_concurrent(self, path, params=None, workers=1):
        """Every item of a paged list, pages 2..num_pages read ``workers`` at a time once page 1 gave num_pages.

        Without a usable ``num_pages`` on page 1 (absent or 0), reading goes on one page after the other as
        :meth:`list_all` does. A page past the end that answers 404 (the list shrank while it was read) is
        warned about; an item seen on an earlier page (the list shifted) is not repeated.
        """
        base = dict((k, v) for k, v in (params or {}).items() if v is not None)
        first = self.call('GET', path, params=dict(base, page=1))
        results, count, num_pages = self._page(path, first)
        if not num_pages or num_pages <= 1 or workers <= 1:
            if num_pages and num_pages <= 1:
                return results, {'count': count if count is not None else len(results), 'num_pages': num_pages,
                                 'pages_read': 1, 'truncated': False}
            return self.list_all(path, params)
        if num_pages > MAX_PAGES:
            raise ApiError('GET %s: the list claims %d pages, more than %d; giving up' % (path, num_pages, MAX_PAGES),
                           method='GET', path=path)

        def read(page):
            try:
                return self._page(path, self.call('GET', path, params=dict(base, page=page)))[0]
            except ApiError as exc:
                if exc.status == 404:
                    self.http.warn('GET %s: page %d of %d is gone (HTTP 404); the list shrank while it was read'
                                   % (path, page, num_pages))
                    return []
                raise

        pages = list(range(2, num_pages + 1))
        with ThreadPoolExecutor(max_workers=min(workers, len(pages))) as pool:
            rest = list(pool.map(read, pages))
        items, seen = [], set()
        for page_items in [results] + rest:
            for item in page_items:
                key = item.get('id') if isinstance(item, dict) and item.get('id') is not None else id(item)
                if key in seen:
                    continue
                seen.add(key)
                items.append(item)
        return items, {'count': count if count is not None else len(items), 'num_pages': num_pages,
                       'pages_read': num_pages, 'truncated': False}

    @staticmethod
    def _more(page, num_pages, count, items, results):
        if num_pages:
            return page < num_pages
        if not results:
            return False
        return count is None or len(items) < count

    # -- account --------------------------------------------------------------
    def account(self):
        data = self.call('GET', ACCOUNT)
        if not isinstance(data, dict):
            raise ApiError('GET %s: expected a JSON object, found %s' % (ACCOUNT, type(data).__name__),
                           method='GET', path=ACCOUNT)
        return data

    # -- configurations -------------------------------------------------------
    def list_configurations(self, name=None, search=None, ordering=None):
        params = {'name': name, 'search': search, 'ordering': ordering}
        return self.list_all(CONFIGURATIONS, params)

    def get_configuration(self, config_id):
        """The configuration, or None when the API answers 404."""
        try:
            return self._object('GET', '%s%s/' % (CONFIGURATIONS, config_id))
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def create_configuration(self, body):
        return self._object('POST', CONFIGURATIONS, json_body=body)

    def patch_configuration(self, config_id, body):
        return self._object('PATCH', '%s%s/' % (CONFIGURATIONS, config_id), json_body=body)

    def publish_configuration(self, config_id):
        """Publish; the answer's body is not documented, so the configuration is read again unless it is in it."""
        path = '%s%s/publish/' % (CONFIGURATIONS, config_id)
        resp = self.call('POST', path, expect='response')
        data = resp.data if resp.is_json else None
        if isinstance(data, dict) and data.get('id') is not None and 'settings' in data and 'state' in data:
            return data
        current = self.get_configuration(config_id)
        if current is None:
            raise ApiError('GET %s%s/: the configuration published a moment ago is gone (HTTP 404)'
                           % (CONFIGURATIONS, config_id), status=404, method='GET',
                           path='%s%s/' % (CONFIGURATIONS, config_id))
        return current

    def delete_configuration(self, config_id):
        """Delete; False when it was already gone (404)."""
        return self._delete('%s%s/' % (CONFIGURATIONS, config_id))

    # -- devices and events ---------------------------------------------------
    def list_devices(self, params, limit=None):
        return self.list_all(DEVICES, params, limit=limit)

    def list_events(self, params, limit=None):
        return self.list_all(EVENTS, params, limit=limit)

    # -- applications ---------------------------------------------------------
    def list_applications(self):
        items, meta = self.list_all(APPLICATIONS)
        for item in items:
            if isinstance(item, dict):
                self.http.add_secret(item.get('client_secret'))
        return items, meta

    def create_application(self, body):
        data = self._object('POST', APPLICATIONS, json_body=body)
        self.http.add_secret(data.get('client_secret'))
        return data

    def patch_application(self, app_id, body):
        data = self._object('PATCH', '%s%s/' % (APPLICATIONS, app_id), json_body=body)
        self.http.add_secret(data.get('client_secret'))
        return data

    def delete_application(self, app_id):
        return self._delete('%s%s/' % (APPLICATIONS, app_id))

    # -- helpers --------------------------------------------------------------
    def _object(self, method, path, **kwargs):
        data = self.call(method, path, **kwargs)
        if not isinstance(data, dict):
            raise ApiError('%s %s: expected a JSON object, found %s' % (method, path, type(data).__name__),
                           method=method, path=path)
        return data

    def _delete(self, path):
        try:
            self.call('DELETE', path, expect='response')
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True
