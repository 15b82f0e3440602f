# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report builders: diff rendering, no_log, secrets, JSON, JUnit XML and Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import xml.etree.ElementTree as ET

from ansible_collections.fleetops.ping.plugins.plugin_utils import drift_report
from ansible_collections.fleetops.ping.plugins.plugin_utils.drift_report import (
    REDACTED,
    DriftReport,
    api_of,
    collection_secret_names,
    compact_changes,
    normalize_diff,
    render_diff,
)
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD
from ansible_collections.fleetops.ping.tests.simulator.pingasset import DEMO_CLIENT_SECRET
from ansible_collections.fleetops.ping.tests.simulator.pingpl import PINGPL_KEY

BEARER = 'eyJ0b2tlbi1pc3N1ZWQtYnktdGhlLXNpbXVsYXRvcg'
SECRETS = (PASSWORD, PINGPL_KEY, DEMO_CLIENT_SECRET, BEARER)
THING = 'ThingId_ICCID_8944500100000000020'
IMEI_DIFF = {'before': {'LockMasterImei': False, 'MasterIMEI': '358063608377830'},
             'after': {'LockMasterImei': True, 'MasterIMEI': '358063608377830'},
             'before_header': THING, 'after_header': THING}


def new_report(check=True, diff=True, env_secrets=()):
    options, _env = collection_secret_names()
    report = DriftReport(secrets=env_secrets, secret_options=options)
    report.check_mode = check
    report.diff_mode = diff
    report.timestamp = '2026-01-01T00:00:00Z'
    report.playbooks.append('playbooks/demo.yml')
    return report


def all_outputs(report):
    return report.to_json() + report.to_junit() + report.to_markdown()


# -- secrets the collection knows -------------------------------------------
def test_secret_names_come_from_the_argument_specs():
    options, env = collection_secret_names()
    assert set(options) >= {'password', 'token', 'client_secret', 'access_token'}
    assert 'username' not in options and 'client_id' not in options
    assert set(env) >= {'MONOGOTO_PASSWORD', 'MONOGOTO_TOKEN', 'PINGPL_TOKEN', 'PINGASSET_CLIENT_SECRET', 'PINGASSET_ACCESS_TOKEN'}


def test_api_of_actions():
    assert api_of('fleetops.ping.monogoto_thing_imei') == 'Monogoto'
    assert api_of('fleetops.ping.pingpl_monitor_state') == 'ping.pl'
    assert api_of('fleetops.ping.pingasset_configuration') == 'PING asset'
    assert api_of('ansible.builtin.copy') == 'ansible.builtin'
    assert api_of('copy') == 'ansible.builtin'
    assert api_of('community.general.ini_file') == 'community.general'


# -- diff rendering ----------------------------------------------------------
def test_render_structured_diff_with_headers():
    text = render_diff(normalize_diff(IMEI_DIFF))
    assert text.splitlines() == [
        '--- before: ' + THING,
        '+++ after: ' + THING,
        '@@ -1,4 +1,4 @@',
        ' {',
        '-    "LockMasterImei": false,',
        '+    "LockMasterImei": true,',
        '     "MasterIMEI": "358063608377830"',
        ' }',
    ]


def test_render_prepared_text_and_list_of_diffs():
    diffs = normalize_diff([
        {'prepared': '--- a\n+++ b\n-x\n+y'},
        {'before': 'line1\nline2\n', 'after': 'line1\nline3\n'},
        {'before_header': 'nothing else'},
        'not a dict',
    ])
    assert len(diffs) == 2
    text = render_diff(diffs)
    assert text.startswith('--- a\n+++ b\n-x\n+y\n')
    assert '--- before: before\n+++ after: after\n' in text
    assert '-line2\n+line3\n' in text
    assert normalize_diff(None) == [] and normalize_diff({}) == []


def test_render_equal_sides_give_no_text():
    assert render_diff(normalize_diff({'before': {'a': 1}, 'after': {'a': 1}})) == ''


def test_compact_changes_flattens_nested_values_and_absent_keys():
    lines = compact_changes(normalize_diff({
        'before': {'settings': {'interval': 900, 'shock': 2.5}, 'old': 'x'},
        'after': {'settings': {'interval': 600, 'shock': 2.5}, 'new': [1, 2]},
        'after_header': 'Fleet reporting',
    }))
    assert lines == [
        'Fleet reporting new: (absent) \u2192 [1, 2]',
        'Fleet reporting old: x \u2192 (absent)',
        'Fleet reporting settings.interval: 900 \u2192 600',
    ]
    text_lines = compact_changes(normalize_diff({'before': 'a\nb\n', 'after': 'a\nc\n'}))
    assert text_lines == ['-b', '+c']


# -- JSON ----------------------------------------------------------------------
def test_json_lists_exactly_the_changes_with_their_diffs():
    report = new_report()
    report.record('tracker-01', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'changed', {'changed': True, 'diff': IMEI_DIFF})
    report.record('tracker-02', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False, 'diff': IMEI_DIFF})
    report.record('tracker-03', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'failed', {'failed': True, 'msg': 'HTTP 409:\nconflict'})
    report.record('tracker-04', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'unreachable', {'msg': 'no route'})
    report.record('tracker-05', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'skipped', {'skipped': True})
    data = json.loads(report.to_json())
    assert data['drift'] is True and data['check_mode'] is True and data['diff_mode'] is True
    assert data['playbook'] == 'playbooks/demo.yml'
    assert data['timestamp'] == '2026-01-01T00:00:00Z'
    assert data['changed'] == [{'host': 'tracker-01', 'task': 'Lock', 'action': 'fleetops.ping.monogoto_thing_imei',
                                'object': THING, 'diff': [IMEI_DIFF]}]
    assert data['failures'] == [{'host': 'tracker-03', 'task': 'Lock', 'action': 'fleetops.ping.monogoto_thing_imei',
                                 'msg': 'HTTP 409: conflict', 'ignored': False}]
    assert data['unreachable'] == [{'host': 'tracker-04', 'task': 'Lock', 'msg': 'no route'}]
    assert data['summary'] == {'objects': 1, 'by_api': {'Monogoto': 1},
                               'by_task': [{'api': 'Monogoto', 'task': 'Lock', 'objects': 1}]}
    assert data['hosts']['tracker-01']['changed'] == 1 and data['hosts']['tracker-03']['failures'] == 1
    assert 'note' not in data


def test_json_without_drift_and_without_diff_mode():
    report = new_report(diff=False)
    report.record('h', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False})
    data = json.loads(report.to_json())
    assert data['drift'] is False and data['changed'] == []
    assert 'diff mode was off' in data['note']
    report.record('h', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'changed', {'changed': True})
    data = json.loads(report.to_json())
    assert data['drift'] is True and data['changed'][0]['diff'] is None
    assert 'no diff' in report.to_junit() and 'diff mode off' in report.to_markdown()


def test_loop_items_are_recorded_one_by_one():
    report = new_report()
    result = {'changed': True, 'results': [
        {'changed': False, 'item': 3009, 'ansible_loop_var': 'item'},
        {'changed': True, 'item': 3118, 'ansible_loop_var': 'item', '_ansible_item_label': 3118,
         'diff': {'before': {'status': 'INACTIVE'}, 'after': {'status': 'ACTIVE'}, 'after_header': 'monitor 3118'}},
        {'failed': True, 'item': 3200, 'msg': 'Monitor 3200 does not exist'},
    ]}
    report.record('localhost', 'Monitors', 'fleetops.ping.pingpl_monitor_state', 'failed', result)
    data = json.loads(report.to_json())
    assert [(c['item'], c['object']) for c in data['changed']] == [('3118', 'monitor 3118')]
    assert [(f['item'], f['msg']) for f in data['failures']] == [('3200', 'Monitor 3200 does not exist')]
    assert len(report.records) == 3


def test_ignored_failure_is_listed_but_not_an_error():
    report = new_report()
    report.record('h', 'Probe', 'ansible.builtin.command', 'failed', {'failed': True, 'msg': 'exit 1'}, ignored=True)
    data = json.loads(report.to_json())
    assert data['failures'][0]['ignored'] is True
    suite = ET.fromstring(report.to_junit()).find('testsuite')
    assert suite.get('errors') == '0' and suite.find('testcase/error') is None


# -- no_log and secrets ------------------------------------------------------------
def test_no_log_result_is_reported_by_host_and_task_only():
    report = new_report()
    secret_result = {'changed': True, '_ansible_no_log': True, 'msg': 'set ' + PASSWORD,
                     'diff': {'before': {'password': 'old-' + PASSWORD}, 'after': {'password': PASSWORD}}}
    report.record('h1', 'Rotate', 'ansible.builtin.user', 'changed', secret_result)
    report.record('h2', 'Rotate', 'ansible.builtin.user', 'failed', dict(secret_result, failed=True), no_log=True)
    data = json.loads(report.to_json())
    assert data['changed'] == [{'host': 'h1', 'task': 'Rotate', 'action': 'ansible.builtin.user', 'no_log': True, 'diff': None}]
    assert data['failures'][0]['msg'] == 'hidden by no_log'
    text = all_outputs(report)
    assert PASSWORD not in text and 'old-' not in text
    assert 'hidden by no_log' in report.to_markdown()


def test_no_log_loop_item_hides_label_and_diff():
    report = new_report()
    report.record('h', 'Users', 'ansible.builtin.user', 'changed', {'changed': True, 'results': [
        {'changed': True, '_ansible_no_log': True, 'item': {'name': 'bob', 'pw': PASSWORD},
         'diff': {'before': PASSWORD, 'after': 'x'}},
    ]})
    data = json.loads(report.to_json())
    assert data['changed'] == [{'host': 'h', 'task': 'Users', 'action': 'ansible.builtin.user', 'item': 'hidden by no_log',
                                'no_log': True, 'diff': None}]
    assert PASSWORD not in all_outputs(report)


def test_no_secret_reaches_any_report_on_any_path():
    report = new_report(env_secrets=[BEARER])
    task_args = {'iccid': '1', 'password': PASSWORD, 'api_url': 'http://x', 'nested': {'token': PINGPL_KEY},
                 'list': [{'client_secret': DEMO_CLIENT_SECRET}], 'templated': {'password': '{{ vault_pw }}'}}
    secrets = report.secrets_from(task_args, [{'group/fleetops.ping.pingpl': {'token': PINGPL_KEY}}])
    assert secrets == {PASSWORD, PINGPL_KEY, DEMO_CLIENT_SECRET}
    # A module of another collection echoes the secrets in its diff, its item label, its message and the task name.
    leaky_diff = [
        {'before': {'config': 'user=admin pass=%s' % PASSWORD, 'api_key': 'k3y-value-1'},
         'after': {'config': 'key %s' % PINGPL_KEY, 'api_key': 'k3y-value-2', 'url': 'https://h/?token=abcdef123'},
         'before_header': 'conf %s' % DEMO_CLIENT_SECRET, 'after_header': 'conf'},
        {'prepared': '-Authorization: Bearer %s\n+password: hunter22222' % BEARER},
    ]
    report.record('h', 'Write config with %s' % PASSWORD, 'community.general.ini_file', 'changed',
                  {'changed': True, 'diff': leaky_diff}, secrets=secrets)
    report.record('h', 'Loop', 'ansible.builtin.uri', 'changed', {'changed': True, 'results': [
        {'changed': True, 'item': {'client_secret': DEMO_CLIENT_SECRET}, 'diff': {'before': '', 'after': PINGPL_KEY}}]},
        secrets=secrets)
    report.record('h', 'Login', 'ansible.builtin.uri', 'failed',
                  {'failed': True, 'msg': 'login failed with password=%s and token %s, Bearer %s' % (PASSWORD, PINGPL_KEY, BEARER)},
                  secrets=secrets)
    report.record('h', 'Login', 'ansible.builtin.uri', 'unreachable', {'msg': 'ssh: %s' % DEMO_CLIENT_SECRET}, secrets=secrets)
    text = all_outputs(report)
    for secret in SECRETS + ('hunter22222', 'k3y-value-1', 'k3y-value-2', 'abcdef123'):
        assert secret not in text, secret
    data = json.loads(report.to_json())
    assert data['changed'][0]['diff'][0]['before']['api_key'] == REDACTED
    assert data['changed'][0]['diff'][0]['after']['config'] == 'key ' + REDACTED
    assert data['changed'][0]['task'] == 'Write config with ' + REDACTED
    assert data['failures'][0]['msg'].startswith('login failed with password=' + REDACTED)


def test_values_ansible_masked_stay_masked():
    report = new_report()
    masked = {'before': {'password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'}, 'after': {'password': '********', 'enabled': True}}
    report.record('h', 't', 'x.y.z', 'changed', {'changed': True, 'diff': masked})
    assert json.loads(report.to_json())['changed'][0]['diff'] == [masked]


# -- JUnit XML ------------------------------------------------------------------
def test_junit_is_well_formed_escaped_and_carries_the_diff():
    report = new_report()
    nasty = 'Task <a href="x">&amp; \'quoted\' ]]> \x01\x1b end'
    report.record('host<1>&', nasty, 'fleetops.ping.monogoto_thing_imei', 'changed', {'changed': True, 'diff': IMEI_DIFF})
    report.record('host-2', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False})
    report.record('host-3', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'failed', {'failed': True, 'msg': 'HTTP 500: <html> & "oops"'})
    report.record('host-4', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'unreachable', {'msg': 'gone'})
    report.record('host-5', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'skipped', {'skipped': True})
    xml = report.to_junit()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(xml.encode('utf-8'))
    suite = root.find('testsuite')
    assert (root.get('tests'), root.get('failures'), root.get('errors'), root.get('skipped')) == ('5', '1', '2', '1')
    cases = suite.findall('testcase')
    assert [c.get('classname') for c in cases] == ['host<1>&', 'host-2', 'host-3', 'host-4', 'host-5']
    assert cases[0].get('name') == 'Task <a href="x">&amp; \'quoted\' ]]> \ufffd\ufffd end'
    failure = cases[0].find('failure')
    assert failure.get('type') == 'drift' and failure.get('message') == 'would change: ' + THING
    assert failure.text == render_diff(normalize_diff(IMEI_DIFF))
    assert cases[1].find('failure') is None and cases[1].find('error') is None
    assert cases[2].find('error').get('message') == 'HTTP 500: <html> & "oops"'
    assert cases[3].find('error').get('type') == 'unreachable'
    assert cases[4].find('skipped') is not None


def test_junit_change_outside_check_mode_is_named_changed():
    report = new_report(check=False)
    report.record('h', 't', 'x.y.z', 'changed', {'changed': True, 'diff': IMEI_DIFF})
    failure = ET.fromstring(report.to_junit()).find('testsuite/testcase/failure')
    assert failure.get('message').startswith('changed: ')


# -- Markdown ---------------------------------------------------------------------
def test_markdown_summary_table_and_folding():
    report = new_report()
    report.record('tracker-01', 'Lock | pin', 'fleetops.ping.monogoto_thing_imei', 'changed', {'changed': True, 'diff': IMEI_DIFF})
    big = {'before': dict(('key%02d' % i, i) for i in range(8)), 'after': dict(('key%02d' % i, i + 1) for i in range(8)),
           'after_header': 'Fleet <reporting>'}
    report.record('localhost', 'Publish', 'fleetops.ping.pingasset_configuration', 'changed', {'changed': True, 'diff': big})
    report.record('localhost', 'Boom', 'fleetops.ping.pingpl_monitor_state', 'failed', {'failed': True, 'msg': 'HTTP 401: Invalid token'})
    md = report.to_markdown()
    lines = md.splitlines()
    assert lines[0] == '## Drift report: playbooks/demo.yml'
    assert lines[2].startswith('**Drift: 2 objects would change** (check mode, diff on;')
    assert '| Monogoto | Lock &#124; pin | 1 |' in lines
    assert '| PING asset | Publish | 1 |' in lines
    row = [line for line in lines if line.startswith('| tracker-01 |')][0]
    assert row == ('| tracker-01 | Lock &#124; pin | <code>%s LockMasterImei: false \u2192 true</code> |' % THING)
    folded = [line for line in lines if line.startswith('| localhost | Publish |')][0]
    assert '<details><summary>8 changes</summary>' in folded and 'Fleet &lt;reporting&gt; key07: 7 \u2192 8' in folded
    assert '| localhost | Boom | HTTP 401: Invalid token |' in lines
    assert 'did not complete cleanly' in md
    # every table row has exactly the columns of its header
    for line in lines:
        if line.startswith('|'):
            assert line.count('|') == 4, line


def test_markdown_without_drift():
    report = new_report()
    report.record('h', 't', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False})
    md = report.to_markdown()
    assert '**No drift**: nothing would change (check mode, diff on;' in md
    assert '| host |' not in md


def test_redactor_keeps_plain_values():
    red = drift_report.Redactor([PASSWORD])
    assert red.value({'a': [1, 2.5, None, True], 'b': 'plain'}) == {'a': [1, 2.5, None, True], 'b': 'plain'}
    assert red.value({'token_count': True, 'password': None}) == {'token_count': True, 'password': None}


def test_a_secret_named_by_any_task_of_the_run_is_redacted_everywhere():
    report = new_report()
    # A module of another collection writes the password into a file before the task that names it runs.
    report.record('h', 'Write', 'ansible.builtin.copy', 'changed',
                  {'changed': True, 'diff': {'before': '', 'after': 'the password is %s\n' % PASSWORD}})
    report.record('h', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False},
                  secrets=report.secrets_from({'iccid': '1', 'password': PASSWORD}))
    assert PASSWORD not in all_outputs(report)
    assert json.loads(report.to_json())['changed'][0]['diff'][0]['after'] == 'the password is ********\n'
