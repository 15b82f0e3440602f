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

Heavy imports stay at the top of this file and of the module_utils it loads,
so that the controller's main process imports them once, before it forks.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.fleetops.ping.plugins.module_utils import transport as _http
from ansible_collections.fleetops.ping.plugins.module_utils import runner

ENV_SWITCH = 'FLEETOPS_PING_IN_PROCESS'


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


class InProcessAction(ActionBase):
    """Base of every fleetops.ping action plugin; a subclass only names its ``MODULE`` definition."""

    MODULE = None
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
        if self.in_process_reason() is not None:
            result.update(self._execute_module(task_vars=task_vars))
            return result
        result.update(self.run_in_process())
        return result

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

    def run_in_process(self):
        defn = self.MODULE
        args = dict(self._task.args)
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
