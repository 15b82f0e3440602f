# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every ansible command that an integration test runs fails the test on a deprecation warning of this collection.

The tests run Ansible's commands with ``subprocess.run`` (the harnesses here and tests/simulator/fleet.py).
For the duration of each test, ``subprocess.run`` is wrapped: an ``ansible*`` command runs with the settings
of :data:`deprecations.ENV` and a log file of its own, and afterwards every deprecation warning in that log is
sorted (:mod:`deprecations`). A warning that comes from this collection's code, playbooks or inventory files
fails the test once the test's own assertions have run; one from ansible-core's own internals is reported as
a pytest warning. A command whose output shows a deprecation warning that its log does not hold fails the test
too, since the check would then be blind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import warnings

import pytest

import deprecations

FOUND = pytest.StashKey()
SHOWN = 3000  # characters of each warning in a failure message


class AnsibleCoreDeprecation(UserWarning):
    """A deprecation warning that ansible-core's own code caused, not this collection's."""


def is_ansible(cmd):
    argv = cmd.split() if isinstance(cmd, str) else list(cmd or [])
    return bool(argv) and os.path.basename(str(argv[0])).startswith('ansible')


def describe(cmd):
    argv = cmd.split() if isinstance(cmd, str) else [str(a) for a in cmd]
    return ' '.join([os.path.basename(argv[0])] + [a if len(a) < 80 else a[:77] + '...' for a in argv[1:]])


@pytest.fixture(autouse=True)
def ansible_deprecations(request, monkeypatch, tmp_path_factory):
    """This collection's deprecation warnings seen by the test so far (a list of (command, warning))."""
    found = request.node.stash.setdefault(FOUND, [])
    real_run = subprocess.run
    logs = []

    def run(*popenargs, **kwargs):
        cmd = popenargs[0] if popenargs else kwargs.get('args')
        check = kwargs.pop('check', False)
        if not is_ansible(cmd):
            return real_run(*popenargs, check=check, **kwargs)
        env = dict(os.environ if kwargs.get('env') is None else kwargs['env'])
        env.update(deprecations.ENV)
        log = env.get(deprecations.LOG_PATH_VAR)
        if not log:
            if not logs:
                logs.append(str(tmp_path_factory.mktemp('ansible-log')))
            log = os.path.join(logs[0], 'ansible-%d.log' % len(os.listdir(logs[0])))
            env[deprecations.LOG_PATH_VAR] = log
        offset = os.path.getsize(log) if os.path.exists(log) else 0
        kwargs['env'] = env
        proc = real_run(*popenargs, check=check, **kwargs)
        text = ''
        if os.path.exists(log):
            with open(log, 'r', encoding='utf-8', errors='replace') as handle:
                handle.seek(offset)
                text = handle.read()
        ours, others = deprecations.split(text)
        output = ''.join(s for s in (proc.stdout, proc.stderr) if isinstance(s, str))
        if deprecations.shown_but_not_logged(output, text):
            ours.append('%s shows a deprecation warning that its log (%s) does not hold, so it cannot be '
                        'attributed:\n%s' % (describe(cmd), log, output[output.index(deprecations.MARKER):][:SHOWN]))
        found.extend((describe(cmd), w) for w in ours)
        for warning in others:
            warnings.warn(AnsibleCoreDeprecation('%s: %s' % (describe(cmd), warning[:SHOWN])))
        return proc

    monkeypatch.setattr(subprocess, 'run', run)
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    def report(found):
        return '\n\n'.join('%s:\n%s' % (cmd, w[:SHOWN]) for cmd, w in found)
    try:
        result = yield
    except BaseException:
        found = item.stash.get(FOUND, [])
        if found:
            item.add_report_section('call', 'deprecation warnings of fleetops.ping', report(found))
        raise
    found = item.stash.get(FOUND, [])
    if found:
        pytest.fail('%d deprecation warning(s) from fleetops.ping:\n\n%s' % (len(found), report(found)), pytrace=False)
    return result
