# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-process path and the module path return the same results for the same tasks.

Each playbook of tests/integration/parity runs the same tasks (check mode, change, no change, diff, bad
input, unsupported options, API errors, retries with warnings, no_log options) once with the action plugin
running the logic in-process and once with FLEETOPS_PING_IN_PROCESS=0, which executes the real module.
The simulator is reset at the start of each run and is deterministic, so the registered results must be
equal, apart from the keys only one path adds. Secrets must be masked on both paths.

Neither path's registered results carry ``invocation`` by default: ansible-core 2.20 and older drop it from
registered results, and from 2.21 on a module adds it only with ``INJECT_INVOCATION``. On a release that has
that setting, the Monogoto playbook, and every playbook that looks at ``invocation`` itself, runs once more with
``ANSIBLE_INJECT_INVOCATION=1``: both paths must then carry it, equal, with every secret option masked (the unit
parity tests check the same of every API's modules).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import re
import subprocess

import pytest
from ansible.module_utils.common.parameters import PASS_VARS

from test_playbooks import BIN, HERE, sim_secrets, simulator  # noqa: F401 pylint: disable=unused-import

PARITY = sorted(glob.glob(os.path.join(HERE, 'parity', '*.yml')))
# Keys that only the module path adds, or that name the execution path.
PATH_ONLY_KEYS = frozenset(('_ansible_parsed', '_ansible_no_log', '_ansible_verbose_always', 'exception',
                            'module_stderr', 'module_stdout'))
# When an inventory reading was taken, when its age was judged (the start of each run) and how old it was then:
# each run has its own clock.
CLOCK_KEYS = frozenset(('read_at', 'judged_at', 'age_s'))
NO_LOG_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
SECRET_OPTIONS = ('password', 'token', 'client_secret', 'access_token', 'old_password', 'new_password')
# ansible-core 2.21 and newer: modules add ``invocation`` only when INJECT_INVOCATION asks for it.
HAS_INJECT_INVOCATION = 'inject_invocation' in PASS_VARS
INJECT_PLAYBOOK = 'monogoto.yml'


# Seconds waited depend on timing: compared as present, not by value (requests and throttles must agree).
WAITED = re.compile(r'waited [0-9.]+ s')


def normalize(value, key=None):
    if isinstance(value, dict):
        return dict((k, '(seconds)' if k == 'waited_s' else normalize(v, k))
                    for k, v in value.items() if k not in PATH_ONLY_KEYS | CLOCK_KEYS)
    if isinstance(value, list):
        return [normalize(v, key) for v in value]
    if key == 'warnings' and isinstance(value, str):
        return WAITED.sub('waited (seconds)', value)
    return value


def run(playbook, mode, url, coll_path, tmp_path, inject=False):
    out = tmp_path / ('%s.json' % mode)
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(('MONOGOTO_', 'PINGPL_', 'PINGASSET_')):
            del env[name]
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': coll_path,
        'ANSIBLE_NOCOLOR': '1',
        'ANSIBLE_LOCALHOST_WARNING': '0',
        'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        'FLEETOPS_PING_CACHE_DIR': str(tmp_path / ('cache-' + mode)),
        'FLEETOPS_PING_IN_PROCESS': '1' if mode == 'in_process' else '0',
    })
    env.pop('ANSIBLE_INJECT_INVOCATION', None)
    if inject:
        env['ANSIBLE_INJECT_INVOCATION'] = '1'
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', os.path.join(HERE, 'inventory.ini'),
                           playbook, '-e', 'sim_url=' + url, '-e', 'parity_out=' + str(out), '-vvvv'],
                          cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stdout[-6000:]
    return json.loads(out.read_text()), proc.stdout


def reads_invocation(playbook):
    """True when the playbook asserts something of ``invocation``: it needs INJECT_INVOCATION to mean anything."""
    with open(playbook, encoding='utf-8') as handle:
        return '.invocation' in handle.read()


CASES = [(p, False) for p in PARITY]
CASES += [(p, True) for p in PARITY
          if HAS_INJECT_INVOCATION and (os.path.basename(p) == INJECT_PLAYBOOK or reads_invocation(p))]


@pytest.mark.parametrize('playbook, inject', CASES,
                         ids=[os.path.basename(p)[:-4] + ('-inject_invocation' if i else '') for p, i in CASES])
def test_parity(simulator, playbook, inject, tmp_path):  # noqa: F811 pylint: disable=redefined-outer-name
    url, coll_path = simulator
    in_process, out_a = run(playbook, 'in_process', url, coll_path, tmp_path, inject)
    module, out_b = run(playbook, 'module', url, coll_path, tmp_path, inject)
    assert sorted(in_process) == sorted(module)
    for name in sorted(in_process):
        assert normalize(in_process[name]) == normalize(module[name]), 'task %r differs between the paths' % name
    secrets = [s for s in sim_secrets(url) if len(s) >= 6]
    for text in (out_a, out_b, json.dumps(in_process), json.dumps(module)):
        assert not [s for s in secrets if s in text], 'a secret was not masked'
    for results in (in_process, module):
        for name, result in results.items():
            if not inject:
                assert 'invocation' not in result, '%s: a registered result carries invocation' % name
                continue
            if 'changed' not in result and 'failed' not in result:
                continue  # not a task's result (the playbook's own summary of the request log)
            args = result['invocation']['module_args']
            for option in SECRET_OPTIONS:
                if args.get(option) is not None:
                    assert args[option] == NO_LOG_MASK, '%s: %s is not masked' % (name, option)
    if inject:
        masked = [n for n, r in in_process.items() for o in SECRET_OPTIONS
                  if r.get('invocation', {}).get('module_args', {}).get(o) == NO_LOG_MASK]
        assert masked, 'no task of %s gave a secret option: the masking went unchecked' % os.path.basename(playbook)
