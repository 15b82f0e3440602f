# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client for Monogoto's console API (IoT SIMs, called Things), on the shared HTTP layer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.fleetops.ping.plugins.module_utils.answers import OPTIONAL, REQUIRED, Fields
from ansible_collections.fleetops.ping.plugins.module_utils.auth import credentials_auth
from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    DEFAULT_TIME_BUDGET, ApiError, HttpClient, WriteNotConfirmed, connection_argument_spec, connection_options,
    one_line)
from ansible_collections.fleetops.ping.plugins.module_utils.ratelimit import RateLimiter
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import keyed_digest
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_url

DEFAULT_API_URL = 'https://console.monogoto.io'
THING_PREFIX = 'ThingId_ICCID_'
STATUS_PAGE = 50
# The login's lifetime is not documented; a token is reused until the API rejects it,
# and a cached one is not trusted past this many seconds.
TOKEN_MAX_AGE = 4 * 3600
# What the vendor documents as the answer of a successful write (plain text, HTTP 200):
# PUT /thing/update/ "Thing undefined successfully saved."; PUT /thing/<id>/state/ "Thing state updated successfully."
SAVED = re.compile(r'(?<!not )\bsuccessfully saved\b', re.IGNORECASE)
STATE_UPDATED = re.compile(r'(?<!not )\bupdated successfully\b', re.IGNORECASE)
# The fields of a Thing whose types the modules document (RETURN), converted where the API sends another type.
THING_FIELDS = (('ThingId', 'str', OPTIONAL), ('ExternalUniqueId', 'str', OPTIONAL), ('IMEI', 'str', OPTIONAL),
                ('MasterIMEI', 'str', OPTIONAL), ('LockMasterImei', 'bool', OPTIONAL), ('State', 'str', OPTIONAL),
                ('IPs', 'list', OPTIONAL), ('ThingTag', 'list', OPTIONAL))
STATUS_FIELDS = (('ThingId', 'str', REQUIRED), ('ConnectionStatus', 'str', OPTIONAL),
                 ('ProvisionStatus', 'str', OPTIONAL))


def monogoto_argument_spec(**extra):
    spec = dict(
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['MONOGOTO_API_URL'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['MONOGOTO_TOKEN'])),
        username=dict(type='str', fallback=(env_fallback, ['MONOGOTO_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['MONOGOTO_PASSWORD'])),
        customer_id=dict(type='str', fallback=(env_fallback, ['MONOGOTO_CUSTOMER_ID'])),
    )
    spec.update(connection_argument_spec())
    spec.update(extra)
    return spec


def thing_id(iccid):
    return THING_PREFIX + iccid


def find_key(data, name):
    """Value of ``name`` at the top level of ``data``, whatever its case; (key, value) or (None, None)."""
    if isinstance(data, dict):
        if name in data:  # the usual spelling: no scan (a fleet compares 100,000 Things)
            return name, data[name]
        lowered = name.lower()
        for key, value in data.items():
            if str(key).lower() == lowered:
                return key, value
    return None, None


class MonogotoClient:
    def __init__(self, api_url, token=None, username=None, password=None, customer_id=None,
                 timeout=30.0, validate_certs=True, warn=None, http=None, max_requests_per_second=None,
                 adaptive_rate_limit=True, retry_time_budget=DEFAULT_TIME_BUDGET):
        if http is None:
            base_url = check_url(api_url)
            # One limiter per endpoint and account: the user, or (a token alone) a keyed digest of the token.
            account = ('user', username) if username else ('token', keyed_digest(token or ''))
            limiter = RateLimiter(('monogoto', base_url.rstrip('/')) + account, max_rate=max_requests_per_second,
                                  adaptive=adaptive_rate_limit)
            http = HttpClient(base_url, timeout=timeout, validate_certs=validate_certs, warn=warn, limiter=limiter,
                              time_budget=retry_time_budget, api_title='Monogoto API')
        self.http = http
        self.customer_id = customer_id
        self.auth = credentials_auth(self.http, 'monogoto', 'Monogoto', 'MONOGOTO_', 'token', token,
                                     'username', username, 'password', password, self._login_call)

    @classmethod
    def from_params(cls, params, warn=None):
        opts = connection_options(params)
        return cls(params.get('api_url') or DEFAULT_API_URL, token=params.get('token'), username=params.get('username'),
                   password=params.get('password'), customer_id=params.get('customer_id'),
                   timeout=opts['timeout'], validate_certs=opts['validate_certs'], warn=warn,
                   max_requests_per_second=opts['max_requests_per_second'],
                   adaptive_rate_limit=opts['adaptive_rate_limit'], retry_time_budget=opts['retry_time_budget'])

    def _login_call(self, username, password):
        def login():
            data = self.http.json('POST', '/Auth', json_body={'UserName': username, 'Password': password}, retries=1)
            _key, token = find_key(data, 'token')
            if not isinstance(token, str) or not token:
                raise ApiError('POST /Auth: the answer holds no token; found keys: %s'
                               % one_line(', '.join(sorted(str(k) for k in data)) if isinstance(data, dict) else type(data).__name__))
            _key, customer = find_key(data, 'CustomerId')
            return {'token': token, 'customer_id': customer, 'expires_at': time.time() + TOKEN_MAX_AGE}
        return login

    # -- plumbing -------------------------------------------------------------
    def call(self, method, path, expect='json', **kwargs):
        # Taken out once: send() runs again after a renewed login and must send the same headers.
        extra_headers = kwargs.pop('headers', None) or {}

        def send(token):
            headers = dict(extra_headers)
            headers['Authorization'] = 'Bearer ' + token
            headers.setdefault('Accept', 'application/json')
            if expect == 'json':
                return self.http.json(method, path, headers=headers, **kwargs)
            return self.http.request(method, path, headers=headers, **kwargs)
        return self.auth.call(send)

    def apikey(self, thing=None):
        """The customer id for the ``apikey`` header: given, from the login, or from the Thing."""
        if self.customer_id:
            return self.customer_id
        if self.auth.can_login:
            value = self.auth.get('customer_id')
            if value:
                return value
        _key, value = find_key(thing, 'CustomerId')
        if value:
            return value
        raise ModuleFailure('customer_id is needed for the apikey header: set customer_id (or MONOGOTO_CUSTOMER_ID), '
                            'or log in with username and password so that the login returns it')

    # -- Things ---------------------------------------------------------------
    def get_thing(self, iccid):
        try:
            data = self.call('GET', '/thing/' + thing_id(iccid))
        except ApiError as exc:
            if exc.status == 404:
                raise ModuleFailure('ICCID %s: no such Thing (%s)' % (iccid, exc.msg), status=404)
            raise
        if not isinstance(data, dict):
            raise ModuleFailure('GET /thing/%s: expected a JSON object, found %s' % (thing_id(iccid), type(data).__name__))
        return Fields('GET /thing/%s' % thing_id(iccid), THING_FIELDS).one(data, 'the Thing')

    def update_thing(self, body):
        """PUT /thing/update/; the answer's text, which must say the Thing was saved (WriteNotConfirmed if not)."""
        return self._confirmed('PUT', '/thing/update/', SAVED, 'the Thing was saved', json_body=body)

    def _confirmed(self, method, path, success, what, **kwargs):
        resp = self.call(method, path, expect='text', **kwargs)
        text = resp.text or ''
        said = resp.data if resp.is_json and isinstance(resp.data, str) else text
        if not success.search(said):
            found = self.http.redact(one_line(text or '(empty body)', 160))
            raise WriteNotConfirmed('%s %s: HTTP %s, but the answer does not say %s; it says: %s'
                                    % (method, path, resp.status, what, found), found=found, status=resp.status,
                                    method=method, path=path, api_message=found)
        return text

    def thing_status(self, iccids):
        """Data-session status of one page of ICCIDs (at most 50), keyed by ThingId.

        Each entry must name a ThingId that was asked for; one ThingId twice with other values, or more entries
        than were asked for, fails: such an answer cannot be told apart from another account's.
        """
        call = 'GET /thing/status'
        asked = [thing_id(i) for i in iccids]
        data = self.call('GET', '/thing/status', params={'ThingIds': ','.join(asked), 'limit': STATUS_PAGE, 'offset': 0})
        if not isinstance(data, dict) or not isinstance(data.get('Data'), list):
            raise ModuleFailure('%s: expected an object with a "Data" list, found %s' % (call, one_line(data, 120)))
        success = Fields(call, (('Success', 'bool', OPTIONAL),)).one(data, 'the answer').get('Success')
        if success is False:
            raise ModuleFailure('%s: the API answered Success=false: %s' % (call, one_line(data.get('Message', ''))))
        entries = Fields(call, STATUS_FIELDS).many(data['Data'], 'Data')
        if len(entries) > len(asked):
            raise ModuleFailure('%s: %d entries for the %d Things asked for' % (call, len(entries), len(asked)))
        wanted = set(asked)
        found = {}
        for index, entry in enumerate(entries):
            tid = entry['ThingId']
            if tid not in wanted:
                raise ModuleFailure('%s: Data[%d] is the status of %s, which was not asked for' % (call, index, tid))
            if tid in found and found[tid] != entry:
                raise ModuleFailure('%s: Data holds two different entries for %s' % (call, tid))
            found[tid] = entry
        return found

    def list_things(self, limit, offset):
        call = 'GET /things'
        data = self.call('GET', '/things', params={'limit': limit, 'offset': offset})
        if isinstance(data, dict):
            # Not documented: accept a wrapper with the list under a known key, and say what else was found.
            for key in ('Data', 'Things', 'things', 'data', 'results'):
                if isinstance(data.get(key), list):
                    data = data[key]
                    break
            else:
                raise ModuleFailure('%s: expected a list of Things, found an object with keys: %s'
                                    % (call, ', '.join(sorted(data))))
        if not isinstance(data, list):
            raise ModuleFailure('%s: expected a list of Things, found %s' % (call, type(data).__name__))
        if len(data) > limit:
            raise ModuleFailure('%s: asked for at most %d Things at offset %d, the answer holds %d (does the API '
                                'ignore limit?)' % (call, limit, offset, len(data)))
        things = Fields(call, THING_FIELDS).many(data, 'Things', start=offset)
        for index, thing in enumerate(things):
            if thing.get('ThingId') in (None, '') and thing.get('ExternalUniqueId') in (None, ''):
                raise ModuleFailure('%s: Thing %d of the page at offset %d has neither a ThingId nor an '
                                    'ExternalUniqueId; found keys: %s'
                                    % (call, index, offset, ', '.join(sorted(str(k) for k in thing))))
        return things

    def ping(self, iccid, ip, apikey):
        data = self.call('POST', '/thing/%s/ping' % thing_id(iccid), json_body={'IPAddress': ip},
                         headers={'apikey': apikey}, idempotent=True)
        return data

    def send_sms(self, iccid, message, sender=None):
        """POST /thing/<id>/sms; the HTTP response (its body holds the SMS id, read by the caller).

        Never resent where the API may have acted on it (a POST): an SMS is not sent twice by a retry.
        """
        body = {'Message': message}
        if sender is not None:
            body['From'] = sender
        return self.call('POST', '/thing/%s/sms' % thing_id(iccid), expect='text', json_body=body, idempotent=False)

    def get_state(self, iccid):
        resp = self.call('GET', '/thing/%s/state/' % thing_id(iccid), expect='text')
        data = resp.data
        if resp.is_json:
            if isinstance(data, str):
                return data
            _key, value = find_key(data, 'state')
            if isinstance(value, str):
                return value
        elif resp.text and resp.text.strip().strip('"').isupper():
            return resp.text.strip().strip('"')
        raise ModuleFailure('GET /thing/%s/state/: expected the state, found: %s'
                            % (thing_id(iccid), one_line(resp.text or '(empty body)', 120)))

    def set_state(self, iccid, state):
        """PUT /thing/<id>/state/; the answer's text, which must say the state was updated (WriteNotConfirmed if not)."""
        return self._confirmed('PUT', '/thing/%s/state/' % thing_id(iccid), STATE_UPDATED, 'the state was updated',
                               json_body={'state': state})
