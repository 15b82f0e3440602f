# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bearer tokens that are logged in for once, cached across tasks, and renewed once when rejected."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import TokenCache, keyed_digest
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError


class TokenAuth:
    """Hands out a bearer token: the one given, a cached one, or a fresh login.

    ``login`` is a callable returning a cache entry ``{'token': ..., 'expires_at': ..., ...}``;
    it is None when no credentials to log in with were given.
    """

    def __init__(self, http, cache, login=None, given_token=None):
        self.http = http
        self.cache = cache
        self._login = login
        self.entry = None
        self.logins = 0
        if given_token:
            http.add_secret(given_token)
            self.entry = {'token': given_token, 'given': True}

    @property
    def can_login(self):
        return self._login is not None

    def token(self):
        if self.entry is None:
            self.entry = self.cache.load() if self.cache is not None else None
            if self.entry is None:
                self._fresh_login()
        self.http.add_secret(self.entry['token'])
        return self.entry['token']

    def _fresh_login(self, rejected=None):
        if self._login is None:
            raise ApiError('no credentials to log in with: give a token, or a username and password')
        if self.cache is None:
            self.entry = self._do_login()
            return
        with self.cache.lock():
            # Another fork may have logged in while this one waited for the lock.
            entry = self.cache.load()
            if entry is not None and entry.get('token') != rejected:
                self.entry = entry
                return
            self.entry = self._do_login()
            self.cache.save(self.entry)

    def _do_login(self):
        self.logins += 1
        entry = self._login()
        self.http.add_secret(entry['token'])
        for key in ('refresh_token', 'refreshToken'):
            if entry.get(key):
                self.http.add_secret(entry[key])
        return entry

    def call(self, send):
        """Run ``send(token)``; on HTTP 401 log in again once and repeat."""
        token = self.token()
        try:
            return send(token)
        except ApiError as exc:
            if exc.status != 401 or not self.can_login:
                raise
        if self.cache is not None:
            self.cache.discard(token)
        self.entry = None
        self._fresh_login(rejected=token)
        return send(self.token())

    def get(self, key, default=None):
        if self.entry is None:
            self.token()
        return self.entry.get(key, default)


def credentials_auth(http, api, title, env_prefix, token_option, token, account_option, account, secret_option,
                     secret, make_login):
    """The TokenAuth of a client: a given token, and/or an account and secret to log in with (cached per account).

    Fails before any request when the credentials are half given or missing, naming the options and their
    environment variables.
    """
    http.add_secret(secret)

    def env(option):
        return env_prefix + option.upper()

    login = cache = None
    if account and secret:
        login = make_login(account, secret)
        # Keyed by the secret too (a keyed digest, never the secret): a token is only ever reused by the
        # credentials that obtained it, so a wrong or rotated secret logs in (and fails or takes effect) at once.
        cache = TokenCache(api, http.base_url, account, keyed_digest(secret))
    elif account or secret:
        raise ModuleFailure('%s and %s must be given together (options or %s and %s)'
                            % (account_option, secret_option, env(account_option), env(secret_option)))
    if not token and login is None:
        raise ModuleFailure('no %s credentials: set %s (or %s), or %s and %s (or %s and %s)'
                            % (title, token_option, env(token_option), account_option, secret_option,
                               env(account_option), env(secret_option)))
    return TokenAuth(http, cache, login=login, given_token=token)
