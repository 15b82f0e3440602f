# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every fleetops.ping module shares: its definition, and one way to run its logic.

A module's logic is a plain function ``run(params, client, check_mode, diff)``
that returns the result dictionary or raises :class:`ModuleFailure` /
:class:`ApiError`. :func:`execute` runs it the same way whether it is called by
the module's ``main()`` on a target or by the action plugin in the controller's
own process, so both paths return the same result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.fleetops.ping.plugins.module_utils.transport import (
    ApiError,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)


class ModuleFailure(Exception):
    """A failure the logic reports on purpose; ``extra`` is returned beside ``msg``."""

    def __init__(self, msg, **extra):
        super(ModuleFailure, self).__init__(msg)
        self.msg = msg
        self.extra = extra


class ModuleDef:
    """Everything needed to run one module: argument spec, its constraints, client and logic."""

    def __init__(self, name, argument_spec, run, client_factory=None, check_params=None,
                 mutually_exclusive=None, required_together=None, required_one_of=None,
                 required_if=None, required_by=None):
        self.name = name
        self.argument_spec = argument_spec
        self.run = run
        self.client_factory = client_factory
        self.check_params = check_params
        self.mutually_exclusive = mutually_exclusive or []
        self.required_together = required_together or []
        self.required_one_of = required_one_of or []
        self.required_if = required_if or []
        self.required_by = required_by or {}

    def module_kwargs(self):
        """Keyword arguments for ``AnsibleModule`` (and for the in-process validator)."""
        return dict(
            argument_spec=self.argument_spec,
            mutually_exclusive=self.mutually_exclusive,
            required_together=self.required_together,
            required_one_of=self.required_one_of,
            required_if=self.required_if,
            required_by=self.required_by,
            supports_check_mode=True,
        )


def execute(defn, params, check_mode=False, diff=False, warn=None):
    """Validate what the spec cannot, build the client, run the logic; always return a result dict.

    Nothing is sent before ``check_params`` has accepted the parameters.
    """
    client = None
    try:
        if defn.check_params is not None:
            defn.check_params(params)
        if defn.client_factory is not None:
            client = defn.client_factory(params, warn)
        result = defn.run(params, client, check_mode=check_mode, diff=diff)
    except ModuleFailure as exc:
        result = dict(exc.extra)
        result.update(failed=True, msg=_redact(client, exc.msg))
    except ApiError as exc:
        result = dict(failed=True, msg=_redact(client, exc.msg))
        if exc.status is not None:
            result['status'] = exc.status
    result.setdefault('changed', False)
    _account(client, result, warn)
    if not diff:
        result.pop('diff', None)
    return result


def _account(client, result, warn):
    """Put what the task's API calls cost in the result, and warn once when they were throttled or retried."""
    http = getattr(client, 'http', None)
    calls = http.api_calls() if http is not None and hasattr(http, 'api_calls') else None
    result['api_calls'] = calls or dict(requests=0, throttled=0, waited_s=0.0)
    summary = http.summary() if calls is not None else None
    if summary:
        if warn is not None:
            warn(summary)
        else:
            result.setdefault('warnings', []).append(summary)


def _redact(client, text):
    http = getattr(client, 'http', None)
    return http.redact(text) if http is not None else text


def run_module(module, defn):
    """The whole body of a module's ``main()``."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    result = execute(defn, module.params, check_mode=module.check_mode, diff=module._diff, warn=module.warn)
    if result.pop('failed', False):
        msg = result.pop('msg')
        module.fail_json(msg=msg, **result)
    module.exit_json(**result)
