# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The deprecation check of conftest.py: it sees real deprecation warnings, and tells this collection's apart.

The sorting is tested on log entries as ansible-core 2.16 and 2.21 write them; then a real ``ansible`` command
runs a throwaway module (outside this collection) that deprecates once in fleetops.ping's name and once in
ansible-core's, and the wrapped ``subprocess.run`` must have caught the first and only the first.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import os
import subprocess
import sys
import textwrap

import pytest

import deprecations
from conftest import AnsibleCoreDeprecation

BIN = os.path.dirname(sys.executable)
ROOT = deprecations.ROOT

LOG_216 = textwrap.dedent('''\
    2026-12-01 10:00:00,101 p=10 u=root n=ansible | PLAY [x] ***
    2026-12-01 10:00:00,102 p=10 u=root n=ansible | [DEPRECATION WARNING]: The foo option is deprecated. This feature
    will be removed from fleetops.ping in version 1.0.0. Deprecation warnings can be disabled by setting
    deprecation_warnings=False in ansible.cfg.
    2026-12-01 10:00:00,103 p=10 u=root n=ansible | [DEPRECATION WARNING]: Some core thing. This feature will be
    removed in version 2.18. Deprecation warnings can be disabled by setting deprecation_warnings=False in
    ansible.cfg.
    2026-12-01 10:00:00,104 p=10 u=root n=ansible | Loading collection fleetops.ping from /somewhere
    ''')

LOG_221 = textwrap.dedent('''\
    2026-12-01 10:00:00,101 p=10 u=root n=ansible INFO| TASK [fleetops.ping.monogoto_thing_info] ***
    2026-12-01 10:00:00,102 p=10 u=root n=ansible WARNING| [DEPRECATION WARNING]: Passing `warnings` to `exit_json` or \
`fail_json` is deprecated. This feature will be removed from ansible-core version 2.23.

    Traceback (most recent call last):
      File "/tmp/ansible_payload.zip/ansible_collections/fleetops/ping/plugins/module_utils/runner.py", line 117
        module.exit_json(**result)

    2026-12-01 10:00:00,103 p=10 u=root n=ansible WARNING| [DEPRECATION WARNING]: The `x` method is deprecated. \
This feature will be removed from ansible-core version 2.23.

    Traceback (most recent call last):
      File "/usr/lib/python3.13/site-packages/ansible/plugins/callback/default.py", line 10, in v2_runner_on_ok

    2026-12-01 10:00:00,104 p=10 u=root n=ansible WARNING| [DEPRECATION WARNING]: Conditional result (True) was \
derived from value of type 'str'. This feature will be removed from ansible-core version 2.23.
    Origin: {root}/tests/integration/playbooks/example.yml:12:13

    12       when: "'yes'"
    2026-12-01 10:00:00,105 p=10 u=root n=ansible INFO| ok: [localhost]
    ''').format(root=ROOT)


def test_log_entries_are_read_whole():
    entries = deprecations.log_entries(LOG_221)
    assert len(entries) == 5
    assert entries[1].startswith('[DEPRECATION WARNING]: Passing `warnings`')
    assert entries[1].rstrip().endswith('module.exit_json(**result)')
    assert entries[4] == 'ok: [localhost]'


@pytest.mark.parametrize('log, ours, others', [
    (LOG_216, ['The foo option'], ['Some core thing']),
    (LOG_221, ['Passing `warnings`', 'Conditional result'], ['The `x` method']),
])
def test_collection_deprecations_are_told_from_ansible_cores(log, ours, others):
    found_ours, found_others = deprecations.split(log)
    assert len(found_ours) == len(ours) and all(o in w for o, w in zip(ours, found_ours))
    assert len(found_others) == len(others) and all(o in w for o, w in zip(others, found_others))


def test_a_log_without_the_warning_shown_is_a_blind_check():
    assert deprecations.shown_but_not_logged('x\n[DEPRECATION WARNING]: y\n', '')
    assert not deprecations.shown_but_not_logged('x\n[DEPRECATION WARNING]: y\n', LOG_216)
    assert not deprecations.shown_but_not_logged('nothing to see', '')


MODULE = '''#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule

module = AnsibleModule(argument_spec={'collection': {'type': 'str'}})
module.deprecate('The throwaway test module is deprecated', version='9.9.0', collection_name=module.params['collection'])
module.exit_json(changed=False)
'''


@pytest.mark.parametrize('collection, ours', [('fleetops.ping', True), ('ansible.builtin', False)])
def test_a_real_deprecation_warning_is_caught(tmp_path, ansible_deprecations, collection, ours):
    library = tmp_path / 'library'
    library.mkdir()
    (library / 'throwaway_deprecating.py').write_text(MODULE)
    env = dict(os.environ, ANSIBLE_LIBRARY=str(library), ANSIBLE_NOCOLOR='1', ANSIBLE_LOCALHOST_WARNING='0',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='0')
    cmd = [os.path.join(BIN, 'ansible'), 'localhost', '-m', 'throwaway_deprecating', '-a', 'collection=' + collection,
           '-e', 'ansible_python_interpreter=' + sys.executable]
    with contextlib.nullcontext() if ours else pytest.warns(AnsibleCoreDeprecation, match='throwaway test module'):
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=120, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert deprecations.MARKER in proc.stderr + proc.stdout
    if ours:
        assert len(ansible_deprecations) == 1
        assert 'The throwaway test module is deprecated' in ansible_deprecations[0][1]
        assert ansible_deprecations[0][0].startswith('ansible localhost -m throwaway_deprecating')
        del ansible_deprecations[:]  # seen: this test must not fail for it
    else:
        assert ansible_deprecations == []
