# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Listing 10,000 Things with monogoto_thing_info: sequential against concurrent page fetches.

Runs the module's own logic (what the action plugin runs in-process) against the simulator with a set
latency, twice: concurrency 1 and concurrency N. Without ICCIDs the module pages through GET /things until
a short page (the total is unknown: with concurrency N it reads N pages ahead, at most N - 1 past the end),
then reads the data-session status 50 Things per call, where the total is known and the pages are fetched
concurrently.
Prints both wall times, their ratio and the requests made, and checks both runs returned the same list.

    python benchmarks/listing.py [--things 10000] [--latency 0.02] [--concurrency 8]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from urllib.request import Request, urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tests.simulator.control import start_simulator, stop_simulator  # noqa: E402 pylint: disable=wrong-import-position


def sim_call(url, method, path):
    with urlopen(Request(url + '/_sim/' + path, method=method), timeout=30) as resp:  # nosec - loopback only
        raw = resp.read()
    return json.loads(raw.decode('utf-8')) if raw else None


def import_collection(work):
    parts = ROOT.split(os.sep)
    if parts[-3:-2] == ['ansible_collections']:
        sys.path.insert(0, os.sep.join(parts[:-3]))
    else:
        path = os.path.join(work, 'collections')
        os.makedirs(os.path.join(path, 'ansible_collections', 'fleetops'))
        os.symlink(ROOT, os.path.join(path, 'ansible_collections', 'fleetops', 'ping'))
        sys.path.insert(0, path)
    from ansible_collections.fleetops.ping.plugins.module_utils import monogoto_things  # pylint: disable=import-outside-toplevel
    return monogoto_things


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--things', type=int, default=10000)
    parser.add_argument('--latency', type=float, default=0.02)
    parser.add_argument('--concurrency', type=int, default=8)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='fleetops-listing-')
    os.environ['FLEETOPS_PING_CACHE_DIR'] = os.path.join(work, 'cache')
    proc, url = start_simulator(work, args.things, ['--latency', str(args.latency)], timeout=60)
    try:
        logic = import_collection(work)
        results = {}
        for workers in (1, args.concurrency):
            params = dict(api_url=url + '/monogoto', token=None, username='demo@fleetops.example',
                          password='demo-password', customer_id=None, validate_certs=True, timeout=30.0,
                          iccids=[], include_status=True, concurrency=workers)
            logic.check_info_params(params)
            client = logic.client_factory(params, None)
            client.auth.token()
            sim_call(url, 'DELETE', 'log')
            start = time.time()
            result = logic.run_thing_info(params, client)
            elapsed = time.time() - start
            log = sim_call(url, 'GET', 'log')
            pages = sum(1 for e in log if e['path'] == '/things')
            status = sum(1 for e in log if e['path'] == '/thing/status')
            results[workers] = (elapsed, result['things'], pages, status)
    finally:
        stop_simulator(proc)
        shutil.rmtree(work, ignore_errors=True)

    seq, conc = results[1], results[args.concurrency]
    print('monogoto_thing_info listing %d Things, API latency %.0f ms' % (args.things, args.latency * 1000))
    for workers, (elapsed, things, pages, status) in sorted(results.items()):
        print('  concurrency %-2d %7.2f s   %d Things, %d GET /things pages (total unknown), '
              '%d GET /thing/status pages (total known)' % (workers, elapsed, len(things), pages, status))
    same = seq[1] == conc[1] and len(seq[1]) == args.things
    print('  speed-up sequential/concurrent: %.2fx; same %d Things in the same order: %s'
          % (seq[0] / conc[0], len(seq[1]), 'yes' if same else 'NO'))
    return 0 if same else 1


if __name__ == '__main__':
    sys.exit(main())
