# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one module both ways, as a module process and as the action plugin does in-process, for parity tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys

from ansible.module_utils.common.parameters import PASS_VARS

from ansible_collections.fleetops.ping.plugins.module_utils import runner as _runner
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction, invocation_as_modules_do

# .../<root>/ansible_collections/fleetops/ping/plugins/module_utils/runner.py -> <root>
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_runner.__file__), *(['..'] * 5)))
MODULES = os.path.join(COLLECTIONS_ROOT, 'ansible_collections', 'fleetops', 'ping', 'plugins', 'modules')
API_ENV_PREFIXES = ('MONOGOTO_', 'PINGPL_', 'PINGASSET_')


# ansible-core 2.21 and newer add ``invocation`` to a module's result only when asked to (INJECT_INVOCATION);
# older ones always add it, and know no such argument.
ASKS_FOR_INVOCATION = 'inject_invocation' in PASS_VARS


def as_module(name, args, check_mode=False, diff=False, invocation=True):
    """The module's own result, from a real module process (environment credentials removed).

    ``invocation``: ask for the ``invocation`` key as INJECT_INVOCATION does, on the releases that need asking.
    """
    payload = dict(args)
    payload.update({'_ansible_check_mode': check_mode, '_ansible_diff': diff, '_ansible_no_log': False})
    if ASKS_FOR_INVOCATION:
        payload['_ansible_inject_invocation'] = invocation
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(API_ENV_PREFIXES))
    env['PYTHONPATH'] = COLLECTIONS_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    proc = subprocess.run([sys.executable, os.path.join(MODULES, name + '.py')],
                          input=json.dumps({'ANSIBLE_MODULE_ARGS': payload}), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=60, check=False)
    return json.loads(proc.stdout)


def in_process(defn, args, check_mode=False, diff=False, invocation=True):
    """What the action plugin does, without a task around it (``invocation`` as for :func:`as_module`)."""
    action = InProcessAction.__new__(InProcessAction)
    action.MODULE = defn

    class Task:
        environment = None
        args = {}
    action._task = Task()
    action._task.args = dict(args)

    class Ctx:
        pass
    action._play_context = Ctx()
    action._play_context.check_mode = check_mode
    action._play_context.diff = diff
    return invocation_as_modules_do(action.run_in_process(), {'ansible_inject_invocation': invocation})


def normalized(result, volatile):
    """``result`` without the keys named in ``volatile``, at any depth.

    ``api_calls`` is reduced to its keys: the counts depend on the token cache (the paths run one after the
    other against one cache) and the seconds waited on timing.
    """
    def clean(value):
        if isinstance(value, dict):
            return dict((k, sorted(v) if k == 'api_calls' and isinstance(v, dict) else clean(v))
                        for k, v in value.items() if k not in volatile)
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value
    return clean(result)
