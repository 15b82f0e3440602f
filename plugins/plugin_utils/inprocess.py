# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a fleetops.ping module's logic inside the controller's worker process.

A module run costs a whole Python process per host; for API modules that only
talk HTTP, running the same logic in the already-forked worker costs a tenth
of that. When the task runs on the controller (local connection, or delegated
to localhost), :class:`InProcessAction` validates the arguments with the
module's own argument spec and calls the module's logic through
:func:`runner.execute`, returning what the module would return. Anywhere else,
under ``become`` or ``async``, when ``requests`` is missing on the controller,
or when ``FLEETOPS_PING_IN_PROCESS=0`` is set, it executes the module as usual.

A state module's action plugin names in ``READING`` the kind of inventory reading it can use
(:mod:`reading`): the object this collection's inventory plugins read, left in the host's vars. The action
finds it in the task's vars, keeps it only when it is about the task's object and when no write of this
collection to that object was recorded after it was read, and hands it to the module as the option
``inventory_reading`` on both paths, with the time its age is judged at (``judged_at``: the start of the run,
:func:`reading.judged_at`); the module's logic decides whether it was young enough then. After a
task that changed (or failed to change) such an object, the time is recorded in the cache directory, so that a
later task of the same run, or a cached inventory, never compares against a reading from before that write.

Heavy imports stay at the top of this file and of the module_utils it loads,
so that the controller's main process imports them once, before it forks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import hashlib
import os
import tempfile
import time

from ansible import constants as C
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.fleetops.ping.plugins.module_utils import transport as _http
from ansible_collections.fleetops.ping.plugins.module_utils import reading as _reading
from ansible_collections.fleetops.ping.plugins.module_utils import runner
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import as_int
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import cache_dir
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_iccid

ENV_SWITCH = 'FLEETOPS_PING_IN_PROCESS'
WRITTEN_DIR = 'written'


@contextlib.contextmanager
def task_environment(env):
    """Apply the task's ``environment:`` to os.environ for the duration (the worker is a fork of its own)."""
    saved = {}
    try:
        for key, value in env.items():
            saved[key] = os.environ.get(key)
            os.environ[key] = str(value)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# -- the record of writes that makes older inventory readings unusable -----------------------------------

def _written_path(key):
    return os.path.join(cache_dir(), WRITTEN_DIR, hashlib.sha256(key.encode('utf-8')).hexdigest()[:40])


def last_write(key):
    """Epoch time of the last recorded write to the object ``key``, or None."""
    try:
        with open(_written_path(key), 'r') as handle:
            return _reading.as_time(handle.read().strip())
    except (IOError, OSError):
        return None


def note_write(key, when=None):
    """Record that the object ``key`` was written (or may have been) at ``when``; False when it cannot be."""
    path = _written_path(key)
    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix='.tmp-')
        try:
            with os.fdopen(fd, 'w') as handle:
                handle.write(repr(time.time() if when is None else when))
            os.rename(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except (IOError, OSError):
        return False
    return True


def injects_invocation(task_vars=None):
    """Whether the module path's result carries ``invocation`` for this task, so that the in-process one does too.

    Up to ansible-core 2.20 every module adds it (and the strategy drops it from registered results). From 2.21
    on, a module adds it only when ``INJECT_INVOCATION`` is set, which the action plugin reads with the task's
    variables (``ansible_inject_invocation``) as ansible-core's ``_execute_module`` does.
    """
    if 'INJECT_INVOCATION' not in C.config.get_configuration_definitions():
        return True
    return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars or {}))


def invocation_as_modules_do(result, task_vars=None):
    """An in-process result (which always has ``invocation``) without it where a module's would not have it."""
    if not injects_invocation(task_vars):
        result.pop('invocation', None)
    return result


def _iccid(value):
    try:
        return check_iccid(value)
    except ModuleFailure:
        return None


def select(kind, args, obj, host_vars):
    """What of ``obj`` (an inventory reading of ``kind``) is about the task's object, with the write-record keys.

    Returns (object, keys), or (None, keys) when the reading is not about the task's object. The module's
    logic checks again; this only keeps unrelated objects out of the module's arguments.
    """
    if kind == _reading.MONOGOTO_THING:
        iccid = _iccid(args.get('iccid'))
        keys = ['monogoto-thing:%s' % iccid] if iccid else []
        if iccid is None or str(host_vars.get('monogoto_iccid')) != iccid or not isinstance(obj, dict):
            return None, keys
        return obj, keys
    if kind == _reading.PINGPL_MONITOR:
        keys = ['pingpl-monitor:%s' % i for i in (as_int(args.get('monitor_id')),) if i is not None]
        if not isinstance(obj, dict) or as_int(obj.get('id')) is None:
            return None, keys
        mid = as_int(obj.get('id'))
        if args.get('monitor_id') is not None:
            same = as_int(args.get('monitor_id')) == mid
        else:
            same = args.get('name') is not None and obj.get('name') == args.get('name')
        return (obj, sorted(set(keys + ['pingpl-monitor:%s' % mid]))) if same else (None, keys)
    if kind == _reading.PINGPL_CONTACTS:
        cid = as_int(args.get('contact_id'))
        keys = ['pingpl-contact:%s' % cid] if cid is not None else []
        if not isinstance(obj, list):
            return None, keys
        email = str(args.get('email') or '').strip().lower()

        def matches_task(contact):
            if cid is not None and as_int(contact.get('id')) == cid:
                return True
            return bool(email) and str(contact.get('email') or '').strip().lower() == email

        matches = [c for c in obj if isinstance(c, dict) and matches_task(c)]
        keys = sorted(set(keys + ['pingpl-contact:%s' % as_int(c.get('id')) for c in matches
                                  if as_int(c.get('id')) is not None]))
        return (matches or None), keys
    raise ValueError(kind)


def written_keys(kind, args, result, keys):
    """Keys of every object the task may have written: those known before it ran, and those it returned."""
    found = list(keys)
    item = result.get({_reading.PINGPL_MONITOR: 'monitor', _reading.PINGPL_CONTACTS: 'contact'}.get(kind))
    if isinstance(item, dict) and as_int(item.get('id')) is not None:
        found.append('%s:%s' % ('pingpl-monitor' if kind == _reading.PINGPL_MONITOR else 'pingpl-contact',
                                as_int(item.get('id'))))
    return sorted(set(found))


class InProcessAction(ActionBase):
    """Base of every fleetops.ping action plugin; a subclass names its ``MODULE`` definition, and a state module
    the kind of inventory reading it can use (``READING``, one of the kinds of :mod:`reading`)."""

    MODULE = None
    READING = None
    TRANSFERS_FILES = False
    _requires_connection = True

    def in_process_reason(self):
        """None when the task may run in-process, else why it may not."""
        if os.environ.get(ENV_SWITCH, '1').lower() in ('0', 'false', 'no', 'off'):
            return '%s is off' % ENV_SWITCH
        if not _http.HAS_REQUESTS:
            return 'requests is not importable on the controller'
        if getattr(self._connection, 'transport', None) != 'local':
            return 'the task does not run on the controller'
        if self._task.async_val:
            return 'async tasks run as modules'
        if self._play_context.become:
            return 'become runs the module as another user'
        return None

    def run(self, tmp=None, task_vars=None):
        result = super(InProcessAction, self).run(tmp, task_vars)
        args = dict(self._task.args)
        keys = []
        if self.READING is not None:
            keys = self.add_reading(args, task_vars or {})
        if self.in_process_reason() is not None:
            result.update(self._execute_module(module_args=args, task_vars=task_vars))
        else:
            result.update(invocation_as_modules_do(self.run_in_process(args), task_vars))
        if self.READING is not None:
            self.record_write(args, result, keys)
        return result

    def _template(self, value):
        templar = getattr(self, '_templar', None)
        return templar.template(value) if templar is not None else value

    def add_reading(self, args, task_vars):
        """Put the host's inventory reading into ``args['inventory_reading']`` when it is about the task's object.

        Returns the write-record keys of the task's object. A reading is left out when the task gives
        ``inventory_reading`` itself, when the host has none (a host from another inventory), and when a write
        of this collection to the object was recorded at or after the time it was read.
        """
        kind = self.READING
        obj_var, at_var, url_var = _reading.HOST_VARS[kind]
        host_vars = {'monogoto_iccid': self._template(task_vars.get('monogoto_iccid'))}
        obj, keys = select(kind, args, self._template(task_vars.get(obj_var)), host_vars)
        if 'inventory_reading' in args or obj is None:
            return keys
        read_at = _reading.as_time(self._template(task_vars.get(at_var)))
        api_url = self._template(task_vars.get(url_var))
        if read_at is None or not isinstance(api_url, str):
            return keys
        for key in keys:
            written = last_write(key)
            if written is not None and written >= read_at:
                return keys
        # The age is judged at the start of the run (the controller's clock, inherited from the main process):
        # the module compares judged_at - read_at with reading_max_age on both paths.
        args['inventory_reading'] = _reading.make(kind, obj, read_at, api_url, judged=_reading.judged_at(read_at))
        return keys

    def record_write(self, args, result, keys):
        """After a task that wrote, or may have written, record the time against every object it touched."""
        if self._play_context.check_mode or not (result.get('changed') or result.get('failed')):
            return
        when = time.time()
        failed = [k for k in written_keys(self.READING, args, result, keys) if not note_write(k, when)]
        if failed:
            result.setdefault('warnings', []).append(
                'the write could not be recorded in %s; a later task of this run may compare against the '
                'inventory reading from before it (set reading_max_age=0 to avoid that)'
                % os.path.join(cache_dir(), WRITTEN_DIR))

    def _environment(self):
        env = {}
        raw = self._task.environment
        if not raw:
            return env
        for entry in raw if isinstance(raw, list) else [raw]:
            entry = self._templar.template(entry)
            if isinstance(entry, dict):
                env.update(entry)
        return env

    def run_in_process(self, args=None):
        defn = self.MODULE
        args = dict(self._task.args if args is None else args)
        kwargs = defn.module_kwargs()
        validator = ArgumentSpecValidator(
            kwargs['argument_spec'],
            mutually_exclusive=kwargs['mutually_exclusive'],
            required_together=kwargs['required_together'],
            required_one_of=kwargs['required_one_of'],
            required_if=kwargs['required_if'],
            required_by=kwargs['required_by'],
        )
        warnings = []
        with task_environment(self._environment()):
            validation = validator.validate(args)
            no_log_values = set(validation._no_log_values)
            params = dict(args)
            params.update(validation.validated_parameters)
            for warning in validation._warnings:
                warnings.append('Both option {option} and its alias {alias} are set.'.format(**warning))
            if validation.error_messages:
                error = validation.errors[0]
                msg = validation.errors.msg
                if isinstance(error, UnsupportedError):
                    msg = 'Unsupported parameters for (%s) module: %s' % (self._task.action, msg)
                result = {'failed': True, 'msg': msg}
            else:
                result = runner.execute(defn, params, check_mode=bool(self._play_context.check_mode),
                                        diff=bool(self._play_context.diff), warn=warnings.append)
        result.setdefault('invocation', {'module_args': params})
        if warnings:
            result['warnings'] = warnings
        deprecations = [dict(d) for d in validation._deprecations]
        if deprecations:
            result['deprecations'] = deprecations
        preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
        result = remove_values(result, no_log_values)
        result.update(preserved)
        result.setdefault('changed', False)
        return result
