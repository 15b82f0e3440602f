# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: drift
type: aggregate
short_description: Drift gate for CI, turns a check-mode run into reports and an exit status
description:
  - Collects every task result of an C(ansible-playbook) run and writes three reports into O(report_dir)
    when the run ends (after the PLAY RECAP of the stdout callback, which it does not change).
  - C(drift.json) has C(drift) (true when any task reported changed), C(check_mode), C(diff_mode), a
    C(timestamp), the C(playbook), C(summary) (objects that drift by API and task), C(changed) as a list of
    C(host), C(task), C(action), C(item) for loops, C(object) (the diff header, for example
    C(ThingId_ICCID_<iccid>)) and C(diff) (the module's own before and after), C(failures) and C(unreachable)
    with their one-line messages (and the C(object) of a per-object failure), and C(hosts) with the per-host
    counts of the recap.
  - C(drift.junit.xml) has one test case per host and task (per item in loops). A change is a C(failure)
    whose text is the diff, so that GitLab, Jenkins and other JUnit readers show the drift inline; a failed
    task or an unreachable host is an C(error); a skipped task is skipped.
  - C(drift.md) is a short summary (how many objects drift, by API and task) and a table of host, task and a
    compact diff, long diffs folded in C(<details>). When the environment variable C(GITHUB_STEP_SUMMARY) is
    set (GitHub Actions), it is appended to that file too.
  - "Tasks that change many objects: each entry of a task's list-form diff that names an object (its
    C(before_header) or C(after_header)) is an object of its own, with its own diff, in all three reports
    and in the counts, and its JUnit test case is named C(<task>: <object>). The fleet task
    C(fleetops.ping.monogoto_fleet) returns one such entry per changed SIM, so 10,000 changed SIMs of one
    task are 10,000 objects. Without C(--diff) a result that carries a C(changes) list (the fleet task's) gives
    its objects from that list, without values. A task that failed for some of its objects after changing
    others reports the changed ones as drift and each entry of its C(failures) list as a failure of its own,
    with its own message."
  - "Large runs: C(drift.json) and C(drift.junit.xml) are complete (one line per entry of C(changed) and
    C(failures) in the JSON) and written piece by piece. C(drift.md) shows the first 100 changed objects and
    the first 50 failures, counts the others by API and task with a pointer to C(drift.json), and never
    exceeds 60,000 characters, within what GitHub takes for a pull-request comment (65,536 characters) and
    for C(GITHUB_STEP_SUMMARY) (1 MiB per step)."
  - The gate is meant for C(ansible-playbook --check --diff). Without C(--diff) the modules return no diff;
    the reports then list what would change without the values and say that diff mode was off.
  - Works for any module. With this collection's modules a diff holds only what the task manages (for example
    the lock and the IMEI of a SIM, the status of a monitor), so the report shows exactly the drift.
  - "Secrets: a task with C(no_log: true) (or a loop item with it) is reported by host and task only, without
    values, diff or message. Every other text is passed through the collection's redaction: the values of the
    collection's C(no_log) options (passwords, tokens, client secrets, the ping.pl key) found in the arguments or
    C(module_defaults) of any task of the run, the values of their environment variables (for example C(MONOGOTO_PASSWORD),
    C(PINGPL_TOKEN), C(PINGASSET_CLIENT_SECRET)) and anything that looks like a credential are replaced by
    C(********), values under keys such as C(password) or C(token) in any diff are replaced whatever they
    are, and what Ansible already masked stays masked."
  - "Exit status: a callback has no API to set the exit status of C(ansible-playbook). When O(exit_code) is set,
    the run was in check mode and drift was found, this plugin wraps C(sys.exit) of the C(ansible-playbook)
    process at the end of the playbook, and when C(ansible-playbook) then exits with its own status 0 (and the
    recap shows no failed or unreachable host), it exits with O(exit_code) instead. Any other status of
    C(ansible-playbook) (2 failed hosts, 4 unreachable hosts, 1, 5, 250 and others) is kept as it is, so that a
    failing run is never turned into a passing one or into a mere drift. Without drift the status is
    C(ansible-playbook)'s own. Runs that are not in check mode report what changed but never change the status."
  - Enable it in C(ansible.cfg) with C(callbacks_enabled = fleetops.ping.drift) in the C([defaults]) section, or
    with C(ANSIBLE_CALLBACKS_ENABLED=fleetops.ping.drift).
  - C(docs/ci.md) in the collection has a GitHub Actions workflow and a GitLab CI job built on it.
version_added: 0.1.0
author:
  - fleetops.ping maintainers (@fleetops)
requirements:
  - enable in configuration (C(callbacks_enabled) or C(ANSIBLE_CALLBACKS_ENABLED))
options:
  report_dir:
    description:
      - Directory where C(drift.json), C(drift.junit.xml) and C(drift.md) are written (created when missing;
        existing reports are replaced).
      - The default is the current working directory of C(ansible-playbook).
    type: path
    env:
      - name: FLEETOPS_PING_DRIFT_DIR
    ini:
      - section: fleetops_ping_drift
        key: report_dir
  exit_code:
    description:
      - The exit status of C(ansible-playbook) when a run in check mode found drift (any task reported changed)
        and C(ansible-playbook) would otherwise have exited with 0.
      - Unset or V(0) leaves the exit status alone (the reports are still written). Must be 1 to 255; choose one
        that C(ansible-playbook) does not use for errors of its own, for example V(2) is also its status for
        failed hosts, so a distinct value such as V(3) or V(10) lets a CI job tell drift from failure.
    type: int
    env:
      - name: FLEETOPS_PING_DRIFT_EXIT_CODE
    ini:
      - section: fleetops_ping_drift
        key: exit_code
  step_summary:
    description:
      - Append C(drift.md) to the file named by the environment variable C(GITHUB_STEP_SUMMARY) when it is set.
    type: bool
    default: true
    env:
      - name: FLEETOPS_PING_DRIFT_STEP_SUMMARY
    ini:
      - section: fleetops_ping_drift
        key: step_summary
'''

EXAMPLES = r'''
# ansible.cfg
# [defaults]
# callbacks_enabled = fleetops.ping.drift
# [fleetops_ping_drift]
# report_dir = reports
# exit_code = 10

# Or in a CI job, through the environment:
#   ANSIBLE_CALLBACKS_ENABLED=fleetops.ping.drift FLEETOPS_PING_DRIFT_DIR=reports FLEETOPS_PING_DRIFT_EXIT_CODE=10 \
#     ansible-playbook -i inventory site.yml --check --diff
#   status 0: no drift; 10: drift (see reports/drift.md); anything else: the run failed
'''

import datetime
import os
import sys

from ansible import context
from ansible.plugins.callback import CallbackBase

from ansible_collections.fleetops.ping.plugins.plugin_utils import drift_report

# Each report is written piece by piece: drift.json and drift.junit.xml of 100,000 objects are never one string.
REPORTS = (('drift.json', 'json_chunks'), ('drift.junit.xml', 'junit_chunks'), ('drift.md', 'markdown_chunks'))


def _result_of(result):
    """The result dictionary of a callback task result (``result`` since ansible-core 2.19, ``_result`` before)."""
    data = getattr(result, 'result', None)
    if not isinstance(data, dict):
        data = getattr(result, '_result', None)
    return data if isinstance(data, dict) else {}


class CallbackModule(CallbackBase):
    """Writes drift.json, drift.junit.xml and drift.md, and sets the exit status on drift in check mode."""

    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'fleetops.ping.drift'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, display=None):
        super(CallbackModule, self).__init__(display=display)
        options, env = drift_report.collection_secret_names()
        secrets = [os.environ[name] for name in env if os.environ.get(name)]
        self.report = drift_report.DriftReport(secrets=secrets, secret_options=options)
        self.exit_code = None
        self._exit_installed = False
        self._failed_or_unreachable = False

    def set_options(self, task_keys=None, var_options=None, direct=None):
        super(CallbackModule, self).set_options(task_keys=task_keys, var_options=var_options, direct=direct)
        code = self.get_option('exit_code')
        if code in (None, 0, '0', ''):
            self.exit_code = None
        elif not 1 <= int(code) <= 255:
            self._display.warning('fleetops.ping.drift: exit_code must be 1 to 255, not %s; the exit status is left alone' % code)
            self.exit_code = None
        else:
            self.exit_code = int(code)

    # -- collecting ---------------------------------------------------------
    def v2_playbook_on_start(self, playbook):
        path = getattr(playbook, '_file_name', None) or ''
        rel = os.path.relpath(path) if path else ''
        self.report.playbooks.append(path if not rel or rel.startswith('..') else rel)
        self.report.check_mode = bool(context.CLIARGS.get('check'))
        self.report.diff_mode = bool(context.CLIARGS.get('diff'))

    def _record(self, result, status, ignored=False):
        task = result._task
        data = _result_of(result)
        if status == 'ok' and data.get('changed'):
            status = 'changed'
        no_log = task.no_log is True or bool(data.get('_ansible_no_log'))
        secrets = self.report.secrets_from(getattr(task, 'args', None), getattr(task, 'module_defaults', None))
        action = getattr(task, 'resolved_action', None) or task.action
        self.report.record(result._host.get_name(), task.get_name(), action, status, data,
                           no_log=no_log, ignored=ignored, secrets=secrets)

    def v2_runner_on_ok(self, result):
        self._record(result, 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, 'failed', ignored=ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._record(result, 'unreachable')

    def v2_runner_on_skipped(self, result):
        self._record(result, 'skipped')

    # -- reporting ----------------------------------------------------------
    def v2_playbook_on_stats(self, stats):
        report = self.report
        report.timestamp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace('+00:00', 'Z')
        counts = {}
        for host in sorted(stats.processed.keys()):
            summary = stats.summarize(host)
            counts[host] = dict((k, summary.get(k, 0)) for k in ('ok', 'changed', 'failures', 'unreachable', 'skipped', 'rescued', 'ignored'))
            if summary.get('failures') or summary.get('unreachable'):
                self._failed_or_unreachable = True
        report.host_counts = counts
        directory = self.get_option('report_dir') or os.getcwd()
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory)
            for name, method in REPORTS:
                path = os.path.join(directory, name)
                with open(path + '.tmp', 'w', encoding='utf-8') as handle:
                    for chunk in getattr(report, method)():
                        handle.write(chunk)
                os.replace(path + '.tmp', path)
        except (OSError, IOError) as exc:
            self._display.warning('fleetops.ping.drift: could not write the reports in %s: %s' % (directory, exc))
        summary_file = os.environ.get('GITHUB_STEP_SUMMARY')
        if summary_file and self.get_option('step_summary'):
            try:
                with open(summary_file, 'a', encoding='utf-8') as handle:
                    handle.write(report.to_markdown() + '\n')
            except (OSError, IOError) as exc:
                self._display.warning('fleetops.ping.drift: could not append to GITHUB_STEP_SUMMARY: %s' % exc)
        n = len(report.changed())
        what = 'would change' if report.check_mode else 'changed'
        line = 'fleetops.ping.drift: %s; reports in %s' % ('%d object(s) %s' % (n, what) if n else 'no drift', directory)
        if self.gate_applies():
            line += '; exit status %d unless the run failed' % self.exit_code
            self._install_exit()
        self._display.display(line)

    def gate_applies(self):
        return bool(self.exit_code and self.report.check_mode and self.report.drift)

    def _install_exit(self):
        """Wrap sys.exit so that ansible-playbook's own status 0 becomes exit_code; any other status is kept."""
        if self._exit_installed:
            return
        self._exit_installed = True
        original = sys.exit
        plugin = self

        def exit_with_drift_status(status=None):
            if status in (None, 0) and plugin.gate_applies() and not plugin._failed_or_unreachable:
                status = plugin.exit_code
            return original(status)

        sys.exit = exit_with_drift_status
