# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ways a server may enforce a rate limit of ``rps`` requests a second, one object per key (credential or API).

Every style has ``take(now)`` (0 when the request is accepted, else the seconds until it would be) and
``advert(now)`` (``(limit, remaining, reset_seconds)`` as the server would advertise them):

- ``bucket``: a token bucket of ``burst`` tokens refilled at ``rps`` (the simulator's behaviour before issue 17);
- ``fixed``: at most ``rps`` requests in each whole second of the server's clock (window [k, k+1));
- ``sliding``: at most ``rps`` requests in any one-second interval (a log of the accepted requests);
- ``gcra``: no burst at all: one request each 1/rps seconds (the generic cell rate algorithm, tolerance 0);
- ``concurrency``: at most ``limit`` requests in flight (``take`` then ``release``); the simulator holds each
  accepted request ``limit / rps`` seconds so that the most it can serve is ``rps`` a second.

These are models for tests, not a library: the callers hold the simulator's lock around them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import collections
import math

STYLES = ('bucket', 'fixed', 'sliding', 'gcra', 'concurrency')
HEADERS = ('none', 'x', 'ietf')
RETRY_AFTER_FORMATS = ('seconds', 'date')
EPS = 1e-9


class Bucket:
    def __init__(self, rps, burst, now):
        self.rps, self.burst = rps, burst
        self.level, self.last = burst, now

    def _refill(self, now):
        self.level = min(self.burst, self.level + max(0.0, now - self.last) * self.rps)
        self.last = max(self.last, now)

    def take(self, now):
        self._refill(now)
        if self.level >= 1.0 - EPS:
            self.level = max(0.0, self.level - 1.0)
            return 0.0
        return (1.0 - self.level) / self.rps

    def advert(self, now):
        self._refill(now)
        return self.rps, int(math.floor(self.level + EPS)), (self.burst - self.level) / self.rps


class Fixed:
    def __init__(self, rps, now):
        self.limit = int(math.floor(rps + EPS)) or 1
        self.window, self.count = math.floor(now), 0

    def _roll(self, now):
        if math.floor(now) != self.window:
            self.window, self.count = math.floor(now), 0

    def take(self, now):
        self._roll(now)
        if self.count < self.limit:
            self.count += 1
            return 0.0
        return self.window + 1.0 - now

    def advert(self, now):
        self._roll(now)
        return self.limit, max(0, self.limit - self.count), self.window + 1.0 - now


class Sliding:
    def __init__(self, rps, now):  # pylint: disable=unused-argument
        self.limit = int(math.floor(rps + EPS)) or 1
        self.accepted = collections.deque()

    def _expire(self, now):
        while self.accepted and self.accepted[0] <= now - 1.0:
            self.accepted.popleft()

    def take(self, now):
        self._expire(now)
        if len(self.accepted) < self.limit:
            self.accepted.append(now)
            return 0.0
        return self.accepted[0] + 1.0 - now

    def advert(self, now):
        self._expire(now)
        reset = self.accepted[0] + 1.0 - now if self.accepted else 0.0
        return self.limit, max(0, self.limit - len(self.accepted)), reset


class Gcra:
    """Tolerance 0: the theoretical arrival time ``tat`` moves 1/rps on with each accepted request."""

    def __init__(self, rps, now):
        self.rps, self.interval = rps, 1.0 / rps
        self.tat = now

    def take(self, now):
        if now >= self.tat - EPS:
            self.tat = max(self.tat, now) + self.interval
            return 0.0
        return self.tat - now

    def advert(self, now):
        wait = max(0.0, self.tat - now)
        return self.rps, 0 if wait > EPS else 1, wait


class Concurrency:
    def __init__(self, rps, limit):
        self.rps, self.limit = rps, limit
        self.in_flight = 0

    def take(self, now):  # pylint: disable=unused-argument
        if self.in_flight < self.limit:
            self.in_flight += 1
            return 0.0
        return self.limit / self.rps

    def release(self):
        self.in_flight = max(0, self.in_flight - 1)

    def advert(self, now):  # pylint: disable=unused-argument
        return self.rps, max(0, self.limit - self.in_flight), self.limit / self.rps if self.in_flight >= self.limit else 0.0


def make(style, rps, burst, concurrency, now):
    if style == 'bucket':
        return Bucket(rps, burst, now)
    if style == 'fixed':
        return Fixed(rps, now)
    if style == 'sliding':
        return Sliding(rps, now)
    if style == 'gcra':
        return Gcra(rps, now)
    if style == 'concurrency':
        return Concurrency(rps, concurrency)
    raise ValueError('style must be one of %s, got %r' % (', '.join(STYLES), style))


def advert_headers(family, limit, remaining, reset):
    """The advertising header fields of one family (``x`` or ``ietf``) for a one-second window."""
    seconds = int(math.ceil(max(0.0, reset) - EPS))
    quota = '%d' % limit if float(limit).is_integer() else '%g' % limit
    if family == 'x':
        return {'X-RateLimit-Limit': quota, 'X-RateLimit-Remaining': '%d' % remaining, 'X-RateLimit-Reset': '%d' % seconds}
    if family == 'ietf':
        return {'RateLimit-Policy': '"default";q=%s;w=1' % quota, 'RateLimit': '"default";r=%d;t=%d' % (remaining, seconds)}
    return {}
