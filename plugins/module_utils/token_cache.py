# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A per-user file cache of API tokens, shared by every task, fork and process of a run.

Each entry is one JSON file (mode 0600, in a 0700 directory) named by a hash of
the API URL, the account and a keyed digest of the password or client secret
(:func:`keyed_digest`), so that a token is only ever reused by the credentials
that obtained it; it holds the token and what came with it, never a password or
client secret. A lock file serialises logins, so that many forks
starting together log in once and the others reuse that token.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import contextlib
import hashlib
import hmac
import json
import os
import tempfile
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

ENV_DIR = 'FLEETOPS_PING_CACHE_DIR'
ENV_DISABLE = 'FLEETOPS_PING_TOKEN_CACHE'


def cache_dir():
    explicit = os.environ.get(ENV_DIR)
    if explicit:
        return explicit
    base = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
    return os.path.join(base, 'fleetops.ping')


DIGEST_KEY_FILE = 'digest.key'
_DIGEST_KEYS = {}


def _digest_key(directory):
    """The random per-user key of :func:`keyed_digest`, kept in ``directory`` (0600 file, 0700 directory).

    Created once, atomically (a hard link that fails when another process won the race); where the
    directory cannot be written, a key for this process only (digests then differ between processes,
    which costs only cache hits, never correctness).
    """
    key = _DIGEST_KEYS.get(directory)
    if key is not None:
        return key
    path = os.path.join(directory, DIGEST_KEY_FILE)
    key = _read_key(path)
    if key is None:
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, mode=0o700, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix='.tmp-key-')
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, 'w') as handle:
                    handle.write(binascii.hexlify(os.urandom(32)).decode('ascii'))
                try:
                    os.link(tmp, path)
                except OSError:
                    pass  # another process created it first: use theirs
            finally:
                os.unlink(tmp)
        except (IOError, OSError):
            pass
        key = _read_key(path)
        if key is None:
            key = os.urandom(32)
    _DIGEST_KEYS[directory] = key
    return key


def _read_key(path):
    try:
        with open(path, 'r') as handle:
            text = handle.read().strip()
        key = binascii.unhexlify(text)
    except (IOError, OSError, ValueError, TypeError, binascii.Error):
        return None
    return key if len(key) >= 16 else None


def keyed_digest(value):
    """HMAC-SHA256 of ``value`` (hex) under a random per-user key kept in the cache directory.

    Stands in for a secret wherever one must be told apart (the token cache key, the rate limiter key)
    without storing it or a plain hash that could be tested against guesses.
    """
    key = _digest_key(cache_dir())
    data = value if isinstance(value, bytes) else str(value).encode('utf-8')
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def cache_enabled():
    return os.environ.get(ENV_DISABLE, '1').lower() not in ('0', 'false', 'no', 'off')


class TokenCache:
    def __init__(self, api, *key_parts):
        digest = hashlib.sha256('\0'.join([api] + [str(p) for p in key_parts]).encode('utf-8')).hexdigest()[:40]
        self.enabled = cache_enabled()
        self.directory = cache_dir()
        self.path = os.path.join(self.directory, '%s-%s.json' % (api, digest))

    def _ensure_dir(self):
        if not os.path.isdir(self.directory):
            # exist_ok: forks starting together all find no directory; the ones that lose the race
            # to create it must still lock and save rather than silently log in without the lock.
            os.makedirs(self.directory, mode=0o700, exist_ok=True)

    def load(self):
        """The cached entry, or None when absent, unreadable or expired."""
        if not self.enabled:
            return None
        try:
            with open(self.path, 'r') as handle:
                entry = json.load(handle)
        except (IOError, OSError, ValueError):
            return None
        if not isinstance(entry, dict) or not entry.get('token'):
            return None
        expires = entry.get('expires_at')
        if expires is not None and time.time() >= float(expires):
            return None
        return entry

    def save(self, entry):
        if not self.enabled:
            return
        try:
            self._ensure_dir()
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix='.tmp-')
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, 'w') as handle:
                    json.dump(entry, handle)
                os.rename(tmp, self.path)
            except BaseException:
                if os.path.exists(tmp):
                    os.unlink(tmp)
                raise
        except (IOError, OSError):
            # A cache that cannot be written only costs a login next time.
            pass

    def discard(self, token=None):
        """Forget the entry; with ``token``, only if it still holds that token (another fork may have renewed it)."""
        if not self.enabled:
            return
        if token is not None:
            entry = self.load()
            if entry is None or entry.get('token') != token:
                return
        try:
            os.unlink(self.path)
        except OSError:
            pass

    @contextlib.contextmanager
    def lock(self):
        """Hold an exclusive lock for a login; a no-op where locking is unavailable."""
        if not self.enabled or fcntl is None:
            yield
            return
        try:
            self._ensure_dir()
            handle = open(self.path + '.lock', 'a')
        except (IOError, OSError):
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            finally:
                handle.close()
