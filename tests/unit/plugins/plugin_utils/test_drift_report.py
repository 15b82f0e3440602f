# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift report builders: diff rendering, no_log, secrets, JSON, JUnit XML and Markdown."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import xml.etree.ElementTree as ET

import pytest

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


# -- fleet tasks: one object per entry of a list-form diff ------------------------------------------------
FLEET = 'fleetops.ping.monogoto_fleet'
FLEET_TASK = 'Enforce the SIM fleet'


def fleet_iccid(index):
    return '8944500100%09d' % index


def fleet_result(changed=10, failures=0, diff=True, no_log=False):
    """A result of the shape the fleet task returns (summary, changes, failures, list-form diff)."""
    changes, diffs, failed = [], [], []
    for index in range(changed):
        iccid = fleet_iccid(index)
        tid = 'ThingId_ICCID_' + iccid
        if index % 2:
            before, after = {'LockMasterImei': False, 'MasterIMEI': ''}, {'LockMasterImei': True, 'MasterIMEI': '35693803%07d' % index}
        else:
            before, after = {'state': 'SUSPENDED'}, {'state': 'ACTIVE'}
        changes.append({'iccid': iccid, 'thing_id': tid, 'before': before, 'after': after})
        diffs.append({'before': before, 'after': after, 'before_header': tid, 'after_header': tid})
    for index in range(failures):
        failed.append({'iccid': fleet_iccid(500000 + index), 'msg': 'PUT /thing/update/: HTTP 409:\nConflict %d' % index})
    result = {'changed': bool(changed), 'changes': changes, 'failures': failed,
              'summary': {'things': changed + failures + 5, 'unchanged': 5, 'changed': changed, 'failed': failures}}
    if diff:
        result['diff'] = diffs
    if failures:
        result.update(failed=True, msg='%d of %d SIMs could not be brought to their state' % (failures, changed + failures + 5))
    if no_log:
        result['_ansible_no_log'] = True
    return result


def record_fleet(report, result, status=None, **kwargs):
    status = status or ('failed' if result.get('failed') else 'changed' if result.get('changed') else 'ok')
    report.record('localhost', FLEET_TASK, FLEET, status, result, **kwargs)


def md_rows(md, header):
    lines = md.splitlines()
    start = lines.index(header) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith('|'):
            break
        rows.append(line)
    return rows


def test_fleet_with_diff_reports_each_changed_sim_as_an_object():
    report = new_report()
    result = fleet_result(10)
    record_fleet(report, result)
    data = json.loads(report.to_json())
    assert data['drift'] is True and data['summary']['objects'] == 10
    assert data['summary']['by_api'] == {'Monogoto': 10}
    assert data['summary']['by_task'] == [{'api': 'Monogoto', 'task': FLEET_TASK, 'objects': 10}]
    assert [c['object'] for c in data['changed']] == [d['after_header'] for d in result['diff']]
    assert [c['diff'] for c in data['changed']] == [[d] for d in result['diff']]
    assert all(c['host'] == 'localhost' and c['action'] == FLEET for c in data['changed'])
    assert data['failures'] == [] and 'note' not in data

    suite = ET.fromstring(report.to_junit().encode('utf-8')).find('testsuite')
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('10', '10', '0')
    cases = suite.findall('testcase')
    assert [c.get('name') for c in cases] == ['%s: ThingId_ICCID_%s' % (FLEET_TASK, fleet_iccid(i)) for i in range(10)]
    assert cases[1].find('failure').get('message') == 'would change: ThingId_ICCID_' + fleet_iccid(1)
    assert cases[1].find('failure').text == render_diff([result['diff'][1]])
    assert '-    "LockMasterImei": false,' in cases[1].find('failure').text

    md = report.to_markdown()
    assert '**Drift: 10 objects would change** (check mode, diff on;' in md
    rows = md_rows(md, '| host | task | change |')
    assert len(rows) == 10
    assert rows[0] == ('| localhost | %s | <code>ThingId_ICCID_%s state: SUSPENDED \u2192 ACTIVE</code> |'
                       % (FLEET_TASK, fleet_iccid(0)))
    assert 'ThingId_ICCID_%s LockMasterImei: false \u2192 true' % fleet_iccid(1) in rows[1]
    assert 'are shown above' not in md


def test_fleet_without_diff_lists_the_objects_from_its_changes():
    report = new_report(diff=False)
    record_fleet(report, fleet_result(10, diff=False))
    data = json.loads(report.to_json())
    assert data['summary']['objects'] == 10
    assert [c['object'] for c in data['changed']] == ['ThingId_ICCID_' + fleet_iccid(i) for i in range(10)]
    assert all(c['diff'] is None for c in data['changed'])
    assert 'diff mode was off' in data['note']
    cases = ET.fromstring(report.to_junit()).find('testsuite').findall('testcase')
    assert len(cases) == 10 and all(c.find('failure').text == 'would change (no diff: run with --diff)' for c in cases)
    md = report.to_markdown()
    assert 'diff off (run with --check --diff to see what would change)' in md
    rows = md_rows(md, '| host | task | change |')
    assert rows[3] == '| localhost | %s | <code>ThingId_ICCID_%s</code> _no diff (diff mode off)_ |' % (FLEET_TASK, fleet_iccid(3))


def test_changes_name_the_object_by_iccid_when_thing_id_is_missing():
    report = new_report(diff=False)
    record_fleet(report, {'changed': True, 'changes': [{'iccid': fleet_iccid(1)}, 'junk', {'before': {}}]})
    assert [c.get('object') for c in json.loads(report.to_json())['changed']] == ['ThingId_ICCID_' + fleet_iccid(1), None]
    other = new_report(diff=False)
    other.record('h', 'Other', 'community.general.thing', 'changed', {'changed': True, 'changes': [{'iccid': '42'}]})
    assert json.loads(other.to_json())['changed'][0]['object'] == '42'


@pytest.mark.parametrize('diff', [True, False])
def test_ten_thousand_objects_stay_complete_valid_and_folded(diff):
    report = new_report(diff=diff)
    record_fleet(report, fleet_result(10000, diff=diff))
    data = json.loads(report.to_json())
    assert data['summary']['objects'] == 10000 and len(data['changed']) == 10000
    assert len(set(c['object'] for c in data['changed'])) == 10000
    assert data['changed'][9999]['object'] == 'ThingId_ICCID_' + fleet_iccid(9999)
    if diff:
        assert data['changed'][9999]['diff'][0]['after']['MasterIMEI'] == '356938030009999'
    root = ET.fromstring(report.to_junit().encode('utf-8'))
    assert (root.get('tests'), root.get('failures')) == ('10000', '10000')
    assert len(root.find('testsuite').findall('testcase')) == 10000

    md = report.to_markdown()
    assert len(md) <= drift_report.MD_MAX_CHARS
    assert '**Drift: 10000 objects would change**' in md
    rows = md_rows(md, '| host | task | change |')
    assert len(rows) == drift_report.MD_ROWS
    shown = len(rows)
    assert ('**%d of 10000 objects are shown above**; all of them, with their diffs, are in `drift.json`' % shown) in md
    assert md_rows(md, '| API | task | objects not shown |') == ['| Monogoto | %s | %d |' % (FLEET_TASK, 10000 - shown)]
    assert md_rows(md, '| API | task | objects |') == ['| Monogoto | %s | 10000 |' % FLEET_TASK]


def test_a_fleet_that_failed_for_some_sims_reports_the_changes_and_each_failure():
    report = new_report()
    record_fleet(report, fleet_result(3, failures=2))
    data = json.loads(report.to_json())
    assert data['drift'] is True and data['summary']['objects'] == 3
    assert data['summary']['failed_objects'] == 2
    assert data['failures'] == [
        {'host': 'localhost', 'task': FLEET_TASK, 'action': FLEET, 'object': 'ThingId_ICCID_' + fleet_iccid(500000 + i),
         'msg': 'PUT /thing/update/: HTTP 409: Conflict %d' % i, 'ignored': False} for i in range(2)]
    suite = ET.fromstring(report.to_junit()).find('testsuite')
    assert (suite.get('tests'), suite.get('failures'), suite.get('errors')) == ('5', '3', '2')
    errors = [c for c in suite.findall('testcase') if c.find('error') is not None]
    assert [c.get('name') for c in errors] == ['%s: ThingId_ICCID_%s' % (FLEET_TASK, fleet_iccid(500000 + i)) for i in range(2)]
    assert errors[0].find('error').get('message') == 'PUT /thing/update/: HTTP 409: Conflict 0'
    md = report.to_markdown()
    assert '**The run did not complete cleanly:** 1 failed task(s) (2 object(s) failed)' in md
    assert md_rows(md, '| host | task | failure |')[1] == (
        '| localhost | %s: ThingId\\_ICCID\\_%s | PUT /thing/update/: HTTP 409: Conflict 1 |' % (FLEET_TASK, fleet_iccid(500001)))


def test_a_fleet_failure_ignored_and_a_failure_without_per_sim_entries():
    report = new_report()
    record_fleet(report, fleet_result(1, failures=1), ignored=True)
    report.record('localhost', 'Fleet', FLEET, 'failed', {'failed': True, 'msg': 'POST /Auth: HTTP 401', 'failures': []})
    data = json.loads(report.to_json())
    assert [(f.get('object'), f['ignored']) for f in data['failures']] == [
        ('ThingId_ICCID_' + fleet_iccid(500000), True), (None, False)]
    assert data['failures'][1]['msg'] == 'POST /Auth: HTTP 401'
    assert ET.fromstring(report.to_junit()).find('testsuite').get('errors') == '1'


def test_ten_thousand_failures_are_folded_in_markdown_and_complete_elsewhere():
    report = new_report()
    record_fleet(report, fleet_result(20, failures=10000))
    data = json.loads(report.to_json())
    assert len(data['failures']) == 10000 and data['summary']['objects'] == 20
    assert ET.fromstring(report.to_junit()).find('testsuite').get('errors') == '10000'
    md = report.to_markdown()
    assert len(md) <= drift_report.MD_MAX_CHARS
    rows = md_rows(md, '| host | task | failure |')
    assert len(rows) == drift_report.MD_FAILURE_ROWS
    assert '**%d of 10000 failures are shown above**' % len(rows) in md
    assert md_rows(md, '| API | task | failures not shown |') == ['| Monogoto | %s | %d |' % (FLEET_TASK, 10000 - len(rows))]
    assert len(md_rows(md, '| host | task | change |')) == 20


def test_a_no_log_fleet_task_is_one_entry_without_objects_or_values():
    report = new_report()
    record_fleet(report, fleet_result(50, failures=3, no_log=True))
    data = json.loads(report.to_json())
    assert data['changed'] == []
    assert data['failures'] == [{'host': 'localhost', 'task': FLEET_TASK, 'action': FLEET, 'msg': 'hidden by no_log',
                                 'ignored': False}]
    record_fleet(report, fleet_result(50, no_log=True))
    data = json.loads(report.to_json())
    assert data['changed'] == [{'host': 'localhost', 'task': FLEET_TASK, 'action': FLEET, 'no_log': True, 'diff': None}]
    text = all_outputs(report)
    assert fleet_iccid(7) not in text and 'SUSPENDED' not in text and 'Conflict' not in text


def test_fleet_objects_go_through_the_redaction():
    report = new_report(env_secrets=[BEARER])
    result = fleet_result(2, failures=1)
    result['diff'][0]['after']['note'] = 'token=%s' % BEARER
    result['diff'][1]['after_header'] = result['diff'][1]['before_header'] = 'thing of %s' % PASSWORD
    result['failures'][0]['msg'] = 'HTTP 401: password %s rejected' % PASSWORD
    record_fleet(report, result, secrets=report.secrets_from({'password': PASSWORD}))
    text = all_outputs(report)
    assert PASSWORD not in text and BEARER not in text
    data = json.loads(report.to_json())
    assert data['changed'][1]['object'] == 'thing of ' + REDACTED
    assert data['failures'][0]['msg'] == 'HTTP 401: password %s rejected' % REDACTED


def test_any_list_form_diff_is_split_by_the_objects_it_names():
    report = new_report()
    diff = [
        {'before': 'a\n', 'after': 'b\n', 'before_header': '/etc/one', 'after_header': '/etc/one'},
        {'before': {'mode': '0644'}, 'after': {'mode': '0600'}, 'before_header': '/etc/two'},
        {'before': 'x\n', 'after': 'y\n', 'after_header': '/etc/one'},
        {'before': {}, 'after': {}, 'before_header': '/etc/three'},  # shows no change: not an object
        {'prepared': '+ something without a header'},
    ]
    report.record('h', 'Files', 'community.general.files', 'changed', {'changed': True, 'diff': diff})
    data = json.loads(report.to_json())
    assert [(c.get('object'), len(c['diff'])) for c in data['changed']] == [('/etc/one', 2), ('/etc/two', 1), (None, 1)]
    assert data['summary']['objects'] == 3
    # A list-form diff that names nothing, or a dict diff, stays one entry for the task as before.
    report = new_report()
    report.record('h', 'T', 'x.y.z', 'changed', {'changed': True, 'diff': [{'before': 'a', 'after': 'b'}, {'prepared': 'p'}]})
    report.record('h', 'T2', 'x.y.z', 'changed', {'changed': True, 'diff': IMEI_DIFF})
    data = json.loads(report.to_json())
    assert [(c['task'], c.get('object'), len(c['diff'])) for c in data['changed']] == [('T', None, 2), ('T2', THING, 1)]
    assert [c.get('name') for c in ET.fromstring(report.to_junit()).find('testsuite').findall('testcase')] == ['T', 'T2']


def test_a_loop_of_fleet_tasks_keeps_the_item():
    report = new_report()
    report.record('localhost', FLEET_TASK, FLEET, 'changed', {'changed': True, 'results': [
        dict(fleet_result(2), item='eu', ansible_loop_var='item'), dict(fleet_result(0), item='us', ansible_loop_var='item')]})
    data = json.loads(report.to_json())
    assert [(c['item'], c['object']) for c in data['changed']] == [('eu', 'ThingId_ICCID_' + fleet_iccid(i)) for i in range(2)]
    names = [c.get('name') for c in ET.fromstring(report.to_junit()).find('testsuite').findall('testcase')]
    assert names == ['%s [eu]: ThingId_ICCID_%s' % (FLEET_TASK, fleet_iccid(i)) for i in range(2)] + ['%s [us]' % FLEET_TASK]


def test_markdown_stays_bounded_whatever_the_names_and_diffs():
    report = new_report()
    for index in range(300):
        big = {'before': dict(('setting_%03d' % i, 'x' * 50) for i in range(200)),
               'after': dict(('setting_%03d' % i, 'y' * 50) for i in range(200)), 'after_header': 'conf %d' % index}
        report.record('host-%d-%s' % (index, 'h' * 3000), 'task %d %s' % (index, 't' * 3000), 'x.y.z', 'changed',
                      {'changed': True, 'diff': big})
        report.record('host-%d' % index, 'Boom %d' % index, 'x.y.z', 'failed', {'failed': True, 'msg': 'm' * 3000})
    md = report.to_markdown()
    assert len(md) <= drift_report.MD_MAX_CHARS
    assert '**Drift: 300 objects would change**' in md
    assert 'are shown above' in md and '`drift.json`' in md
    for line in md.splitlines():
        if line.startswith('|'):
            assert line.count('|') - line.count('\\|') == 4, line[:200]
    assert len(json.loads(report.to_json())['changed']) == 300


def test_finalize_redacts_again_only_after_a_new_secret():
    report = new_report()
    report.record('h', 'Write', 'ansible.builtin.copy', 'changed', {'changed': True, 'diff': {'before': '', 'after': PASSWORD}})
    first = report.to_json()
    assert PASSWORD in first  # not known as a secret yet (and long and plain: no pattern matches it)
    report.record('h', 'Lock', 'fleetops.ping.monogoto_thing_imei', 'ok', {'changed': False},
                  secrets=report.secrets_from({'password': PASSWORD}))
    assert PASSWORD not in report.to_json() and PASSWORD not in report.to_markdown()
