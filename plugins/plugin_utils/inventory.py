# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the three inventory plugins share: a thin door onto the clients of module_utils.

Each plugin reads its API through the same client as the modules (``Client.from_params``: one HTTP layer,
one limiter, one token cache, one redaction). This base templates every option with the extra vars, keeps
the raw API answers in the inventory cache under a key that holds no secret, names hosts by a preference
list, sets the host vars under the API's prefix, applies compose / groups / keyed_groups on every run and
turns any failure into one line naming the plugin, the call, the HTTP status and the API's message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import re
import time

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

try:
    from ansible.template import trust_as_template
    HAS_TRUST = True
except ImportError:  # ansible-core < 2.19: every string of the configuration file is a template
    HAS_TRUST = False

    def trust_as_template(value):
        return value

# Imported with the inventory plugins, so that the start of the run, which the state modules judge the age of a
# reading at (reading.RUN_STARTED), is taken in the main process when ansible-playbook loads the inventory.
from ansible_collections.fleetops.ping.plugins.module_utils import reading as _reading  # noqa: F401 pylint: disable=unused-import
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import keyed_digest
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, one_line, redact_text

# Raised whenever what the cache holds changes shape; an entry of another version is read again from the API.
FORMAT_VERSION = 1
# Options evaluated per host, never templated up front.
PER_HOST_OPTIONS = frozenset(('compose', 'groups', 'keyed_groups', 'hostnames', 'plugin'))
CONNECTION_OPTIONS = ('validate_certs', 'timeout', 'max_requests_per_second', 'adaptive_rate_limit', 'retry_time_budget')
_IDENTIFIER = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
_ACRONYM_PLURAL = re.compile(r'([A-Z]{2,})s(?=[A-Z]|$)')
_CAMEL_1 = re.compile(r'([A-Z]+)([A-Z][a-z])')
_CAMEL_2 = re.compile(r'([a-z0-9])([A-Z])')
_NOT_WORD = re.compile(r'[^A-Za-z0-9_]+')


_SNAKE = {}


def snake(name):
    """``LockMasterImei`` -> ``lock_master_imei``, ``MasterIMEI`` -> ``master_imei``, ``IPs`` -> ``ips``,
    ``isShared`` -> ``is_shared``; snake_case stays as it is. Remembered: 10,000 objects share a few field names."""
    try:
        return _SNAKE[name]
    except (KeyError, TypeError):
        pass
    result = _snake(name)
    if isinstance(name, str) and len(_SNAKE) < 10000:
        _SNAKE[name] = result
    return result


def _snake(name):
    text = _ACRONYM_PLURAL.sub(lambda m: m.group(1).capitalize() + 's', str(name))
    text = _CAMEL_1.sub(r'\1_\2', text)
    text = _CAMEL_2.sub(r'\1_\2', text)
    text = _NOT_WORD.sub('_', text).strip('_').lower()
    return re.sub('_+', '_', text)


def field_vars(prefix, obj):
    """``<prefix>_<snake_case field>`` for every top-level field of an object as read."""
    result = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            name = snake(key)
            if name:
                result.setdefault('%s_%s' % (prefix, name), value)
    return result


VAULTED = ('EncryptedString', 'AnsibleVaultEncryptedUnicode')


def plain(value):
    """A templated value as a plain Python value (a vaulted or tagged string becomes a str)."""
    if isinstance(value, str) or type(value).__name__ in VAULTED:
        return str(value)
    if isinstance(value, dict):
        return dict((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class FleetopsInventory(BaseInventoryPlugin, Constructable, Cacheable):
    """The base of the collection's inventory plugins; a plugin sets the class attributes, ``read`` and ``host_vars``."""

    NAME = None            # fleetops.ping.<plugin>
    PREFIX = None          # host var prefix, also the config file suffix: *.<PREFIX>.yml|yaml
    CLIENT = None          # the API's client class (from_params)
    API_OPTIONS = ()       # options handed to from_params besides the connection options
    SECRET_OPTIONS = ()    # options holding secrets (never shown, only their keyed digest is in the cache key)
    ACCOUNT_OPTIONS = ()   # options naming the account (in the cache key as they are)
    KEY_OPTIONS = ()       # other options the raw data depends on (filters, enrichment): in the cache key
    KIND = 'object'        # what one host stands for, in messages

    # -- what a plugin provides ---------------------------------------------------------------------
    def read(self, client, params):
        """Read the API: a JSON-serialisable dict with at least ``objects`` (the raw data that is cached)."""
        raise NotImplementedError

    def host_vars(self, obj, data, params):
        """The host vars of one object (the prefix, read_at and api_url are added by the caller)."""
        raise NotImplementedError

    def check_params(self, params):
        """Validate and normalise the templated options before any request; raise ModuleFailure."""

    def select(self, objects, params):
        """Objects to make hosts of (local filters); all of them by default."""
        return objects

    def describe(self, obj):
        return one_line(repr(obj), 80)

    # -- Ansible entry points -------------------------------------------------------------------------
    def verify_file(self, path):
        if not super(FleetopsInventory, self).verify_file(path):
            return False
        suffixes = tuple('.%s.%s' % (self.PREFIX, ext) for ext in ('yml', 'yaml'))
        if str(path).endswith(suffixes):
            return True
        self.display.vvv('%s: skipping %s, whose name does not end in %s' % (self.NAME, path, ' or '.join(suffixes)))
        return False

    def parse(self, inventory, loader, path, cache=True):
        super(FleetopsInventory, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        params = self.templated_options()
        self._secrets = list(getattr(self, '_secrets', [])) + [str(params[k]) for k in self.SECRET_OPTIONS if params.get(k)]
        try:
            check_concurrency(params)
            self.check_params(params)
        except ModuleFailure as exc:
            raise self.failure('configuration', exc.msg)
        key = self.cache_key(params)
        use_cache = bool(self.get_option('cache'))
        data = None
        update = use_cache and not cache
        if use_cache and cache:
            try:
                data = self._cache[key]
            except KeyError:
                update = True
            else:
                if not isinstance(data, dict) or data.get('format') != FORMAT_VERSION or not isinstance(data.get('objects'), list):
                    data, update = None, True
        if data is None:
            data = self.fetch(params)
        if update:
            self._cache[key] = data
        self.populate(data, params)

    # -- options --------------------------------------------------------------------------------------
    def _read_config_data(self, path):
        """Like ansible-core's, but every option but the per-host ones is templated before it is type-checked.

        So an int, bool or dict option can be a template too (``concurrency: "{{ workers }}"``), and the cache plugin
        is built from the templated cache options. Options set by environment variables are taken as they are.
        """
        try:
            if HAS_TRUST:
                config = self.loader.load_from_file(path, cache='none', trusted_as_template=True)
            else:
                config = self.loader.load_from_file(path, cache='none')
        except Exception as exc:  # pylint: disable=broad-except
            raise AnsibleParserError('%s: %s' % (self.NAME, one_line(exc))) from None
        if not isinstance(config, dict) or not config:
            raise AnsibleParserError('%s: %s is empty or not a mapping' % (self.NAME, path))
        if config.get('plugin') not in (getattr(self, '_redirected_names', None) or [self.NAME]):
            raise AnsibleParserError('Incorrect plugin name in file: %s' % config.get('plugin', 'none found'))
        self.templar.available_variables = dict(self._vars or {})
        self._secrets = [str(v) for k, v in config.items() if k in self.SECRET_OPTIONS and isinstance(v, str)]
        templated = {}
        for name, value in config.items():
            templated[name] = value if name in PER_HOST_OPTIONS or value is None else self._template(name, value)
        self._secrets.extend(str(templated[k]) for k in self.SECRET_OPTIONS if templated.get(k))
        try:
            self.set_options(direct=templated, var_options=self._vars)
        except AnsibleError as exc:
            raise self.failure('configuration', one_line(exc)) from None
        if self.get_option('cache'):
            self.load_cache_plugin()
        return templated

    def templated_options(self):
        """The options as set (templated from the configuration file, or from the environment, or defaults)."""
        return dict((name, self.get_option(name)) for name in self._options)

    def _template(self, name, value):
        try:
            if type(value).__name__ in VAULTED:
                return str(value)  # decrypted; a vaulted value is not a template
            if isinstance(value, str):
                value = trust_as_template(value) if '{{' in value or '{%' in value else value
            return plain(self.templar.template(value))
        except AnsibleError as exc:
            if name in self.SECRET_OPTIONS:
                raise self.failure('option %s' % name, 'the template could not be evaluated (%s); the message is '
                                   'not shown since the option holds a secret' % type(exc).__name__) from None
            raise self.failure('option %s' % name, 'the template could not be evaluated: %s' % one_line(exc)) from None

    def client_params(self, params):
        return dict((k, params.get(k)) for k in tuple(self.API_OPTIONS) + CONNECTION_OPTIONS)

    # -- errors ---------------------------------------------------------------------------------------
    def redact(self, text):
        secrets = [s for s in getattr(self, '_secrets', ()) if len(s) >= 4]  # as HttpClient.add_secret
        return redact_text(str(text), secrets)

    def failure(self, where, msg):
        """One line: the plugin, what failed (the call, with its HTTP status and the API's message)."""
        text = one_line(self.redact(msg), 500)
        if where and not text.startswith(('GET ', 'POST ', 'PUT ', 'PATCH ', 'DELETE ')):
            text = '%s: %s' % (where, text)
        return AnsibleParserError('%s: %s' % (self.NAME, text))

    def warn(self, msg):
        self.display.warning('%s: %s' % (self.NAME, self.redact(msg)))

    # -- reading --------------------------------------------------------------------------------------
    def fetch(self, params):
        """Read the API once through the shared client; raw data plus when and where it was read."""
        client = None
        started = time.time()
        try:
            client = self.CLIENT.from_params(self.client_params(params), warn=self.warn)
            data = self.read(client, params)
        except (ApiError, ModuleFailure) as exc:
            text = exc.msg
            if client is not None:
                text = client.http.redact(text)
            raise self.failure('reading the %ss' % self.KIND, text) from None
        data['format'] = FORMAT_VERSION
        data['read_at'] = started
        data['api_url'] = client.http.base_url
        return data

    def cache_key(self, params):
        """plugin, API URL, account, keyed digest of the secret, key options and format: never a secret."""
        secret = '\0'.join('%s=%s' % (k, params.get(k) or '') for k in self.SECRET_OPTIONS)
        parts = {
            'plugin': self.NAME,
            'api_url': str(params.get('api_url') or '').rstrip('/'),
            'account': dict((k, params.get(k)) for k in self.ACCOUNT_OPTIONS),
            'secret': keyed_digest(secret),
            'key_options': dict((k, params.get(k)) for k in self.KEY_OPTIONS),
            'format': FORMAT_VERSION,
        }
        digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode('utf-8')).hexdigest()
        return '%s_%s' % (self.NAME.replace('.', '_'), digest[:40])

    # -- hosts ----------------------------------------------------------------------------------------
    def populate(self, data, params):
        strict = self.get_option('strict')
        compose = self.get_option('compose')
        groups = self.get_option('groups')
        keyed = self.get_option('keyed_groups')
        preferences = self.get_option('hostnames') or []
        on_duplicate = params.get('duplicate_hostnames') or 'fail'
        common = {
            '%s_read_at' % self.PREFIX: data['read_at'],
            '%s_api_url' % self.PREFIX: data['api_url'],
        }
        owners = {}
        for obj in self.select(data['objects'], params):
            variables = self.host_vars(obj, data, params)
            variables.update(common)
            variables['ansible_connection'] = 'local'
            name = self.hostname(variables, preferences, strict)
            if name is None:
                self.warn('no host name for %s %s: none of hostnames %s gives a value; it is left out'
                          % (self.KIND, self.describe(obj), ', '.join(preferences)))
                continue
            if name in owners:
                msg = ('%s %s and %s %s both get the host name %r from hostnames %s'
                       % (self.KIND, owners[name], self.KIND, self.describe(obj), name, ', '.join(preferences)))
                if on_duplicate == 'warn':
                    self.warn(msg + '; the second one is left out')
                    continue
                raise self.failure('hostnames', msg + '; choose hostnames that are unique, or set '
                                   'duplicate_hostnames: warn')
            owners[name] = self.describe(obj)
            self.inventory.add_host(name)
            for var, value in variables.items():
                self.inventory.set_variable(name, var, value)
            self._set_composite_vars(compose, variables, name, strict=strict)
            self._add_host_to_composed_groups(groups, variables, name, strict=strict)
            self._add_host_to_keyed_groups(keyed, variables, name, strict=strict)

    def hostname(self, variables, preferences, strict):
        for preference in preferences:
            if preference in variables or _IDENTIFIER.match(preference):
                value = variables.get(preference)
            else:
                try:
                    value = self._compose(trust_as_template(preference), variables)
                except Exception as exc:  # pylint: disable=broad-except
                    if strict:
                        raise self.failure('hostnames', 'entry %r could not be evaluated: %s' % (preference, one_line(exc)))
                    continue
            if value is None or isinstance(value, (dict, list, bool)):
                continue
            value = str(value).strip()
            if value:
                return value
        return None


def check_concurrency(params):
    workers = params.get('concurrency') or 1
    if workers < 1 or workers > 32:
        raise ModuleFailure('concurrency: must be between 1 and 32, found %s' % workers)
    params['concurrency'] = workers
