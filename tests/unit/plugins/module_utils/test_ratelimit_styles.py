# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared limiter against every way a server enforces its limit (issue 17), on a virtual clock.

A small discrete-event model: ``FORKS`` forks each send their share of ``REQUESTS`` requests one after the
other through one :class:`RateLimiter` (as the transport does: acquire, send, record the answer, resend a
throttled request); the server (the simulator's models in tests/simulator/ratelimits.py) decides at the
arrival of each request, a little after it was sent (with a seeded jitter), and the answer comes back
``LATENCY`` later. The forks start ``STAGGER`` apart, as Ansible's workers do, and may wake from their sleeps
late (``late``), as on a loaded controller. Time only moves in the model, so the figures are what the limiter
decides, not how fast this machine is: achieved wall time over the floor (accepted requests / R) and 429s per
100 requests.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
import math
import random

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.ratelimit import RateLimiter, parse_rate_headers
from ansible_collections.fleetops.ping.tests.simulator import ratelimits

KEY = ('monogoto', 'https://console.monogoto.io', 'password', 'ops@example.com')
FORKS = 20
REQUESTS = 300
LATENCY = 0.02
STAGGER = 0.01
STARTUP = 1.0  # seconds: the start, when the forks send before anything is known


class Model:
    """The fake clock and the events on it; the limiter's sleep runs the answers that come back meanwhile."""

    def __init__(self, style, rate, headers='none', seed=7, jitter=0.004, concurrency=2, late=0.0):
        self.now = 1000000.0
        self.events = []
        self.seq = 0
        self.rate = rate
        self.headers = headers
        self.rng = random.Random(seed)
        self.jitter = jitter
        # Wake-up lateness: a fork's sleep ends up to ``late`` seconds after it asked (a loaded controller), drawn
        # from an RNG of its own so that the arrival jitter stays the same sequence.
        self.late = late
        self.late_rng = random.Random(seed + 1)
        self.server = ratelimits.make(style, float(rate), max(1.0, float(rate)), concurrency, self.now)
        self.hold = concurrency / float(rate) if style == 'concurrency' else 0.0
        self.accepted = self.throttled = self.steady_throttled = 0
        self.start = self.now
        self.limiter = RateLimiter(KEY, clock=self.clock, sleep=self.sleep)
        self.first = self.last = None
        self.ready = []  # forks whose answer came back: (fork, throttled)

    def clock(self):
        return self.now

    def push(self, when, kind, data):
        self.seq += 1
        heapq.heappush(self.events, (when, self.seq, kind, data))

    def sleep(self, seconds):
        target = self.now + max(0.0, seconds)
        if self.late:
            target += self.late_rng.random() * self.late
        while self.events and self.events[0][0] <= target:
            self.step()
        self.now = max(self.now, target)

    def step(self):
        when, _seq, kind, data = heapq.heappop(self.events)
        self.now = max(self.now, when)
        if kind == 'answer':
            fork, sent_at, wait, advert = data
            if wait:
                retry_after = max(1, int(math.ceil(wait - 1e-9)))
                shared = self.limiter.record_throttle(retry_after, sent_at, headers=advert)
                # As the transport does: the throttled request waits the rest of its own Retry-After, then its slot.
                own = max(0.0, retry_after - shared)
                if own > 0:
                    self.push(self.now + own, 'start', fork)
                else:
                    self.ready.append((fork, True))
            else:
                self.limiter.record_ok(sent_at, headers=advert)
                self.last = self.now
                self.ready.append((fork, False))
        elif kind == 'release':
            self.server.release()
        elif kind == 'start':
            self.ready.append((data, True))

    def send(self, fork):
        sent_at = self.now
        self.first = sent_at if self.first is None else self.first
        arrival = sent_at + 0.001 + self.rng.random() * self.jitter
        wait = self.server.take(arrival)
        advert = ratelimits.advert_headers(self.headers, *self.server.advert(arrival)) if self.headers != 'none' else {}
        if wait:
            self.throttled += 1
            if sent_at - self.start >= STARTUP:
                self.steady_throttled += 1
            self.push(arrival + 0.001, 'answer', (fork, sent_at, wait, advert))
        else:
            self.accepted += 1
            if self.hold:
                self.push(arrival + self.hold, 'release', None)
            self.push(arrival + max(LATENCY, self.hold), 'answer', (fork, sent_at, 0.0, advert))

    def run(self, requests=REQUESTS, forks=FORKS):
        left = dict((fork, requests // forks) for fork in range(forks))
        for fork in range(forks):  # Ansible starts its forks one after the other, not all in one instant
            self.push(self.now + fork * STAGGER, 'start', fork)
        while self.ready or self.events:
            if not self.ready:
                self.step()
                continue
            fork, again = self.ready.pop(0)
            if not again:
                left[fork] -= 1
            if left[fork] > 0:
                self.limiter.acquire()
                self.send(fork)
        return {'ratio': (self.last - self.first) / (self.accepted / float(self.rate)),
                'per100': 100.0 * self.throttled / (self.accepted + self.throttled),
                'steady_per100': 100.0 * self.steady_throttled / (self.accepted + self.throttled),
                'accepted': self.accepted, 'throttled': self.throttled, 'steady_throttled': self.steady_throttled}


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'cache'))


# The cells of the model that miss issue 17's goals (1.3x the floor, < 5 429s per 100 after the start), with the
# bounds they do keep, so that a change for the worse still fails. Why they miss: at 5/s a bucket or a window lets
# the probe above the rate through for a while (the burst, or the two halves of two windows), so the measured rate
# overshoots and each probe ends in a 429 (one every few seconds is many per 100 requests at 5/s); at 20/s the
# first burst leaves too few answers to measure from and the slow start ramps the no-burst and in-flight servers
# up too late.
KNOWN_MISSES = {
    ('bucket', 5): (1.3, 10.0), ('fixed', 5): (1.3, 10.0), ('sliding', 5): (1.3, 10.0),
    ('gcra', 20): (1.45, 5.0), ('concurrency', 20): (1.55, 5.0),
}


@pytest.mark.parametrize('rate', [5, 10, 20])
@pytest.mark.parametrize('style', ratelimits.STYLES)
def test_near_the_floor_in_every_style(style, rate):
    ratio, per100 = KNOWN_MISSES.get((style, rate), (1.3, 5.0))
    result = Model(style, rate).run()
    assert result['accepted'] == REQUESTS
    assert result['ratio'] <= ratio, result
    # Before anything is known every fork sends at once (a limiter that knows nothing does not delay: an
    # unlimited server must not pay for it); a server without a burst throttles most of that first round.
    assert result['throttled'] - result['steady_throttled'] <= FORKS, result
    assert result['steady_per100'] < per100, result


@pytest.mark.parametrize('headers', ['x', 'ietf'])
@pytest.mark.parametrize('rate', [5, 10, 20])
@pytest.mark.parametrize('style', ['gcra', 'fixed', 'sliding', 'bucket'])
def test_an_advertised_limit_is_believed_from_the_first_second(style, rate, headers):
    result = Model(style, rate, headers=headers).run()
    assert result['accepted'] == REQUESTS
    assert result['ratio'] <= 1.1, result
    assert result['per100'] < 5, result


def test_no_burst_server_costs_a_slot_not_a_second():
    """The case issue 17 names: a no-burst server's whole-second Retry-After must not idle the fleet ten slots."""
    model = Model('gcra', 10, jitter=0.0)
    result = model.run()
    state = model.limiter.snapshot()
    assert result['ratio'] <= 1.3, result
    # Once learned there is no shared pause at all: the only one is the first burst's, before anything was known.
    assert state['learned'] == 1.0
    assert state['blocked_until'] < model.start + 2 * STARTUP


# Late wake-ups (issue 17): on a loaded controller the forks wake from their sleeps late, so that a fork whose slot
# has passed and one whose slot is now would send together, and a server without a burst (or one that counts the
# requests in flight) refuses the second. The send gap holds the second fork. Figures at 10/s with the stated limit
# and wake-ups up to 30 ms late (seed 7): gcra 1.16x the floor and 0.66 429s per 100 after the start, concurrency
# 1.14x and 0.33; with the gap disabled gcra was 1.32x and 8.98 429s per 100, concurrency 1.18x and 4.13. (In this
# model the forks take their turns one at a time, so a fork that waits for the gap wakes late a second time and no
# other fork can take the moment instead: the ratio is the worst case of the gap's cost. With wake-ups on time both
# are at 1.05x to 1.06x with or without the gap.)
@pytest.mark.parametrize('style', ['gcra', 'concurrency'])
def test_late_wake_ups_keep_the_send_gap_near_the_floor(style):
    result = Model(style, 10, headers='x', late=0.03).run()
    assert result['accepted'] == REQUESTS
    assert result['ratio'] <= 1.25, result
    assert result['steady_per100'] < 2.5, result


@pytest.mark.parametrize('headers, expected', [
    ({'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': '1'},
     {'rate': 10.0, 'remaining': 3.0, 'reset': 1.0}),
    ({'x-ratelimit-limit': '600, 600;w=60', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '12'},
     {'rate': 10.0, 'remaining': 0.0, 'reset': 12.0}),
    ({'RateLimit-Policy': '"default";q=20;w=1, "hour";q=3600;w=3600', 'RateLimit': '"default";r=4;t=0'},
     {'rate': 1.0, 'remaining': 4.0, 'reset': 0.0}),
    ({'RateLimit-Policy': '"default";q=10;w=1', 'RateLimit': '"default";r=0;t=1'},
     {'rate': 10.0, 'remaining': 0.0, 'reset': 1.0}),
    ({'RateLimit-Limit': '5', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '2'}, {'rate': 5.0, 'remaining': 1.0, 'reset': 2.0}),
    ({'X-RateLimit-Limit': 'lots', 'X-RateLimit-Remaining': '-1', 'X-RateLimit-Reset': 'soon'},
     {'rate': None, 'remaining': None, 'reset': None}),
    ({'X-RateLimit-Limit': '0', 'X-RateLimit-Reset': 'nan'}, {'rate': None, 'remaining': None, 'reset': None}),
    ({'RateLimit-Policy': ';;;q=;w=0,,"x";q=1e999', 'RateLimit': '"default";r=;t=x'},
     {'rate': None, 'remaining': None, 'reset': None}),
    ({'X-RateLimit-Limit': '10', 'X-RateLimit-Reset': '2000000010'}, {'rate': 10.0, 'remaining': None, 'reset': 10.0}),
    (None, {'rate': None, 'remaining': None, 'reset': None}),
    ('not a mapping', {'rate': None, 'remaining': None, 'reset': None}),
])
def test_advertised_headers_are_parsed_defensively(headers, expected):
    assert parse_rate_headers(headers, wall=2000000000.0) == expected


def test_bad_header_values_never_raise_from_the_limiter(tmp_path):
    now = [1000.0]
    lim = RateLimiter(KEY, directory=str(tmp_path), clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    for bad in ({'X-RateLimit-Limit': '\x00'}, {'RateLimit': '"a";r=-;t=99999999999999999999'}, {'RateLimit-Policy': '='},
                {'X-RateLimit-Limit': '1' * 400}, {'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '5'}):
        lim.acquire()
        lim.record_ok(now[0], headers=bad)
        lim.record_throttle(1, now[0], headers=bad)
    assert lim.snapshot()['throttles'] == 5


def test_an_advertised_limit_paces_every_fork_from_the_first_answer(tmp_path):
    now = [1000.0]

    def clock():
        return now[0]

    def sleep(seconds):
        now[0] += seconds

    one = RateLimiter(KEY, directory=str(tmp_path), clock=clock, sleep=sleep)
    two = RateLimiter(KEY, directory=str(tmp_path), clock=clock, sleep=sleep)
    assert one.acquire() == 0.0
    one.record_ok(now[0], headers={'RateLimit-Policy': '"default";q=10;w=1', 'RateLimit': '"default";r=9;t=1'})
    assert two.rate_at() == pytest.approx(9.5)
    # The first paced request goes one interval after the one sent before the limit was known, not with it.
    sent = [now[0]]
    for dummy in range(10):
        (one if len(sent) % 2 else two).acquire()
        sent.append(now[0])
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert min(gaps) == pytest.approx(1 / 9.5)
