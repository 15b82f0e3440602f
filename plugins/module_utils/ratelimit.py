# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One request-rate limiter per API endpoint and account, shared by every fork, task and plugin of a controller.

The shared state is one small binary file per (API, base URL, account) in the cache directory
(``token_cache.cache_dir()``), read and written under ``fcntl.flock``. A file is opened for every
operation and closed after it, so nothing opened before the controller forks its workers is shared
between them, and threads of one process exclude each other the same way.

What the state holds and how it is used:

- Two measured rates, shared by all processes: requests sent and answers accepted per second, each an
  exponentially weighted event rate (time constant ``TAU``); time the whole endpoint spent blocked by a
  ``Retry-After`` is not counted, so a pause does not read as a slow sender.
- A send schedule (``tat``, the earliest time the next request may go): a request reserves the next slot
  and sleeps until it, so requests leave evenly spaced, one at a time, never in a burst (a token bucket
  of capacity one, kept as a virtual schedule so that many processes queue fairly).
- ``blocked_until``: when the API throttles with ``Retry-After`` (capped at ``block_cap`` seconds), every
  process holds its requests until then, not only the one that was throttled.
- The adaptive rate (after the idea of botocore's adaptive retry mode, written anew here): the first
  throttle engages it; each throttle cuts the rate to ``BETA`` (0.7) times the rate measured when it
  happened (the lower of the send and accepted rates, and of the rate in force), and the rate then
  grows back along a cubic curve (as TCP CUBIC does): quickly at first, flat near the rate that was
  throttled, then probing above it. Throttled answers to requests sent before the last cut do not cut
  again: one cut per episode, however many forks had a request in flight.

With no fixed limit and nothing throttled yet, a request is not delayed at all; it costs two short
locked reads and writes of the state file (one before, one after), to keep the measured rates.
With a fixed limit (``max_requests_per_second``) requests never go faster than it, adaptive or not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import math
import os
import struct
import threading
import time

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import cache_dir, keyed_digest

BETA = 0.7          # multiplicative cut on a throttle
TAU = 1.0           # seconds: time constant of the measured rates
# Seconds after a cut (and after its pause) to grow back to the throttled rate, or less for small rates:
# CUBIC_MIN is the smallest cubic scale (requests/s per s^3), so that a rate cut deep still grows back and
# beyond within seconds.
RECOVERY = 6.0
CUBIC_MIN = 0.05
MIN_RATE = 0.5      # requests per second: the adaptive rate never goes below this
BLOCK_CAP = 30.0    # seconds: the longest shared pause one Retry-After may impose
RECHECK = 0.001     # seconds: a pause shorter than this is not worth a second look at the state
FORGET_AFTER = 3600.0  # seconds without a throttle after which what was learned no longer applies

_FIELDS = ('version', 'send_rate', 'send_t', 'ok_rate', 'ok_t', 'engaged', 'w_max', 'cut_at', 'recover_from',
           'tat', 'blocked_until', 'block_start', 'throttles', 'rate', 'w_ceiling')
_STRUCT = struct.Struct('<%dd' % len(_FIELDS))
_VERSION = 2.0


class State:
    """The shared state, as plain attributes (see the module's docstring)."""

    def __init__(self, values=None):
        if values is None or values[0] != _VERSION:
            values = (_VERSION,) + (0.0,) * (len(_FIELDS) - 1)
        for name, value in zip(_FIELDS, values):
            setattr(self, name, value)

    def pack(self):
        return _STRUCT.pack(*[float(getattr(self, name)) for name in _FIELDS])

    def as_dict(self):
        return dict((name, getattr(self, name)) for name in _FIELDS)


def _blocked_overlap(state, start, end):
    """Seconds of [start, end] that fall inside the last shared pause."""
    if state.blocked_until <= state.block_start:
        return 0.0
    return max(0.0, min(end, state.blocked_until) - max(start, state.block_start))


def decayed(rate, since, now, state):
    """A measured rate as it stands at ``now`` (decayed since its last event, pauses excluded)."""
    if rate <= 0.0:
        return 0.0
    dt = max(0.0, now - since - _blocked_overlap(state, since, now))
    return rate * math.exp(-dt / TAU)


def _cubic_scale(w_max):
    return max(w_max * (1.0 - BETA) / RECOVERY ** 3, CUBIC_MIN)


def recovery_time(w_max):
    """Seconds the cubic takes to grow back from BETA * w_max to w_max: RECOVERY, or less for small rates."""
    return (w_max * (1.0 - BETA) / _cubic_scale(w_max)) ** (1.0 / 3.0)


def cubic_rate(w_max, elapsed):
    """The adaptive rate ``elapsed`` seconds after a cut from ``w_max`` (BETA * w_max at 0, w_max at K)."""
    return max(MIN_RATE, _cubic_scale(w_max) * (max(0.0, elapsed) - recovery_time(w_max)) ** 3 + w_max)


class RateLimiter:
    """The shared limiter of one API endpoint and account.

    ``max_rate``: fixed requests-per-second ceiling, or None. ``adaptive``: react to throttles (cut the
    shared rate, pause every process on Retry-After); when False only ``max_rate`` applies and each call
    waits for its own Retry-After.
    """

    def __init__(self, key_parts, max_rate=None, adaptive=True, directory=None, clock=time.time,
                 sleep=time.sleep, block_cap=BLOCK_CAP):
        self.directory = directory or cache_dir()
        name = keyed_digest('\0'.join(str(p) for p in key_parts))[:32]
        self.path = os.path.join(self.directory, 'ratelimit-%s.state' % name)
        self.max_rate = float(max_rate) if max_rate else None
        self.adaptive = bool(adaptive)
        self.block_cap = float(block_cap)
        self._clock = clock
        self._sleep = sleep
        self.last_send_at = None  # when the last acquire() let its request go (for tests and diagnostics)
        self._memory = None      # the state kept in this process when no file can be used
        self._memory_lock = threading.Lock()

    # -- shared state ---------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self):
        """Yield the state under an exclusive lock; it is written back when the block ends without error."""
        fd = self._open()
        if fd is None:
            with self._memory_lock:
                if self._memory is None:
                    self._memory = State()
                yield self._memory
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, _STRUCT.size, 0)
            state = State(_STRUCT.unpack(raw) if len(raw) == _STRUCT.size else None)
            yield state
            os.pwrite(fd, state.pack(), 0)
        finally:
            os.close(fd)  # closing releases the lock

    def _open(self):
        if fcntl is None:
            return None
        flags = os.O_RDWR | os.O_CREAT | getattr(os, 'O_CLOEXEC', 0)
        try:
            return os.open(self.path, flags, 0o600)
        except OSError:
            pass
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            return os.open(self.path, flags, 0o600)
        except OSError:
            return None

    def snapshot(self):
        """The state as a dict (for tests and diagnostics)."""
        with self._locked() as state:
            return state.as_dict()

    # -- the rate in force ----------------------------------------------------
    def current_rate(self, state, now):
        """Requests per second allowed at ``now``, or None for no limit."""
        rate = None
        if self.adaptive and state.engaged and now - state.cut_at < FORGET_AFTER:
            rate = cubic_rate(state.w_max, now - state.recover_from)
            # Do not let an idle limiter grow without bound: at most twice the rate measured, and never below
            # the rate that was last throttled (a fresh burst resumes there, not at the minimum).
            measured = decayed(state.send_rate, state.send_t, now, state)
            rate = min(rate, max(2.0 * measured, state.w_max, MIN_RATE))
        if self.max_rate is not None:
            rate = self.max_rate if rate is None else min(rate, self.max_rate)
        return rate

    def rate_at(self, now=None):
        """The requests per second allowed at ``now`` (default: the clock), or None for no limit."""
        with self._locked() as state:
            return self.current_rate(state, self._clock() if now is None else now)

    # -- before a request -----------------------------------------------------
    def acquire(self):
        """Wait for this process's turn to send one request; return the seconds waited."""
        waited = 0.0
        count = True
        while True:
            with self._locked() as state:
                now = self._clock()
                start = now
                if self.adaptive and state.blocked_until > start:
                    start = state.blocked_until
                rate = self.current_rate(state, now)
                if rate is None:
                    send_at = start
                else:
                    send_at = max(start, state.tat)
                    state.tat = send_at + 1.0 / rate
                    state.rate = rate
                if count:
                    when = max(send_at, state.send_t)
                    state.send_rate = decayed(state.send_rate, state.send_t, when, state) + 1.0 / TAU
                    state.send_t = when
                    count = False
            self.last_send_at = send_at
            wait = send_at - now
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait
            if not self.adaptive or wait < RECHECK:
                return waited
            # A throttle may have paused every process while this one slept: look again.
            if not self._blocked(self._clock()):
                return waited

    def _blocked(self, now):
        with self._locked() as state:
            return state.blocked_until > now + RECHECK

    # -- after an answer ------------------------------------------------------
    def record_ok(self, sent_at=None):
        """The API accepted a request sent at ``sent_at`` (any answer but a throttle).

        An acceptance of a request that was already on its way when the rate was last cut shows that the
        API took more than was measured at the cut (its answer had not come back yet): the cut is corrected
        upwards, never beyond the rate in force before it. Forks that start together all have a request in
        flight when the first throttle comes back, so this matters most at the start.
        """
        with self._locked() as state:
            now = max(self._clock(), state.ok_t)
            state.ok_rate = decayed(state.ok_rate, state.ok_t, now, state) + 1.0 / TAU
            state.ok_t = now
            in_flight_at_cut = sent_at is not None and sent_at < state.cut_at and now - state.cut_at < TAU
            if self.adaptive and state.engaged and in_flight_at_cut and state.ok_rate > state.w_max:
                state.w_max = min(state.ok_rate, state.w_ceiling) if state.w_ceiling else state.ok_rate

    def record_throttle(self, retry_after=None, sent_at=None):
        """The API throttled a request sent at ``sent_at`` (HTTP 429, or 503 with Retry-After).

        Returns the seconds every process now pauses (0 when there is no shared pause).
        """
        if not self.adaptive:
            return 0.0
        with self._locked() as state:
            now = self._clock()
            sent_at = now if sent_at is None else sent_at
            state.throttles += 1
            if retry_after is not None:
                until = now + min(max(0.0, float(retry_after)), self.block_cap)
                if until > state.blocked_until:
                    if state.blocked_until < now:
                        state.block_start = now
                    state.blocked_until = until
            if not state.engaged or sent_at >= state.cut_at or now - state.cut_at >= FORGET_AFTER:
                measured = [decayed(state.send_rate, state.send_t, now, state)]
                accepted = decayed(state.ok_rate, state.ok_t, now, state)
                if accepted > 0:
                    measured.append(accepted)
                in_force = self.current_rate(state, now)
                if state.engaged and in_force is not None:
                    measured.append(in_force)
                w_max = max(MIN_RATE / BETA, min(measured))
                state.w_ceiling = max(measured)
                state.engaged = 1.0
                state.w_max = w_max
                state.cut_at = now
                state.recover_from = max(now, state.blocked_until)
                state.rate = max(MIN_RATE, BETA * w_max)
            # The schedule restarts after the pause: no slot reserved before it may fire into it.
            state.tat = max(state.tat, state.blocked_until)
            return max(0.0, state.blocked_until - now)
