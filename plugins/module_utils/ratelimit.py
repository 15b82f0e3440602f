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

What issue 17 added, so that the limiter gets near the server's floor however the server enforces its limit
(token bucket, fixed or sliding window, no burst at all (GCRA), requests in flight):

- The accepted rate is estimated from the answers accepted lately (a ring of their times in the state, see
  ``State.accepted_rate``). A throttle that starts an episode after at least ``MIN_SAMPLES`` answers accepted
  in the last ``WINDOW`` seconds is a measurement of the server's rate (as BBR reads a policer's rate from what
  it delivered while losing): the rate is set just under it (``PACE_MARGIN``) rather than cut to ``BETA``, and
  grows back along a cubic scaled to it, slowly, probing above it. A throttle again before the rate got back
  to the measured one lowers the measurement. Only a throttle with nothing to measure (the first burst of all
  the forks, say) falls back to the ``BETA`` cut of what was sent; until the next throttle gives a measurement
  the rate then doubles every ``STARTUP_DOUBLING`` seconds (a slow start) instead of crawling along the cubic.
  Each measure that confirms the last one (within 10 %) makes the next probe slower (``PATIENCE_MAX``).
- A server that states its limit (``X-RateLimit-Limit``, ``RateLimit-Limit`` or the IETF draft's
  ``RateLimit-Policy``) is believed: the pace of every fork is at most ``ADV_MARGIN`` times the limit over
  its window, from the first answer that says so; a throttle then cuts only to ``PACE_MARGIN`` of the pace.
  ``Remaining: 0`` holds the next request for the smaller of the stated reset and one paced interval.
  Unreadable values are ignored (:func:`parse_rate_headers` never raises).
- ``Retry-After`` pauses every process only as long as needed: when the server's pace is known (measured or
  advertised), the pace is what it needs: there is no shared pause, the slots given to other forks stand, and
  only the throttled request waits out its own ``Retry-After`` (the transport sleeps it, then takes the next
  paced slot), so one fork idles, not the fleet. With nothing known ``Retry-After`` pauses every process, as
  before. Throttles of requests sent within an episode's Retry-After (the rest of a spent window, say) do not
  cut again.
- The next slot is one interval at the rate in force now after the last slot (``last_slot``, which a request sent
  with no rate in force takes too), so a rate that grows takes effect at once.
- The send gap: slots are evenly paced, but forks wake from their sleeps late on a loaded controller, and one that
  woke late would send together with one on time. A fork that wakes to send therefore also keeps ``SEND_GAP`` of an
  interval at the rate in force (the whole interval of a fixed limit) after the last request any fork released
  (``last_sent``), sleeping the rest if need be; the check and ``last_sent`` are one locked section, so no two forks
  release within one gap. With no rate in force there is no gap and no delay.

With no fixed limit and nothing throttled yet, a request is not delayed at all; it costs two short
locked reads and writes of the state file (one before, one after), to keep the measured rates.
With a fixed limit (``max_requests_per_second``) requests never go faster than it, adaptive or not.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import math
import os
import re
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
PACE_MARGIN = 0.95  # after a measured throttle: this fraction of the accepted rate
ADV_MARGIN = 0.95   # of an advertised limit
BETA_MEASURED = 0.9    # the least cut of a measured rate throttled while in force; a slow start's rate at its throttle, read down
ADV_FORGET = 60.0   # seconds after the last advertised limit it no longer applies
STARTUP_DOUBLING = 0.5  # seconds: how fast the rate grows after a cut with nothing measured
WINDOW = 3.0        # seconds: the window of the accepted-rate estimate
RING = 64           # accepted answers remembered for it
SPACING = 4        # the last accepted answers whose spacing gives the accepted rate
PATIENCE_MAX = 4.0  # the slowest probing, in times the first
MIN_SAMPLES = 4     # accepted answers in the window for a throttle to measure the server's rate
# The send gap, in intervals at the rate in force: the least time between two requests released by acquire(). A fork
# wakes from its sleep late on a loaded controller; one that woke late and one on time would send together, and a
# server without a burst (or one limiting the requests in flight) refuses the second. Under 1 so that a late request
# does not push every later one back: the releases catch up with the slots, which stay at the rate in force.
SEND_GAP = 0.95
GAP_SLACK = 1e-9    # seconds: a gap this close to kept is kept (the rounding of the clock's floats)

_FIELDS = ('version', 'send_rate', 'send_t', 'ok_rate', 'ok_t', 'engaged', 'w_max', 'cut_at', 'recover_from',
           'tat', 'blocked_until', 'block_start', 'throttles', 'rate', 'w_ceiling',
           'cut_rate', 'learned', 'adv_rate', 'adv_t', 'last_slot', 'episode_until', 'episode_hits', 'patience',
           'last_sent', 'acc_i') + tuple('acc%d' % i for i in range(RING))
_STRUCT = struct.Struct('<%dd' % len(_FIELDS))
_VERSION = 4.0


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
        return dict((name, getattr(self, name)) for name in _FIELDS if not name[3:].isdigit())

    def accepted(self, now):
        """Note an accepted answer at ``now`` in the ring."""
        index = int(self.acc_i) % RING
        setattr(self, 'acc%d' % index, now)
        self.acc_i = float((index + 1) % RING)

    def accepted_rate(self, now, window=WINDOW):
        """Answers accepted per second lately, and how many of them were seen in the last ``window`` seconds.

        The spacing of the last ``SPACING`` answers ((n - 1) over their span), so that an evenly paced stream is
        read at the rate it had just before now, whatever it is; but no more than the answers of the second
        before the last of them, plus one, so that a burst (a server's bucket emptying at once) is not read as a
        rate it cannot keep up."""
        times = sorted(t for t in (getattr(self, 'acc%d' % i) for i in range(RING)) if now - window < t <= now + 1e-9)
        count = len(times)
        if count < 2:
            return count / window, count
        last = times[-SPACING:]
        span = last[-1] - last[0]
        spaced = (len(last) - 1) / span if span > 0 else float('inf')
        second = sum(1 for t in times if t > times[-1] - 1.0)
        return min(spaced, second + 1.0), count


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


def cubic_rate(w_max, elapsed, start=None, relative=False):
    """The adaptive rate ``elapsed`` seconds after a cut from ``w_max`` to ``start`` (default BETA * w_max):
    ``start`` at 0, w_max at K, then probing above it. ``relative``: the cubic's scale in proportion to w_max
    (no CUBIC_MIN), so that probing above a measured rate takes as long whatever the rate."""
    scale = w_max * (1.0 - BETA) / RECOVERY ** 3 if relative else _cubic_scale(w_max)
    if start is None:
        k = recovery_time(w_max)
    else:
        k = (max(0.0, w_max - start) / scale) ** (1.0 / 3.0)
    return max(MIN_RATE, scale * (max(0.0, elapsed) - k) ** 3 + w_max)


def _number(text):
    """A finite number >= 0 that is the whole of a header value (up to its first ``;``), else None."""
    match = re.match(r'\s*([0-9]{1,15}(?:\.[0-9]{0,9})?)\s*$', (text or '').split(';')[0])
    if not match:
        return None
    return float(match.group(1))


def _params(item):
    """The ``key=value`` parameters of one structured-field item (``"default";q=10;w=1``)."""
    found = {}
    for part in item.split(';')[1:]:
        key, sep, value = part.partition('=')
        if sep:
            found[key.strip().lower()] = value.strip().strip('"')
    return found


def parse_rate_headers(headers, wall=None):
    """What an answer advertises about the rate limit: a dict with ``rate`` (requests a second, the limit over
    its window), ``remaining`` and ``reset`` (seconds), each None when absent or unreadable.

    Reads ``X-RateLimit-Limit``/``-Remaining``/``-Reset``, the older drafts' ``RateLimit-Limit``/``-Remaining``/
    ``-Reset`` and the IETF draft's ``RateLimit-Policy: "p";q=10;w=1`` and ``RateLimit: "p";r=5;t=1``. A window
    may be given as a ``w=`` or ``window=`` parameter of the limit; otherwise it is one second. A reset larger than
    a year is taken as a Unix time. Never raises.
    """
    found = {'rate': None, 'remaining': None, 'reset': None}
    if not headers:
        return found
    try:
        fields = dict((str(k).lower(), str(v)) for k, v in headers.items())
    except (AttributeError, TypeError, ValueError):
        return found
    try:
        _parse_fields(fields, found, time.time() if wall is None else wall)
    except (TypeError, ValueError, ArithmeticError):
        pass
    return found


def _parse_fields(fields, found, wall):
    for prefix in ('x-ratelimit-', 'ratelimit-'):
        limit = fields.get(prefix + 'limit')
        if limit is not None and found['rate'] is None:
            quota = _number(limit.split(',')[0])
            params = _params(limit.split(',')[-1])
            window = _number(params.get('w', params.get('window', '1')))
            if quota and window:
                found['rate'] = quota / window
        if found['remaining'] is None:
            found['remaining'] = _number(fields.get(prefix + 'remaining'))
        if found['reset'] is None:
            found['reset'] = _number(fields.get(prefix + 'reset'))
    policy = fields.get('ratelimit-policy')
    if policy is not None:
        rates = []
        for item in policy.split(','):
            params = _params(item)
            quota = _number(params.get('q')) if 'q' in params else _number(item)
            window = _number(params.get('w', '1'))
            if quota and window:
                rates.append(quota / window)
        if rates:
            found['rate'] = min(rates)
    current = fields.get('ratelimit')
    if current is not None:
        params = _params(current.split(',')[0])
        if 'r' in params:
            found['remaining'] = _number(params['r'])
        if 't' in params:
            found['reset'] = _number(params['t'])
    if found['reset'] is not None and found['reset'] > 366 * 86400.0:
        found['reset'] = max(0.0, found['reset'] - wall)


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
            elapsed = now - state.recover_from
            if state.learned:
                rate = cubic_rate(state.w_max, elapsed / max(1.0, state.patience), state.cut_rate or None, relative=True)
            else:
                rate = max(MIN_RATE, (state.cut_rate or BETA * state.w_max) * 2.0 ** (max(0.0, elapsed) / STARTUP_DOUBLING))
            # Do not let an idle limiter grow without bound: at most twice the rate measured, and never below
            # the rate that was last throttled (a fresh burst resumes there, not at the minimum).
            measured = decayed(state.send_rate, state.send_t, now, state)
            rate = min(rate, max(2.0 * measured, state.w_max, MIN_RATE))
        advertised = self.advertised_pace(state, now)
        if advertised is not None:
            rate = advertised if rate is None else min(rate, advertised)
        if self.max_rate is not None:
            rate = self.max_rate if rate is None else min(rate, self.max_rate)
        return rate

    def advertised_pace(self, state, now):
        """The pace an advertised limit allows (ADV_MARGIN of it), or None when none was advertised lately."""
        if self.adaptive and state.adv_rate > 0 and now - state.adv_t < ADV_FORGET:
            return max(MIN_RATE, ADV_MARGIN * state.adv_rate)
        return None

    def _advertised(self, state, headers, now):
        """Take in what an answer advertises (see :func:`parse_rate_headers`)."""
        if not headers or not self.adaptive:
            return
        found = parse_rate_headers(headers)
        if found['rate'] is not None and found['rate'] > 0:
            state.adv_rate = found['rate']
            state.adv_t = now
        pace = self.advertised_pace(state, now)
        if pace is not None and found['remaining'] is not None and found['remaining'] < 1 and found['reset']:
            # Nothing left: the next request waits for the reset, or one paced interval if that is shorter
            # (a server without a burst says "0 left" after every request).
            state.tat = max(state.tat, now + min(found['reset'], 1.0 / pace))

    def rate_at(self, now=None):
        """The requests per second allowed at ``now`` (default: the clock), or None for no limit."""
        with self._locked() as state:
            return self.current_rate(state, self._clock() if now is None else now)

    # -- before a request -----------------------------------------------------
    def send_gap(self, state, now):
        """The least seconds between two requests that :meth:`acquire` releases at ``now``, or None with no rate in force.

        ``SEND_GAP`` of the interval at the rate in force, or the whole interval of a fixed ``max_rate``, which
        must never be exceeded."""
        rate = self.current_rate(state, now)
        if rate is None:
            return None
        gap = SEND_GAP / rate
        if self.max_rate is not None:
            gap = max(gap, 1.0 / self.max_rate)
        return gap

    def _reserve(self, state, now, count):
        """Reserve the next send slot at ``now``; return it and whether a rate was in force."""
        start = now
        if self.adaptive and state.blocked_until > start:
            start = state.blocked_until
        rate = self.current_rate(state, now)
        if rate is None:
            send_at = start
            # Noted as a slot too, so that the first slot paced after it (a limit came in force) is one interval
            # later, not at once.
            state.last_slot = max(state.last_slot, send_at)
        else:
            # The next slot is one interval at the rate in force now after the last one (so a growing rate takes
            # effect at once), and never before what a throttle or the server set (tat).
            send_at = max(start, state.tat, state.last_slot + 1.0 / rate)
            state.tat = max(state.tat, send_at)
            state.last_slot = send_at
            state.rate = rate
        if count:
            when = max(send_at, state.send_t)
            state.send_rate = decayed(state.send_rate, state.send_t, when, state) + 1.0 / TAU
            state.send_t = when
        return send_at, rate is not None

    def acquire(self):
        """Wait for this process's turn to send one request; return the seconds waited (slept).

        The slot is reserved first, then slept to; a fork that wakes to send then also keeps the send gap: not
        within :meth:`send_gap` of the last request released by any fork (``last_sent``), checked and noted in
        one locked section, so that two forks that wake late, one of them past its slot, do not both send at once.
        """
        waited = 0.0
        slot = None
        again = False  # whether to look at the state again after the sleep
        while True:
            with self._locked() as state:
                now = self._clock()
                if slot is None or (self.adaptive and state.blocked_until > now + RECHECK):
                    # The first look, or a throttle paused every process while this one slept: a slot (after the
                    # pause). The send is counted once, at the first slot.
                    first = slot is None
                    slot, paced = self._reserve(state, now, count=first)
                    wait = slot - now
                    # After the sleep to the slot: a second look for the gap, or for a pause that came meanwhile.
                    again = paced or (self.adaptive and wait >= RECHECK)
                else:
                    wait = 0.0  # slept to the slot
                if wait <= 0:
                    gap = self.send_gap(state, now)
                    if gap is not None:
                        # Each wait here means that another fork released a request within the gap: the wait grows
                        # by at most one interval per fork that went first.
                        if state.last_sent > now:
                            state.last_sent = now  # the clock was set back: one gap from now, not from then
                        wait = state.last_sent + gap - now
                        again = True
                    if wait <= GAP_SLACK:
                        state.last_sent = now
                        self.last_send_at = now
                        return waited
            self._sleep(wait)
            waited += wait
            if not again:
                # No rate in force: no gap to keep, and a pause this short is not worth a second look.
                self.last_send_at = slot
                return waited

    # -- after an answer ------------------------------------------------------
    def record_ok(self, sent_at=None, headers=None):
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
            state.accepted(now)
            self._advertised(state, headers, now)
            in_flight_at_cut = sent_at is not None and sent_at < state.cut_at and now - state.cut_at < TAU
            if self.adaptive and state.engaged and not state.learned and in_flight_at_cut and state.ok_rate > state.w_max:
                state.w_max = min(state.ok_rate, state.w_ceiling) if state.w_ceiling else state.ok_rate

    def record_throttle(self, retry_after=None, sent_at=None, headers=None):
        """The API throttled a request sent at ``sent_at`` (HTTP 429, or 503 with Retry-After).

        ``headers``: the answer's header fields (an advertised limit is taken in). Returns the seconds every
        process now pauses (0 when there is no shared pause). The throttled request itself still waits its whole
        ``Retry-After`` before it goes again (the caller sleeps what this pause does not cover): the server
        said when it will take it, and only the other forks' slots are spared.
        """
        if not self.adaptive:
            return 0.0
        with self._locked() as state:
            now = self._clock()
            sent_at = now if sent_at is None else sent_at
            state.throttles += 1
            in_force = self.current_rate(state, now) if state.engaged else None
            self._advertised(state, headers, now)
            wait = None if retry_after is None else min(max(0.0, float(retry_after)), self.block_cap)
            new_episode = sent_at >= state.cut_at and sent_at >= state.episode_until
            if not state.engaged or new_episode or now - state.cut_at >= FORGET_AFTER:
                self._cut(state, now, in_force)
                state.episode_until = now + (wait or 0.0)
                state.episode_hits = 1.0
            else:
                # Sent before the cut, or throttled within the Retry-After of the episode (a window that is spent,
                # say): the same episode, no second cut.
                state.episode_hits += 1
            rate = self.current_rate(state, now)
            paced = rate is not None and (state.learned or self.advertised_pace(state, now) is not None)
            if wait is not None and not paced:
                pause = wait
                until = now + pause
                if until > state.blocked_until:
                    if state.blocked_until < now:
                        state.block_start = now
                    state.blocked_until = until
                if state.recover_from < state.blocked_until and state.cut_at == now:
                    state.recover_from = state.blocked_until
            # The schedule restarts after the pause: no slot reserved before it may fire into it.
            state.tat = max(state.tat, state.blocked_until)
            if paced:
                # The server's pace is known: what it needs is the schedule itself. No shared pause: the slots
                # already given to other forks stand, the next one is at least an interval on, and the throttled
                # request waits its own Retry-After in the transport (what this returns does not cover).
                state.tat = max(state.tat, now + 1.0 / rate)
            return max(0.0, state.blocked_until - now)

    def _cut(self, state, now, in_force):
        """One cut per episode: to just under the measured accepted rate, the advertised pace, or BETA."""
        advertised = self.advertised_pace(state, now)
        accepted, count = state.accepted_rate(now)
        if advertised is not None:
            # The pace already keeps under the stated limit: a throttle is the requests' jitter on their way (or
            # forks that sent before the limit was known): a small cut, and back to the stated pace along the cubic.
            w_max = advertised
            start = PACE_MARGIN * (advertised if in_force is None else min(advertised, in_force))
            learned = 1.0
        elif count >= MIN_SAMPLES:
            if not state.learned and in_force is not None:
                # Throttled in the slow start: the rate had just crossed the server's, the answers' spacing
                # lags behind it.
                accepted = max(accepted, BETA_MEASURED * in_force)
            if state.learned and in_force is not None and in_force < state.w_max:
                # Throttled again before the rate got back to the last measured one: that was too high.
                accepted = min(accepted, in_force)
            w_max = max(MIN_RATE, accepted)
            start = PACE_MARGIN * accepted
            if in_force is not None:
                start = min(start, BETA_MEASURED * in_force)
            learned = 1.0
        else:
            # Nothing to measure the server by: BETA times what was sent (the accepted rate lags at the start;
            # acceptances of requests in flight at the cut correct it upwards, see record_ok).
            measured = [decayed(state.send_rate, state.send_t, now, state)]
            if in_force is not None:
                measured.append(in_force)
            w_max = max(MIN_RATE / BETA, min(measured))
            state.w_ceiling = max(measured + [decayed(state.ok_rate, state.ok_t, now, state)])
            start = BETA * w_max
            learned = 0.0
        # Patience: a measure that confirms the last one (within 10 %) makes the next probe above it slower, up to
        # PATIENCE_MAX times, so a server whose rate is known is not probed into a 429 every few seconds.
        if learned and state.learned and state.w_max and abs(w_max - state.w_max) <= 0.1 * state.w_max:
            state.patience = min(PATIENCE_MAX, max(1.0, state.patience) * 1.5)
        else:
            state.patience = 1.0
        state.engaged = 1.0
        state.learned = learned
        state.w_max = w_max
        state.cut_rate = max(MIN_RATE, min(start, w_max))
        state.cut_at = now
        state.recover_from = max(now, state.blocked_until)
        state.rate = state.cut_rate
