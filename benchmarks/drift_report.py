# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The drift gate's reports of a fleet task that changes 10,000 and 100,000 SIMs: time, size and memory.

Each case builds a result of the shape ``fleetops.ping.monogoto_fleet`` returns (one list-form diff entry and
one ``changes`` entry per changed SIM, half of them an IMEI lock, half a state change, plus per-SIM
``failures``; the unit tests' ``fleet_result``), records it in the callback's report as the callback does, and writes ``drift.json``,
``drift.junit.xml`` and ``drift.md`` the way the callback writes them. Each case runs in a process of its own,
so that its peak memory (``ru_maxrss``) is its own; the memory the report costs is that peak minus the peak
after the result was built. The baseline of each case is ``json.dumps`` of the result, which Ansible pays at
least once to hand a result from the worker to the callback.

Checks per case: drift.json parses and lists every object and failure, drift.junit.xml parses with one test
case per object and failure, drift.md is at most 60,000 characters. Exit status 1 when a check fails.

    python benchmarks/drift_report.py [--sizes 10000,100000] [--failures 100]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

from inventory import collections_path

MD_LIMIT = 60000


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def run_case(changed, failures, diff, work):
    """One case in this process; prints its figures as one JSON line."""
    from ansible_collections.fleetops.ping.plugins.plugin_utils.drift_report import DriftReport, collection_secret_names
    # The unit tests' fleet-shaped result: one list-form diff entry and one changes entry per changed SIM.
    from ansible_collections.fleetops.ping.tests.unit.plugins.plugin_utils.test_drift_report import fleet_result
    options, _env = collection_secret_names()
    result = fleet_result(changed, failures=failures, diff=diff)
    start = time.time()
    json.dumps(result)
    baseline = time.time() - start
    before = peak_mb()
    report = DriftReport(secrets=['a-password-the-run-knows'], secret_options=options)
    report.check_mode, report.diff_mode, report.timestamp = True, diff, '2026-01-01T00:00:00Z'
    report.playbooks.append('site.yml')
    start = time.time()
    report.record('localhost', 'Enforce the SIM fleet', 'fleetops.ping.monogoto_fleet', 'failed' if failures else 'changed',
                  result)
    figures = {'record': time.time() - start}
    sizes = {}
    for name, method in (('drift.json', 'json_chunks'), ('drift.junit.xml', 'junit_chunks'), ('drift.md', 'markdown_chunks')):
        path = os.path.join(work, name)
        start = time.time()
        with open(path, 'w', encoding='utf-8') as handle:
            for chunk in getattr(report, method)():
                handle.write(chunk)
        figures[name] = time.time() - start
        sizes[name] = os.path.getsize(path)
    memory = peak_mb() - before
    with open(os.path.join(work, 'drift.json'), encoding='utf-8') as handle:
        data = json.load(handle)
    cases = sum(1 for _event, elem in ET.iterparse(os.path.join(work, 'drift.junit.xml')) if elem.tag == 'testcase')
    with open(os.path.join(work, 'drift.md'), encoding='utf-8') as handle:
        md = handle.read()
    checks = {
        'json lists every object and failure': len(data['changed']) == changed and len(data['failures']) == failures,
        'one JUnit test case per object and failure': cases == changed + failures,
        'drift.md at most %d characters' % MD_LIMIT: len(md) <= MD_LIMIT,
    }
    print(json.dumps({'figures': figures, 'sizes': sizes, 'memory_mb': memory, 'baseline': baseline,
                      'md_chars': len(md), 'checks': checks}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default='10000,100000', help='changed SIMs per case, comma-separated')
    parser.add_argument('--failures', type=int, default=100, help='failed SIMs in the cases with failures')
    parser.add_argument('--case', nargs=3, type=int, help=argparse.SUPPRESS)  # changed failures diff (internal)
    parser.add_argument('--work', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case[0], args.case[1], bool(args.case[2]), args.work)
        return 0

    work = tempfile.mkdtemp(prefix='fleetops-bench-drift-')
    env = dict(os.environ, PYTHONPATH=collections_path(work) + os.pathsep + os.environ.get('PYTHONPATH', ''))
    ok = True
    print('drift reports of one fleet task (fleetops.ping.monogoto_fleet-shaped result), each case in its own process')
    print('  %-8s %-5s %-8s %8s %8s %9s %8s %10s %10s %8s %9s %8s'
          % ('changed', 'diff', 'failures', 'record', 'json', 'junit', 'md', 'json MB', 'junit MB', 'md chr',
             'memory MB', 'x dumps'))
    for size in [int(s) for s in args.sizes.split(',') if s.strip()]:
        for diff, failures in ((1, 0), (0, 0), (1, args.failures)):
            out = subprocess.run([sys.executable, os.path.abspath(__file__), '--case', str(size), str(failures), str(diff),
                                  '--work', work], env=env, stdout=subprocess.PIPE, universal_newlines=True, check=True)
            case = json.loads(out.stdout.strip().splitlines()[-1])
            fig, sizes = case['figures'], case['sizes']
            total = fig['record'] + fig['drift.json'] + fig['drift.junit.xml'] + fig['drift.md']
            print('  %-8d %-5s %-8d %7.2fs %7.2fs %8.2fs %7.2fs %10.1f %10.1f %8d %9.0f %7.1fx'
                  % (size, 'on' if diff else 'off', failures, fig['record'], fig['drift.json'], fig['drift.junit.xml'],
                     fig['drift.md'], sizes['drift.json'] / 1e6, sizes['drift.junit.xml'] / 1e6, case['md_chars'],
                     case['memory_mb'], total / case['baseline'] if case['baseline'] > 0 else float('inf')))
            for text, passed in case['checks'].items():
                if not passed:
                    ok = False
                    print('    [missed] %s' % text)
    print('  x dumps: the whole report (record and the three files) against json.dumps of the same result')
    print('  [%s] every report complete and valid, drift.md within %d characters' % ('met' if ok else 'missed', MD_LIMIT))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
