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

import json
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.fleetops.ping.plugins.module_utils.answers import (
    OPTIONAL, REQUIRED, Fields, as_int, keys_of, same)
from ansible_collections.fleetops.ping.plugins.module_utils.auth import credentials_auth
from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    DEFAULT_TIME_BUDGET, ApiError, HttpClient, WriteNotConfirmed, connection_argument_spec, connection_options,
    one_line)
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
PASSWORD_CHANGE = '/1.0/customers/accounts/password/change/'
APPLICATIONS = '/1.0/applications/'

# The fields of the answers, with the types the modules' RETURN documents (the vendor's samples).
CONFIG_FIELDS = (('id', 'int', REQUIRED), ('name', 'str', REQUIRED), ('state', 'str', REQUIRED),
                 ('description', 'str', OPTIONAL), ('settings', 'dict', OPTIONAL), ('checksum', 'str', OPTIONAL),
                 ('created_at', 'str', OPTIONAL), ('modified_at', 'str', OPTIONAL))
APPLICATION_FIELDS = (('id', 'int', REQUIRED), ('name', 'str', REQUIRED), ('authorization_grant_type', 'str', REQUIRED),
                      ('client_id', 'str', OPTIONAL), ('redirect_uris', 'str', OPTIONAL))
# Device fields are not documented (the docs stop inside the filters): those the filters name get the filters' types.
DEVICE_FIELDS = (('id', 'int', OPTIONAL), ('imei', 'str', OPTIONAL), ('mac', 'str', OPTIONAL), ('fault', 'bool', OPTIONAL),
                 ('customer_group_id', 'int', OPTIONAL), ('latitude', 'float', OPTIONAL),
                 ('longitude', 'float', OPTIONAL))


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


# -- paging ------------------------------------------------------------------------

PAGE_FIELDS = (('count', 'int', OPTIONAL), ('num_pages', 'int', OPTIONAL), ('next', 'str', OPTIONAL))
# Pages read past what the page count announced, when only ``count`` is known (pages may be short).
PAGE_MARGIN = 1


def item_key(item):
    """What tells one listed item from another: its id, else the whole item."""
    if isinstance(item, dict) and item.get('id') is not None:
        return ('id', str(item.get('id')))
    return ('item', json.dumps(item, sort_keys=True, default=str))


def page_of(url):
    """The ``page`` a ``next`` link asks for; None when it names none (or is not a link)."""
    try:
        values = parse_qs(urlsplit(str(url)).query).get('page')
    except ValueError:
        return None
    return as_int(values[0]) if values else None


class Paging:
    """What the pages of one listing announced and held, with the guards that keep paging from running away.

    Page 1's ``count`` and ``num_pages`` set the plan: never more than ``num_pages`` pages, or (with only
    ``count``) than ``count`` items and ``ceil(count / page size) + 1`` pages. A later page that announces
    another ``num_pages``, a page that repeats an earlier one or is mostly made of items already listed, a
    ``next`` that points back (or at a page already read), and more items than ``count`` when only ``count`` is
    known, each fail in one line naming the call and what was seen. An item met again on a later page (the list
    shifted while it was read) is listed once.
    """

    def __init__(self, client, path):
        self.client = client
        self.path = path
        self.count = self.num_pages = None
        self.items = []
        self.seen = {}
        self.pages = {}
        self.pages_read = 0
        self.bound = MAX_PAGES

    def fail(self, msg):
        raise ApiError('GET %s: %s' % (self.path, msg), method='GET', path=self.path)

    def take(self, page, data):
        results, count, num_pages = self.client._page(self.path, data)  # pylint: disable=protected-access
        self.pages_read = max(self.pages_read, page)
        if page == 1:
            self.count, self.num_pages = count, num_pages
            if num_pages:
                if num_pages > MAX_PAGES:
                    self.fail('the list claims %d pages, more than %d; giving up' % (num_pages, MAX_PAGES))
                self.bound = num_pages
            elif count is not None:
                self.bound = min(MAX_PAGES, -(-count // max(1, len(results))) + PAGE_MARGIN) if results else 1
        elif self.num_pages and num_pages != self.num_pages:
            self.fail('page %d announces %s pages where page 1 announced %d (the list changed while it was read, or '
                      'its paging runs away)' % (page, num_pages, self.num_pages))
        nxt = page_of(data.get('next')) if data.get('next') is not None else None
        if nxt is not None and nxt <= page:
            self.fail('the "next" of page %d points %s page %d, which was read already'
                      % (page, 'at' if nxt == page else 'back to', nxt))
        keys = [item_key(item) for item in results]
        signature = tuple(keys)
        if keys and signature in self.pages:
            self.fail('page %d repeats page %d (%d items)' % (page, self.pages[signature], len(keys)))
        self.pages.setdefault(signature, page)
        fresh = []
        for key, item in zip(keys, results):
            if key in self.seen:
                continue
            self.seen[key] = page
            fresh.append(item)
        repeated = len(results) - len(fresh)
        if repeated * 2 > len(results):
            self.fail('%d of the %d items of page %d were listed on earlier pages (the pages repeat)'
                      % (repeated, len(results), page))
        self.items.extend(fresh)
        if not self.num_pages and self.count is not None and len(self.items) > self.count:
            self.fail('page %d brings the list to %d items, more than the %d that "count" announced (the list '
                      'changed while it was read, or its paging runs away)' % (page, len(self.items), self.count))
        return results

    def more(self, page, results):
        """Whether there is a page after ``page``; fails when the bound is reached and the list goes on."""
        if self.num_pages:
            return page < self.num_pages
        if not results:
            return False
        if self.count is not None and len(self.items) >= self.count:
            return False
        if page >= self.bound:
            self.fail('still more after %d pages, %d items of the %s announced; giving up'
                      % (page, len(self.items), self.count if self.count is not None else 'unknown number'))
        return True

    def gone(self, page):
        """A page answered 404: past the end (the list shrank while it was read)."""
        if self.num_pages and page <= self.num_pages:
            self.client.http.warn('GET %s: page %d of %d is gone (HTTP 404); the list shrank while it was read'
                                  % (self.path, page, self.num_pages))

    def result(self, limit=None, truncated=False):
        items = self.items[:limit] if limit else self.items
        return items, {'count': self.count if self.count is not None else len(items), 'num_pages': self.num_pages,
                       'pages_read': self.pages_read, 'truncated': truncated}


def comparable(key, value):
    """A value as written and as answered compare: redirect URIs are a comma separated list either way."""
    if key == 'redirect_uris' and isinstance(value, str):
        return [part for part in value.replace(' ', ',').split(',') if part]
    if key == 'description' and value is None:
        return ''
    return value


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
        Fields('GET ' + path, PAGE_FIELDS).one(data, 'the page')
        count, num_pages = data.get('count'), data.get('num_pages')
        if count is None and num_pages is None:
            raise ApiError('GET %s: the page carries neither "count" nor "num_pages", so the end of the list cannot '
                           'be known; found keys: %s' % (path, keys_of(data)), method='GET', path=path)
        for name, value in (('count', count), ('num_pages', num_pages)):
            if value is not None and value < 0:
                raise ApiError('GET %s: "%s" is %d' % (path, name, value), method='GET', path=path)
        return results, count, num_pages

    def list_all(self, path, params=None, limit=None, first=None):
        """Every item of a paged list (at most ``limit``), and what the API said about it.

        Pages ``1..num_pages`` are read one after the other. When ``num_pages`` is
        absent or 0 while results come back (the vendor's own sample shows
        ``"count": 15, "num_pages": 0``), reading stops at an empty page, at a 404
        for a page past the end, or once ``count`` items are in. Paging that runs away
        fails (see :class:`Paging`). ``first`` is page 1's answer when it was read already.
        """
        base = dict((k, v) for k, v in (params or {}).items() if v is not None)
        paging = Paging(self, path)
        page = 0
        truncated = False
        while True:
            page += 1
            try:
                if page == 1 and first is not None:
                    data = first
                else:
                    data = self.call('GET', path, params=dict(base, page=page))
            except ApiError as exc:
                if exc.status == 404 and page > 1:
                    paging.gone(page)
                    break
                raise
            results = paging.take(page, data)
            if limit and len(paging.items) >= limit:
                truncated = len(paging.items) > limit or paging.more(page, results)
                break
            if not paging.more(page, results):
                break
        return paging.result(limit=limit, truncated=truncated)

    def list_all_concurrent(self, path, params=None, workers=1):
        """Every item of a paged list, pages 2..num_pages read ``workers`` at a time once page 1 gave num_pages.

        Without a usable ``num_pages`` on page 1 (absent or 0), reading goes on one page after the other as
        :meth:`list_all` does. A page past the end that answers 404 (the list shrank while it was read) is
        warned about; an item seen on an earlier page (the list shifted) is not repeated; paging that runs
        away fails (see :class:`Paging`).
        """
        base = dict((k, v) for k, v in (params or {}).items() if v is not None)
        first = self.call('GET', path, params=dict(base, page=1))
        _results, _count, num_pages = self._page(path, first)
        if not num_pages or num_pages <= 1 or workers <= 1:
            if num_pages and num_pages <= 1:
                paging = Paging(self, path)
                paging.take(1, first)
                return paging.result()
            return self.list_all(path, params, first=first)
        paging = Paging(self, path)
        paging.take(1, first)

        def read(page):
            try:
                return self.call('GET', path, params=dict(base, page=page))
            except ApiError as exc:
                if exc.status == 404:
                    return None
                raise

        pages = list(range(2, num_pages + 1))
        with ThreadPoolExecutor(max_workers=min(workers, len(pages))) as pool:
            rest = list(pool.map(read, pages))
        for page, data in zip(pages, rest):
            if data is None:
                paging.gone(page)
            else:
                paging.take(page, data)
        return paging.result()

    # -- account --------------------------------------------------------------
    def account(self):
        data = self.call('GET', ACCOUNT)
        if not isinstance(data, dict):
            raise ApiError('GET %s: expected a JSON object, found %s' % (ACCOUNT, type(data).__name__),
                           method='GET', path=ACCOUNT)
        return data

    def change_password(self, old_password, new_password):
        """POST the password change; True on the documented 204, a failure otherwise.

        Both passwords are registered with the HTTP layer first, so that no text it produces (an error, a
        warning, a field message of the API) can hold them. A 400's field errors come back as one line.
        """
        self.http.add_secret(old_password)
        self.http.add_secret(new_password)
        body = {'old_password': old_password, 'password': new_password, 'password_confirmation': new_password}
        try:
            resp = self.call('POST', PASSWORD_CHANGE, json_body=body, expect='response', idempotent=False)
        except ApiError as exc:
            raise self._password_refusal(exc)
        if resp.status != 204:
            found = self.http.redact(one_line(resp.text or '(empty body)', 160))
            raise WriteNotConfirmed('POST %s: HTTP %s instead of the documented 204, so whether the password was '
                                    'changed is not known; the answer: %s' % (PASSWORD_CHANGE, resp.status, found),
                                    found=found, status=resp.status, method='POST', path=PASSWORD_CHANGE)
        return True

    def _password_refusal(self, exc):
        """A 400's field errors as ``old_password (message); password (message)``, on one line.

        Not ``old_password: message`` as the other validation errors: the HTTP layer blanks whatever follows
        ``password:`` in any text (it looks like a credential), which would eat the first word of each message.
        Each message is still redacted on its own (the passwords sent, anything credential-looking).
        """
        if not is_validation_body(exc.body):
            return exc
        pairs = _flatten(exc.body)
        pairs.sort(key=lambda pair: pair[0] == NON_FIELD)
        text = '; '.join('%s (%s)' % (name, self.http.redact(' '.join(msgs)) or 'no message') for name, msgs in pairs)
        text = one_line(text, VALIDATION_MESSAGE_LIMIT)
        if exc.api_message and exc.msg.endswith(exc.api_message):
            prefix = exc.msg[:len(exc.msg) - len(exc.api_message)]
        else:
            prefix = '%s %s: HTTP %s: ' % (exc.method, exc.path, exc.status)
        return ApiError(prefix + text, status=exc.status, method=exc.method, path=exc.path, api_message=text,
                        body=exc.body)

    # -- configurations -------------------------------------------------------
    def list_configurations(self, name=None, search=None, ordering=None):
        params = {'name': name, 'search': search, 'ordering': ordering}
        items, meta = self.list_all(CONFIGURATIONS, params)
        return self._typed(CONFIGURATIONS, CONFIG_FIELDS, items, 'configurations'), meta

    def get_configuration(self, config_id):
        """The configuration, or None when the API answers 404."""
        path = '%s%s/' % (CONFIGURATIONS, config_id)
        try:
            data = self._object('GET', path)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise
        return Fields('GET ' + path, CONFIG_FIELDS).one(data, 'the configuration')

    def create_configuration(self, body):
        data = self.call('POST', CONFIGURATIONS, json_body=body)
        return self._confirm('POST', CONFIGURATIONS, data, body, CONFIG_FIELDS, 'configuration', CONFIGURATIONS)

    def patch_configuration(self, config_id, body):
        path = '%s%s/' % (CONFIGURATIONS, config_id)
        data = self.call('PATCH', path, json_body=body)
        return self._confirm('PATCH', path, data, body, CONFIG_FIELDS, 'configuration', CONFIGURATIONS, config_id)

    def publish_configuration(self, config_id):
        """Publish, confirmed: the configuration, as the answer shows it or as read again, must not be a draft."""
        path = '%s%s/publish/' % (CONFIGURATIONS, config_id)
        resp = self.call('POST', path, expect='response')
        data = resp.data if resp.is_json else None
        if isinstance(data, dict) and data.get('id') is not None and 'settings' in data and \
                data.get('state') not in (None, 'draft'):
            return Fields('POST ' + path, CONFIG_FIELDS).one(data, 'the answer')
        current = self.get_configuration(config_id)
        if current is None:
            raise ApiError('GET %s%s/: the configuration published a moment ago is gone (HTTP 404)'
                           % (CONFIGURATIONS, config_id), status=404, method='GET',
                           path='%s%s/' % (CONFIGURATIONS, config_id))
        if current.get('state') == 'draft':
            found = 'state %s' % current.get('state')
            raise WriteNotConfirmed('POST %s: HTTP %s, but configuration %s is still a draft when read again'
                                    % (path, resp.status, config_id), found=found, status=resp.status,
                                    method='POST', path=path)
        return current

    def delete_configuration(self, config_id):
        """Delete; False when it was already gone (404)."""
        return self._delete('%s%s/' % (CONFIGURATIONS, config_id), 'configuration')

    # -- devices and events ---------------------------------------------------
    def list_devices(self, params, limit=None, workers=1):
        """Every device (at most ``limit``); ``workers`` > 1 reads the pages that many at once (no ``limit`` then)."""
        if workers > 1 and not limit:
            items, meta = self.list_all_concurrent(DEVICES, params, workers=workers)
        else:
            items, meta = self.list_all(DEVICES, params, limit=limit)
        return self._typed(DEVICES, DEVICE_FIELDS, items, 'devices'), meta

    def list_events(self, params, limit=None):
        return self.list_all(EVENTS, params, limit=limit)

    # -- applications ---------------------------------------------------------
    def list_applications(self):
        items, meta = self.list_all(APPLICATIONS)
        for item in items:
            if isinstance(item, dict):
                self.http.add_secret(item.get('client_secret'))
        return self._typed(APPLICATIONS, APPLICATION_FIELDS, items, 'applications'), meta

    def create_application(self, body):
        data = self.call('POST', APPLICATIONS, json_body=body)
        if isinstance(data, dict):
            self.http.add_secret(data.get('client_secret'))
        return self._confirm('POST', APPLICATIONS, data, body, APPLICATION_FIELDS, 'application', APPLICATIONS)

    def patch_application(self, app_id, body):
        path = '%s%s/' % (APPLICATIONS, app_id)
        data = self.call('PATCH', path, json_body=body)
        if isinstance(data, dict):
            self.http.add_secret(data.get('client_secret'))
        return self._confirm('PATCH', path, data, body, APPLICATION_FIELDS, 'application', APPLICATIONS, app_id)

    def delete_application(self, app_id):
        return self._delete('%s%s/' % (APPLICATIONS, app_id), 'application')

    # -- helpers --------------------------------------------------------------
    def _object(self, method, path, **kwargs):
        data = self.call(method, path, **kwargs)
        if not isinstance(data, dict):
            raise ApiError('%s %s: expected a JSON object, found %s' % (method, path, type(data).__name__),
                           method=method, path=path)
        return data

    def _typed(self, path, spec, items, name):
        return Fields('GET ' + path, spec).many(items, name)

    @staticmethod
    def _differs(data, sent, spec, call, object_id):
        """Why ``data`` does not show the write of ``sent`` (to ``object_id``), or None when it does."""
        if not isinstance(data, dict):
            return 'the answer is %s, not the object' % ('empty' if data is None else 'a %s' % type(data).__name__)
        try:
            Fields(call, spec).one(data, 'the answer')
        except ApiError as exc:
            return exc.msg[len(call) + 2:] if exc.msg.startswith(call + ': ') else exc.msg
        if object_id is not None and data.get('id') != object_id:
            return 'it is the object with id %s' % data.get('id')
        differ = [key for key, value in sorted(sent.items())
                  if not same(comparable(key, data.get(key)), comparable(key, value))]
        if differ:
            return 'it holds other values for %s' % ', '.join(differ)
        return None

    def _confirm(self, method, path, data, sent, spec, what, collection, object_id=None):
        """The object a write answered, when it shows what was written; else the object read again, when that
        shows it; else :class:`WriteNotConfirmed` (the docs say a success answers with the object)."""
        call = '%s %s' % (method, path)
        problem = self._differs(data, sent, spec, call, object_id)
        if problem is None:
            return data
        read_id = object_id if object_id is not None else (as_int(data.get('id')) if isinstance(data, dict) else None)
        if read_id is None:
            raise WriteNotConfirmed('%s: the answer does not show the %s that was written (%s), and names none to '
                                    'read again' % (call, what, problem), found=problem, method=method, path=path)
        read_path = '%s%s/' % (collection, read_id)
        try:
            current = self._object('GET', read_path)
        except ApiError as exc:
            if exc.status != 404:
                raise
            current = None
        again = self._differs(current, sent, spec, 'GET ' + read_path, read_id) if current is not None else \
            'it is gone (HTTP 404)'
        if again is None:
            self.http.warn('%s: the answer did not show the %s written (%s); read again, %s %s shows it'
                           % (call, what, problem, what, read_id))
            return current
        raise WriteNotConfirmed('%s: the answer does not show the %s that was written (%s), nor does %s %s read '
                                'again (%s)' % (call, what, problem, what, read_id, again),
                                found=again, method=method, path=path)

    def _delete(self, path, what):
        """Delete, confirmed: HTTP 204 as documented, or the object gone when read again; False when it was gone
        before (404)."""
        try:
            resp = self.call('DELETE', path, expect='response')
        except ApiError as exc:
            if exc.status == 404:
                return False
            raise
        if resp.status == 204:
            return True
        try:
            self._object('GET', path)
        except ApiError as exc:
            if exc.status == 404:
                return True
            raise
        raise WriteNotConfirmed('DELETE %s: HTTP %s instead of the documented 204, and the %s is still there when '
                                'read again' % (path, resp.status, what), found='HTTP %s' % resp.status,
                                status=resp.status, method='DELETE', path=path)
