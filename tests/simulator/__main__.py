# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m tests.simulator [--port N] [--latency S] [--things N] [--fault JSON] [--port-file F]"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import sys
import threading

from .core import start


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tests.simulator', description=__doc__)
    parser.add_argument('--port', type=int, default=0, help='port on 127.0.0.1 (0: any free port)')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every API answer')
    parser.add_argument('--things', type=int, default=20, help='how many Monogoto Things to seed')
    parser.add_argument('--seed', type=int, default=1, help='random seed of the seeded data')
    parser.add_argument('--fault', action='append', default=[],
                        help='a fault rule as JSON, e.g. \'{"api":"monogoto","status":429,"retry_after":1}\'')
    parser.add_argument('--port-file', help='write the base URL to this file once listening')
    args = parser.parse_args(argv)

    server, sim, url = start(port=args.port, latency=args.latency, things=args.things, seed=args.seed)
    for rule in args.fault:
        sim.add_faults(json.loads(rule))
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(url + '\n')
        os.rename(tmp, args.port_file)
    print('simulator listening on %s (apis: %s)' % (url, ', '.join(sorted(sim.apps))), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
