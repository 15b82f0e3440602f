# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the simulator of the Monogoto, ping.pl and PING asset APIs on 127.0.0.1.

    python -m tests.simulator [--port N] [--latency S] [--things N] [--fault JSON] [--port-file F]
                              [--rate-limit R [--rate-limit-api NAME] [--retry-after S]]
                              [--fail-every N] [--reset-every N] [--hostile MODE [--hostile-path REGEX]]
                              [--locked [--unlocked-every N]] [--suspended-every N]

The control endpoints (request log, fault rules, rate limit, reset, state, secrets) are under /_sim/;
tests/simulator/core.py documents them. Examples:

    python -m tests.simulator --things 100 --rate-limit 10                 # 10 requests/s per token, 429 beyond
    python -m tests.simulator --rate-limit 10 --fail-every 23 --reset-every 40 --fault-method GET
    python -m tests.simulator --fault '{"api": "pingpl", "status": 503, "probability": 0.05, "seed": 7}'
    python -m tests.simulator --things 10000 --locked --unlocked-every 10 --suspended-every 20   # a fleet, 10% drift
    python -m tests.simulator --hostile trickle_body --fault-api monogoto --hostile-path '^/things$'
    python -m tests.simulator --fault '{"kind": "hostile", "mode": "drop_field", "api": "pingpl", "field": "data"}'

Hostile answers (trickles, endless or huge bodies, runaway paging, missing or mis-typed fields, writes that do not
say they succeeded) are the fault kind "hostile": tests/simulator/hostile.py lists the modes, so does
GET /_sim/hostile.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import signal
import sys
import threading

from .core import start


def shortcut_faults(args):
    """The fault rules --fail-every and --reset-every stand for."""
    base = {}
    if args.fault_api:
        base['api'] = args.fault_api
    if args.fault_method:
        base['method'] = args.fault_method
    rules = []
    if args.fail_every:
        rule = dict(base, kind='status', status=args.fail_status, every=args.fail_every, times=-1,
                    body={'message': 'Service temporarily unavailable (injected fault)'})
        if args.fail_retry_after is not None:
            rule['retry_after'] = args.fail_retry_after
        rules.append(rule)
    if args.reset_every:
        rules.append(dict(base, kind='reset', every=args.reset_every, times=-1))
    for mode in args.hostile:
        rule = dict(base, kind='hostile', mode=mode, times=-1)
        if args.hostile_path:
            rule['path'] = args.hostile_path
        rules.append(rule)
    return rules


def build_parser():
    parser = argparse.ArgumentParser(prog='python -m tests.simulator', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--port', type=int, default=0, help='port on 127.0.0.1 (0: any free port)')
    parser.add_argument('--latency', type=float, default=0.0, help='seconds added to every API answer')
    parser.add_argument('--things', type=int, default=20, help='how many Monogoto Things to seed')
    parser.add_argument('--seed', type=int, default=1,
                        help='random seed of the seeded data and of probabilistic faults')
    parser.add_argument('--port-file', help='write the base URL to this file once listening')

    seeding = parser.add_argument_group('how the Monogoto Things start (kept across /_sim/reset)')
    seeding.add_argument('--locked', action='store_true',
                         help='every generated Thing starts locked to the IMEI it reports (LockMasterImei, MasterIMEI)')
    seeding.add_argument('--unlocked-every', type=int, metavar='N',
                         help='with --locked, every Nth generated Thing starts unlocked all the same')
    seeding.add_argument('--suspended-every', type=int, metavar='N', help='every Nth generated Thing starts SUSPENDED')

    limit = parser.add_argument_group('rate limit (also POST/GET/DELETE /_sim/ratelimit)')
    limit.add_argument('--rate-limit', type=float, metavar='R',
                       help='allow R requests a second per credential (bearer token, ping.pl token, login identity, '
                            'else client address), bursts of R; beyond it answer 429 with Retry-After and a body in '
                            "the API's style, logged with fault \"ratelimit\"")
    limit.add_argument('--rate-limit-api', metavar='NAME',
                       help='limit only this API (monogoto, pingpl, pingasset); default: every API')
    limit.add_argument('--retry-after', type=float, default=1, metavar='S',
                       help='Retry-After of a 429, whole seconds, at least 1 (default 1; longer when the bucket '
                            'needs longer to refill)')
    limit.add_argument('--rate-limit-burst', type=float, metavar='B', help='bucket size (default: R, at least 1)')
    limit.add_argument('--rate-limit-per', choices=('credential', 'api'), default='credential',
                       help='one bucket per credential (default) or one per API')
    limit.add_argument('--rate-style', choices=('bucket', 'fixed', 'sliding', 'gcra', 'concurrency'), default='bucket',
                       help='how the limit is enforced: token bucket with bursts (default), fixed one-second window, '
                            'sliding one-second window, gcra (no burst: one request each 1/R s), concurrency (at most '
                            '--rate-limit-concurrency requests in flight, each held N/R s)')
    limit.add_argument('--rate-limit-concurrency', type=int, metavar='N',
                       help='requests in flight of --rate-style concurrency (default 2)')
    limit.add_argument('--rate-headers', choices=('none', 'x', 'ietf'), default='none',
                       help='advertise the limit on every limited answer: X-RateLimit-Limit/-Remaining/-Reset, or the '
                            'IETF draft RateLimit-Policy/RateLimit fields (default none)')
    limit.add_argument('--retry-after-format', choices=('seconds', 'date'), default='seconds',
                       help='Retry-After of a 429 as delta-seconds (default) or as an HTTP date')

    faults = parser.add_argument_group('faults (also POST/DELETE /_sim/faults)')
    faults.add_argument('--fault', action='append', default=[], metavar='JSON',
                        help='a fault rule as JSON (repeatable), e.g. \'{"api":"monogoto","status":429,"retry_after":1}\'; '
                             'intermittent with "every": N (every Nth matching request) and/or "probability": p '
                             '(seeded with "seed"); kinds: status, timeout, malformed, expire_token, reset')
    faults.add_argument('--fail-every', type=int, metavar='N', help='answer every Nth request with HTTP 503 (or --fail-status)')
    faults.add_argument('--fail-status', type=int, default=503, metavar='CODE', help='status of --fail-every (default 503)')
    faults.add_argument('--fail-retry-after', type=int, metavar='S', help='Retry-After of --fail-every answers (default: none)')
    faults.add_argument('--reset-every', type=int, metavar='N',
                        help='reset the connection (TCP RST, no answer, request not carried out) on every Nth request')
    faults.add_argument('--hostile', action='append', default=[], metavar='MODE',
                        help='answer every matching request in a hostile way (repeatable; the first that matches '
                             'answers): trickle_headers, trickle_body, endless_body, short_body, huge, repeat_page, '
                             'next_back, endless_pages, grow_pages, not_success (drop_field and retype_field need a '
                             'field: give them with --fault); see tests/simulator/hostile.py')
    faults.add_argument('--hostile-path', metavar='REGEX', help='--hostile only on paths matching this')
    faults.add_argument('--fault-api', metavar='NAME',
                        help='--fail-every, --reset-every and --hostile only on this API')
    faults.add_argument('--fault-method', metavar='METHOD',
                        help='--fail-every, --reset-every and --hostile only on this method')
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ('fail_every', 'reset_every', 'unlocked_every', 'suspended_every'):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            parser.error('--%s must be at least 1' % name.replace('_', '-'))
    if args.rate_limit is not None and args.rate_limit <= 0:
        parser.error('--rate-limit must be a positive number of requests a second')
    try:
        rules = [json.loads(rule) for rule in args.fault] + shortcut_faults(args)
    except ValueError as exc:
        parser.error('--fault is not JSON: %s' % exc)

    server, sim, url = start(port=args.port, latency=args.latency, things=args.things, seed=args.seed)
    if args.locked or args.unlocked_every or args.suspended_every:
        sim.apps['monogoto'].seed_fleet(locked=args.locked, unlocked_every=args.unlocked_every,
                                        suspended_every=args.suspended_every)
    try:
        for rule in rules:
            sim.add_faults(rule)
        if args.rate_limit is not None:
            sim.set_ratelimit(args.rate_limit, api=args.rate_limit_api, retry_after=args.retry_after,
                              burst=args.rate_limit_burst, per=args.rate_limit_per, style=args.rate_style,
                              headers=args.rate_headers, retry_after_format=args.retry_after_format,
                              concurrency=args.rate_limit_concurrency)
    except (TypeError, ValueError) as exc:
        server.shutdown()
        parser.error(str(exc))
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w') as handle:
            handle.write(url + '\n')
        os.rename(tmp, args.port_file)
    extra = ''
    if sim.ratelimit is not None:
        extra += '; rate limit %g/s (%s) per %s on %s' % (sim.ratelimit.rps, sim.ratelimit.style, sim.ratelimit.per,
                                                          sim.ratelimit.api or 'every API')
    if sim.faults:
        extra += '; %d fault rule(s)' % len(sim.faults)
    print('simulator listening on %s (apis: %s)%s' % (url, ', '.join(sorted(sim.apps)), extra), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    server.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
