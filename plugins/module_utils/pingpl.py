# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client for ping.pl's API 1.0 (uptime monitoring), on the shared HTTP layer.

Every call is ``POST <api_url>/<method>`` with a form body that carries the
user's key as ``token``, so the key never appears in a URL. Every answer is
``{"header": {"status": "OK", ...}, "data": {...}}``; a header status other than
``OK`` is a failure even when the HTTP status is 200, and the failure shows
whatever the header holds (the name of its error field is not documented).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

from ansible.module_utils.basic import env_fallback

from ansible_collections.fleetops.ping.plugins.module_utils.answers import OPTIONAL, REQUIRED, TOLERATED, Fields
from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    DEFAULT_TIME_BUDGET, ApiError, HttpClient, WriteNotConfirmed, connection_argument_spec, connection_options,
    one_line)
from ansible_collections.fleetops.ping.plugins.module_utils.ratelimit import RateLimiter
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import keyed_digest
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_url

DEFAULT_API_URL = 'https://api.ping.pl/1.0'
# The documentation states that every date is Polish time, "UTC+01:00". The API may in fact
# follow Polish daylight saving time (+02:00 in summer); the offset used is the documented one.
DOCUMENTED_OFFSET = '+01:00'
MONITOR_STATUSES = ('ACTIVE', 'INACTIVE', 'DELETED', 'BLOCKED')
MONITOR_TYPES = ('WWW', 'WWW_FULL', 'WWW_SCRIPT', 'WWW_HEALTH', 'PING', 'TCP_UDP', 'MAIL', 'DNS')
CONTACT_STATUSES = ('ACTIVE', 'INACTIVE')
OUTAGES_LIMIT_MAX = 200
OUTAGES_LIMIT_DEFAULT = 50

# The documented fields of each answer (pingpl-api-1.0.txt), with the types the modules' RETURN documents.
# Required fields the collection needs fail when missing; the ones it does not use are tolerated with one warning.
# "note" and "tags" of a monitor, and "monitorId" of get-outage, are documented as required but missing from the
# vendor's own examples: they are optional here (tags: [] is filled in by the modules).
ACCOUNT_FIELDS = (('email', 'str', TOLERATED), ('locale', 'str', TOLERATED), ('planName', 'str', TOLERATED),
                  ('planExpireAt', 'str', OPTIONAL), ('lastLoginAt', 'str', OPTIONAL), ('lastLoginIp', 'str', OPTIONAL),
                  ('credits', 'int', TOLERATED), ('extraCredits', 'int', TOLERATED))
MONITOR_FIELDS = (('id', 'int', REQUIRED), ('status', 'str', REQUIRED), ('type', 'str', REQUIRED),
                  ('name', 'str', REQUIRED), ('note', 'str', OPTIONAL), ('isShared', 'flag', TOLERATED),
                  ('currentOutageId', 'int', OPTIONAL))
DATA_FIELDS = (('date', 'str', REQUIRED), ('uptime', 'float', REQUIRED), ('responseTime', 'float', REQUIRED))
OUTAGE_FIELDS = (('id', 'int', REQUIRED), ('reason', 'str', REQUIRED), ('reasonDetails', 'str', OPTIONAL),
                 ('startedAt', 'str', REQUIRED), ('endedAt', 'str', OPTIONAL))
OUTAGE_DETAIL_FIELDS = (('id', 'int', OPTIONAL), ('monitorId', 'int', OPTIONAL), ('reason', 'str', REQUIRED),
                        ('reasonDetails', 'str', OPTIONAL), ('startedAt', 'str', REQUIRED), ('endedAt', 'str', OPTIONAL),
                        ('tests', 'list', TOLERATED), ('notifications', 'list', OPTIONAL))
CONTACT_FIELDS = (('id', 'int', REQUIRED), ('status', 'str', REQUIRED), ('locale', 'str', TOLERATED),
                  ('name', 'str', OPTIONAL), ('email', 'str', OPTIONAL), ('phoneNumber', 'str', OPTIONAL),
                  ('isTimeMaskEnabled', 'flag', TOLERATED))
# What a write's answer says about the object, when its "data" says anything (the docs show no data at all).
WRITE_ID_KEYS = ('id', 'monitorId', 'contactId')

_DATETIME = re.compile(r'^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$')
_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$')
ISO_SUFFIX = '_iso'


def pingpl_argument_spec(**extra):
    spec = dict(
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['PINGPL_API_URL'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['PINGPL_TOKEN'])),
    )
    spec.update(connection_argument_spec())
    spec.update(extra)
    return spec


# -- dates ---------------------------------------------------------------------

def to_iso(value):
    """``"2017-06-30 10:21:00"`` -> ``"2017-06-30T10:21:00+01:00"``; a bare date stays a date; else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    match = _DATETIME.match(text)
    if match:
        try:
            datetime.datetime.strptime(text, '%Y-%m-%d %H:%M:%S')
        except ValueError:
            return None
        return '%sT%s%s' % (match.group(1), match.group(2), DOCUMENTED_OFFSET)
    if _DATE.match(text):
        try:
            datetime.datetime.strptime(text, '%Y-%m-%d')
        except ValueError:
            return None
        return text
    return None


def with_iso(data):
    """A copy of ``data`` where every date string ``<key>`` gains a sibling ``<key>_iso``.

    Dates are recognised by their documented shapes (``yyyy-mm-dd hh:mm:ss`` and
    ``yyyy-mm-dd``); the values the API gave are kept unchanged beside them.
    """
    if isinstance(data, list):
        return [with_iso(item) for item in data]
    if not isinstance(data, dict):
        return data
    result = {}
    for key, value in data.items():
        result[key] = with_iso(value)
    for key, value in data.items():
        if isinstance(key, str) and not key.endswith(ISO_SUFFIX):
            iso = to_iso(value)
            if iso is not None and (key + ISO_SUFFIX) not in data:
                result[key + ISO_SUFFIX] = iso
    return result


def check_date(value, option):
    """A ``yyyy-mm-dd`` calendar date, as the API's date parameters want it."""
    text = '' if value is None else str(value).strip()
    if not _DATE.match(text):
        raise ModuleFailure('%s: %r is not a date in the form yyyy-mm-dd' % (option, value))
    try:
        datetime.datetime.strptime(text, '%Y-%m-%d')
    except ValueError:
        raise ModuleFailure('%s: %r is not a valid calendar date' % (option, value))
    return text


def as_int(value):
    """An id as an int when it is one (the API sends ints; tolerate digit strings), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# -- client --------------------------------------------------------------------

def describe_header(header, http):
    """Every key and value the header holds, status first, as one redacted line (never the token)."""
    if not isinstance(header, dict):
        return one_line(http.redact('header: %r' % (header,)))
    parts = []
    keys = sorted(header, key=lambda k: (str(k) != 'status', str(k)))
    for key in keys:
        if str(key).lower() == 'token':
            continue
        value = header[key]
        if isinstance(value, (dict, list)):
            value = one_line(repr(value), 200)
        parts.append('%s=%s' % (key, value))
    return http.redact(one_line(', '.join(parts) or '(empty header)'))


class PingPlClient:
    def __init__(self, api_url, token=None, timeout=30.0, validate_certs=True, warn=None, http=None,
                 max_requests_per_second=None, adaptive_rate_limit=True, retry_time_budget=DEFAULT_TIME_BUDGET):
        if not token:
            raise ModuleFailure('no ping.pl API key: set token (or the PINGPL_TOKEN environment variable) to the key '
                                'generated in the ping.pl user panel under "Udostepnianie i API / API"')
        if http is None:
            base_url = check_url(api_url)
            # One limiter per endpoint and account; the account is known only by its key (a keyed digest).
            limiter = RateLimiter(('pingpl', base_url.rstrip('/'), 'token', keyed_digest(token)),
                                  max_rate=max_requests_per_second, adaptive=adaptive_rate_limit)
            http = HttpClient(base_url, timeout=timeout, validate_certs=validate_certs, warn=warn, limiter=limiter,
                              time_budget=retry_time_budget, api_title='ping.pl API')
        self.http = http
        self.http.add_secret(token)
        self._token = token

    @classmethod
    def from_params(cls, params, warn=None):
        opts = connection_options(params)
        return cls(params.get('api_url') or DEFAULT_API_URL, token=params.get('token'), timeout=opts['timeout'],
                   validate_certs=opts['validate_certs'], warn=warn,
                   max_requests_per_second=opts['max_requests_per_second'],
                   adaptive_rate_limit=opts['adaptive_rate_limit'], retry_time_budget=opts['retry_time_budget'])

    # -- plumbing -------------------------------------------------------------
    def fields(self, method, spec, what):
        return Fields('POST ' + method, spec, warn_once=self.http.warn_once, what=what)

    def call(self, method, _read=True, **params):
        """POST one API method with a form body; returns the answer's ``data`` (a dict, maybe empty).

        A read (every ``get-*`` method documents a ``data`` object) whose answer has no ``data`` fails; a write's
        answer documents none, so it may have none.
        """
        form = dict((k, str(v)) for k, v in params.items() if v is not None)
        form['token'] = self._token
        shown = 'POST %s' % method
        try:
            resp = self.http.request('POST', '/' + method, data=form, idempotent=True,
                                     headers={'Accept': 'application/json'})
        except ApiError as exc:
            body = exc.body
            if isinstance(body, dict) and isinstance(body.get('header'), dict):
                raise ApiError('%s: HTTP %s: %s' % (shown, exc.status, describe_header(body['header'], self.http)),
                               status=exc.status, method='POST', path='/' + method, body=body)
            raise
        if not resp.is_json:
            raise ApiError(self.http.redact('%s: HTTP %s: expected a JSON body {"header", "data"}, found: %s' % (
                shown, resp.status, one_line(resp.text or '(empty body)', 120))),
                status=resp.status, method='POST', path='/' + method)
        body = resp.data
        if not isinstance(body, dict) or not isinstance(body.get('header'), dict):
            found = ('an object with keys: %s' % ', '.join(sorted(str(k) for k in body))) if isinstance(body, dict) \
                else type(body).__name__
            raise ApiError(self.http.redact('%s: HTTP %s: expected a JSON object with a "header" object, found %s'
                                            % (shown, resp.status, found)),
                           status=resp.status, method='POST', path='/' + method)
        header = body['header']
        status = header.get('status')
        if status != 'OK':
            described = describe_header(header, self.http)
            raise ApiError('%s: HTTP %s: the API answered with header %s' % (shown, resp.status, described),
                           status=resp.status, method='POST', path='/' + method, api_message=described)
        data = body.get('data')
        if data is None:
            if _read:
                raise ApiError('%s: HTTP %s: the answer has no "data" (header %s), which %s documents'
                               % (shown, resp.status, describe_header(header, self.http), method),
                               status=resp.status, method='POST', path='/' + method)
            return {}
        if not isinstance(data, dict):
            raise ApiError('%s: HTTP %s: expected "data" to be an object, found %s'
                           % (shown, resp.status, type(data).__name__),
                           status=resp.status, method='POST', path='/' + method)
        return data

    def _list(self, method, key, spec, what, **params):
        """The documented list ``data.<key>`` (required), each object checked against ``spec``."""
        data = self.call(method, **params)
        if key not in data or data[key] is None:
            raise ApiError('POST %s: the answer\'s data lacks the required list "%s"; found keys: %s'
                           % (method, key, ', '.join(sorted(str(k) for k in data)) or '(none)'),
                           method='POST', path='/' + method)
        return self.fields(method, spec, what).many(data[key], 'data.%s' % key)

    def _write(self, method, id_key, object_id, status):
        """A write (pause, start, activate, deactivate): its answer's header said OK; its ``data``, which the docs
        do not show, must not contradict it (another object, or another status)."""
        data = self.call(method, _read=False, **{id_key: object_id})
        said = dict((k, data.get(k)) for k in WRITE_ID_KEYS if data.get(k) is not None)
        if any(as_int(v) != object_id for v in said.values()) or \
                (data.get('status') is not None and data.get('status') != status):
            found = self.http.redact(one_line(repr(data), 160))
            raise WriteNotConfirmed('POST %s: the header says OK, but data does not say %s %s is %s; found: %s'
                                    % (method, id_key, object_id, status, found), found=found, method='POST',
                                    path='/' + method, api_message=found)
        return data

    # -- methods --------------------------------------------------------------
    def get_account_info(self):
        return self.fields('get-account-info', ACCOUNT_FIELDS, 'account').one(self.call('get-account-info'), 'data')

    def get_monitors(self):
        return self._list('get-monitors', 'monitors', MONITOR_FIELDS, 'monitor')

    def pause_monitor(self, monitor_id):
        return self._write('pause-monitor', 'monitorId', monitor_id, 'INACTIVE')

    def start_monitor(self, monitor_id):
        return self._write('start-monitor', 'monitorId', monitor_id, 'ACTIVE')

    def get_data(self, monitor_id, date_from, date_to):
        return self._list('get-data', 'data', DATA_FIELDS, 'sample', monitorId=monitor_id, dateFrom=date_from,
                          dateTo=date_to)

    def get_outage(self, outage_id):
        return self.fields('get-outage', OUTAGE_DETAIL_FIELDS, 'outage').one(
            self.call('get-outage', outageId=outage_id), 'data')

    def get_outages(self, monitor_id, date_from=None, date_to=None, limit=None):
        return self._list('get-outages', 'outages', OUTAGE_FIELDS, 'outage', monitorId=monitor_id,
                          dateFrom=date_from, dateTo=date_to, limit=limit)

    def get_contacts(self):
        return self._list('get-contacts', 'contacts', CONTACT_FIELDS, 'contact')

    def activate_contact(self, contact_id):
        return self._write('activate-contact', 'contactId', contact_id, 'ACTIVE')

    def deactivate_contact(self, contact_id):
        return self._write('deactivate-contact', 'contactId', contact_id, 'INACTIVE')
