# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared rate limiter: one state file per endpoint and account, shared by processes and threads.

Time is faked wherever a figure is asserted (a clock that only moves when the limiter sleeps), so the
assertions are about what the limiter decides, never about how fast this machine is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import multiprocessing
import os
import random
import stat
import threading

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.ratelimit import (
    BETA, PACE_MARGIN, RECOVERY, SEND_GAP, RateLimiter, cubic_rate, recovery_time)
from ansible_collections.fleetops.ping.plugins.module_utils.transport import HttpClient
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import MonogotoClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import PingAssetClient
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import PingPlClient
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID

KEY = ('monogoto', 'https://console.example', 'user', 'ops@example.com')


class FakeTime:
    """A clock shared by several limiters; sleeping moves it on."""

    def __init__(self, now=1000000.0):
        self.now = now
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds):
        self.now += seconds


class LateTime(FakeTime):
    """A loaded controller: once ``late`` is set, every sleep ends a random 0 to ``late`` seconds after it asked
    (a seeded RNG)."""

    def __init__(self, now=1000000.0, seed=17):
        FakeTime.__init__(self, now)
        self.late = 0.0
        self.rng = random.Random(seed)

    def sleep(self, seconds):
        FakeTime.sleep(self, seconds)
        self.now += self.rng.random() * self.late


@pytest.fixture
def cache(tmp_path, monkeypatch):
    directory = tmp_path / 'cache'
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(directory))
    return directory


def limiter(fake, **kwargs):
    return RateLimiter(KEY, clock=fake.clock, sleep=fake.sleep, **kwargs)


def send_at_rate(lim, fake, rate, seconds):
    """``rate`` accepted requests a second for ``seconds``, through ``lim``."""
    for dummy in range(int(rate * seconds)):
        lim.acquire()
        lim.record_ok(fake.now)
        fake.advance(1.0 / rate)


# -- no limit until there is a reason ------------------------------------------------

def test_no_fixed_limit_and_no_throttle_never_waits(cache):
    fake = FakeTime()
    lim = limiter(fake)
    for dummy in range(200):
        assert lim.acquire() == 0.0
        lim.record_ok(fake.now)
    assert fake.sleeps == []
    state = lim.snapshot()
    assert state['engaged'] == 0.0 and state['send_rate'] > 100


def test_state_file_is_0600_in_a_0700_directory_and_holds_no_key_material(cache):
    lim = RateLimiter(KEY)
    lim.acquire()
    assert stat.S_IMODE(os.stat(str(cache)).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(lim.path).st_mode) == 0o600
    assert os.path.dirname(lim.path) == str(cache)
    # The file is named by a keyed digest: neither the account nor the URL shows.
    assert 'ops@example.com' not in lim.path and 'console' not in lim.path
    with open(lim.path, 'rb') as handle:
        assert b'ops@example.com' not in handle.read()


def test_one_limiter_per_endpoint_and_account(cache):
    same = RateLimiter(KEY)
    assert same.path == RateLimiter(KEY).path
    others = [RateLimiter(KEY[:3] + ('bob@example.com',)), RateLimiter(('monogoto', 'https://other.example') + KEY[2:]),
              RateLimiter(('pingasset',) + KEY[1:])]
    assert len(set([same.path] + [o.path for o in others])) == 4


def test_clients_key_their_limiter_by_endpoint_and_account(cache):
    one = MonogotoClient('https://console.example', username='a@example.com', password='pw-123456')
    two = MonogotoClient('https://console.example/', username='a@example.com', password='other-pw-123')
    other_user = MonogotoClient('https://console.example', username='b@example.com', password='pw-123456')
    by_token = MonogotoClient('https://console.example', token='tok-aaaaaaaa')
    assert one.http.limiter.path == two.http.limiter.path  # the same account shares one limiter
    assert len({one.http.limiter.path, other_user.http.limiter.path, by_token.http.limiter.path}) == 3
    key_a = PingPlClient('https://api.example/1.0', token='key-aaaaaaaa').http.limiter.path
    key_b = PingPlClient('https://api.example/1.0', token='key-bbbbbbbb').http.limiter.path
    client = PingAssetClient('https://asset.example', client_id='cid', client_secret='sec-aaaaaaaa').http.limiter.path
    client_again = PingAssetClient('https://asset.example', client_id='cid', client_secret='sec-bbbbbbbb').http.limiter.path
    assert key_a != key_b and client == client_again


def test_from_params_passes_the_options_to_the_limiter_and_the_time_budget(cache):
    client = MonogotoClient.from_params({'api_url': 'https://console.example', 'token': 'tok-aaaaaaaa',
                                         'max_requests_per_second': '2.5', 'adaptive_rate_limit': 'no',
                                         'retry_time_budget': 42})
    assert client.http.limiter.max_rate == 2.5 and client.http.limiter.adaptive is False
    assert client.http.time_budget == 42.0 and client.http.timeout == (10.0, 30.0)
    defaults = PingPlClient.from_params({'token': 'key-aaaaaaaa'})
    assert defaults.http.limiter.max_rate is None and defaults.http.limiter.adaptive is True
    assert defaults.http.time_budget == 300.0 and defaults.http.base_url == 'https://api.ping.pl/1.0'


def test_environment_fallbacks_apply_to_a_plain_dict(cache, monkeypatch):
    monkeypatch.setenv('FLEETOPS_PING_MAX_REQUESTS_PER_SECOND', '7')
    monkeypatch.setenv('FLEETOPS_PING_ADAPTIVE_RATE_LIMIT', 'false')
    monkeypatch.setenv('FLEETOPS_PING_RETRY_TIME_BUDGET', '12.5')
    client = PingAssetClient.from_params({'access_token': 'tok-aaaaaaaa'})
    assert client.http.limiter.max_rate == 7.0 and client.http.limiter.adaptive is False
    assert client.http.time_budget == 12.5


@pytest.mark.parametrize('params, words', [
    ({'max_requests_per_second': 0}, 'max_requests_per_second: must be greater than 0'),
    ({'max_requests_per_second': 'fast'}, "max_requests_per_second: 'fast' is not a number"),
    ({'retry_time_budget': -1}, 'retry_time_budget: must be 0 or more seconds'),
    ({'adaptive_rate_limit': 'maybe'}, "adaptive_rate_limit: 'maybe' is not a boolean"),
])
def test_bad_options_fail_before_any_request(cache, params, words):
    with pytest.raises(Exception) as err:
        PingPlClient.from_params(dict(params, token='key-aaaaaaaa'))
    assert words in str(err.value)


# -- a fixed limit -------------------------------------------------------------------

def test_fixed_limit_spaces_requests_evenly(cache):
    fake = FakeTime()
    lim = limiter(fake, max_rate=4)
    start = fake.now
    times = []
    for dummy in range(9):
        lim.acquire()
        times.append(lim.last_send_at)
    assert times[0] == start
    assert [round(b - a, 6) for a, b in zip(times, times[1:])] == [0.25] * 8
    assert fake.now - start == pytest.approx(2.0)


def _process_sends(path_env, rate, count, start_at, queue):
    os.environ['FLEETOPS_PING_CACHE_DIR'] = path_env
    lim = RateLimiter(KEY, max_rate=rate)
    import time
    time.sleep(max(0.0, start_at - time.time()))
    sent = []
    for dummy in range(count):
        lim.acquire()
        sent.append((lim.last_send_at, time.time()))
    queue.put(sent)


def test_processes_sharing_one_limiter_stay_within_the_rate(cache):
    """Six processes, 8 requests each, one shared limit of 40/s: the schedule they follow is one schedule."""
    import time
    RateLimiter(KEY).acquire()  # the state file exists before the fork, as on a controller
    ctx = multiprocessing.get_context('fork')
    queue = ctx.Queue()
    rate, procs, count = 40.0, 6, 8
    start_at = time.time() + 0.3
    workers = [ctx.Process(target=_process_sends, args=(str(cache), rate, count, start_at, queue)) for dummy in range(procs)]
    for worker in workers:
        worker.start()
    sent = [item for dummy in workers for item in queue.get(timeout=60)]
    for worker in workers:
        worker.join(30)
    assert [w.exitcode for w in workers] == [0] * procs
    scheduled = sorted(at for at, dummy in sent)
    assert len(scheduled) == procs * count
    gaps = [b - a for a, b in zip(scheduled, scheduled[1:])]
    assert min(gaps) >= 1.0 / rate - 1e-6, 'two requests were let through closer than the rate allows'
    # And nobody went before its turn.
    assert all(actual >= at - 1e-3 for at, actual in sent)


def test_threads_sharing_one_limiter_stay_within_the_rate(cache):
    lim_rate = 50.0
    sent, lock = [], threading.Lock()

    def run():
        lim = RateLimiter(KEY, max_rate=lim_rate)
        for dummy in range(5):
            lim.acquire()
            with lock:
                sent.append(lim.last_send_at)

    threads = [threading.Thread(target=run) for dummy in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    sent.sort()
    assert len(sent) == 20
    assert min(b - a for a, b in zip(sent, sent[1:])) >= 1.0 / lim_rate - 1e-6


# -- the send gap: forks that wake late -----------------------------------------------

def test_forks_that_wake_late_never_send_closer_than_the_gap_at_a_learned_rate(cache):
    """Issue 17: a fork whose slot was 10 ms ago and one whose slot is now must not send together (a server without
    a burst refuses the second): after its sleep a fork keeps SEND_GAP of an interval after the last request sent."""
    fake = LateTime()
    one, two = limiter(fake), limiter(fake)
    send_at_rate(one, fake, 10, 3)
    one.record_throttle(retry_after=1, sent_at=fake.now)
    assert one.snapshot()['learned'] == 1.0
    fake.late = 0.03
    sent, least, second_sleeps = [], [], 0
    for index in range(100):
        lim = (one, two)[index % 2]
        before = len(fake.sleeps)
        waited = lim.acquire()
        # What acquire() reports is what it slept, the sleeps for the gap included.
        assert waited == pytest.approx(sum(fake.sleeps[before:]))
        second_sleeps += len(fake.sleeps) - before > 1
        sent.append(fake.now)
        assert lim.last_send_at == fake.now and lim.snapshot()['last_sent'] == fake.now
        least.append(SEND_GAP / lim.rate_at(fake.now))  # the rate in force when it was released
        lim.record_ok(fake.now)
    assert one.snapshot()['learned'] == 1.0
    assert all(b - a >= gap - 1e-9 for a, b, gap in zip(sent, sent[1:], least[1:]))
    # The gap was waited for (about 20 times in 100): without it about 35 in 100 went closer than it, the closest
    # 52 ms after the one before at a gap of 72 ms.
    assert second_sleeps > 10


@pytest.mark.parametrize('adaptive', [True, False])
def test_forks_that_wake_late_never_exceed_a_fixed_limit(cache, adaptive):
    """A fixed limit must never be exceeded: its gap is the whole interval, however late the forks wake."""
    fake = LateTime()
    forks = [limiter(fake, max_rate=5, adaptive=adaptive) for dummy in range(2)]
    fake.late = 0.03
    sent, second_sleeps = [], 0
    for index in range(60):
        before = len(fake.sleeps)
        waited = forks[index % 2].acquire()
        assert waited == pytest.approx(sum(fake.sleeps[before:]))
        second_sleeps += len(fake.sleeps) - before > 1
        sent.append(fake.now)
    # Without the gap the closest two went 172 ms apart, at a limit of 5/s.
    assert min(b - a for a, b in zip(sent, sent[1:])) >= 1.0 / 5 - 1e-9
    assert second_sleeps > 5
    # Late wake-ups cost the fixed limit a little of its rate, never more than their lateness.
    assert (sent[-1] - sent[0]) / (len(sent) - 1) < 1.0 / 5 + 0.03


def test_no_rate_in_force_no_gap_no_delay_and_one_locked_section(cache):
    """With nothing learned and no limit the gap changes nothing: no sleep, and one locked section per acquire(), as
    before the gap (record_ok() takes the other one, after the answer)."""
    fake = LateTime()
    forks = [limiter(fake), limiter(fake)]
    fake.late = 0.03
    sections = []

    def counted(opened):
        def _open():
            sections.append(1)
            return opened()
        return _open

    for lim in forks:
        lim._open = counted(lim._open)
    for index in range(50):
        assert forks[index % 2].acquire() == 0.0
    assert fake.sleeps == [] and len(sections) == 50
    assert forks[0].rate_at(fake.now) is None


# -- adaptive: the shared pause, the cut, the recovery -------------------------------

def test_retry_after_pauses_every_process_not_only_the_throttled_one(cache):
    fake = FakeTime()
    hit, other = limiter(fake), limiter(fake)
    hit.acquire()
    hit.record_ok(fake.now)  # one answer: nothing to measure the server's rate from
    fake.advance(0.01)
    assert hit.record_throttle(retry_after=2, sent_at=fake.now) == pytest.approx(2.0)
    waited = other.acquire()  # another fork: it has not seen a 429 itself
    assert waited >= 2.0
    assert other.last_send_at >= fake.now - 1e-9 and other.last_send_at >= hit.snapshot()['blocked_until']


def test_retry_after_pauses_only_one_slot_when_the_pace_is_known(cache):
    """Issue 17: with the server's rate measured, a whole-second Retry-After does not idle the fleet: there is no
    shared pause (the throttled request waits its own Retry-After in the transport), the others keep their pace."""
    fake = FakeTime()
    hit, other = limiter(fake), limiter(fake)
    send_at_rate(hit, fake, 10, 2)
    paused = hit.record_throttle(retry_after=2, sent_at=fake.now)
    rate = hit.rate_at(fake.now)
    assert paused == 0.0
    assert 5 < rate < 20
    waited = other.acquire()
    assert waited == pytest.approx(1.0 / rate)


def test_retry_after_is_capped(cache):
    fake = FakeTime()
    lim = limiter(fake, block_cap=30.0)
    assert lim.record_throttle(retry_after=3600, sent_at=fake.now) == pytest.approx(30.0)


def test_throttle_sets_the_rate_just_under_the_accepted_rate(cache):
    """Issue 17 (changed): a throttle while answers were being accepted measures the server's rate; the rate goes
    just under it (PACE_MARGIN), not down to BETA of it."""
    fake = FakeTime()
    lim = limiter(fake)
    send_at_rate(lim, fake, 20, 3)
    measured = lim.snapshot()
    assert measured['send_rate'] == pytest.approx(20, rel=0.1) and measured['ok_rate'] == pytest.approx(20, rel=0.1)
    lim.record_throttle(retry_after=None, sent_at=fake.now)
    state = lim.snapshot()
    assert state['engaged'] == 1.0 and state['learned'] == 1.0
    assert state['w_max'] == pytest.approx(20, rel=0.1)
    assert lim.rate_at(fake.now) == pytest.approx(PACE_MARGIN * state['w_max'])


def test_throttle_with_nothing_measured_cuts_to_beta_and_starts_slowly(cache):
    fake = FakeTime()
    lim = limiter(fake)
    for dummy in range(20):
        lim.acquire()  # twenty forks at once, nothing answered yet
    lim.record_throttle(retry_after=None, sent_at=fake.now)
    state = lim.snapshot()
    assert state['learned'] == 0.0
    assert lim.rate_at(fake.now) == pytest.approx(BETA * state['w_max'])
    # A slow start: doubling every STARTUP_DOUBLING seconds (capped by twice what is sent).
    send_at_rate(lim, fake, 40, 1)
    assert lim.rate_at(fake.now) > 4 * BETA * state['w_max']


def test_throttles_of_requests_in_flight_at_the_cut_do_not_cut_again(cache):
    fake = FakeTime()
    lim = limiter(fake)
    send_at_rate(lim, fake, 20, 3)
    in_flight = fake.now - 0.05
    lim.record_throttle(sent_at=in_flight)
    w_max = lim.snapshot()['w_max']
    for dummy in range(10):  # twenty forks had a request out: their 429s come back now
        fake.advance(0.001)
        lim.record_throttle(sent_at=in_flight)
    assert lim.snapshot()['w_max'] == w_max
    # A request sent after the cut that is throttled again is a new episode: it cuts again.
    fake.advance(0.5)
    lim.record_throttle(sent_at=fake.now - 0.01)
    assert lim.snapshot()['w_max'] < w_max


def test_acceptances_in_flight_at_the_cut_correct_it_upwards(cache):
    fake = FakeTime()
    lim = limiter(fake)
    lim.acquire()
    lim.record_ok(fake.now)  # one login
    fake.advance(0.01)
    sent_at = fake.now
    for dummy in range(20):
        lim.acquire()  # twenty forks send together; the first answer back is a 429
    fake.advance(0.02)
    lim.record_throttle(retry_after=1, sent_at=sent_at)
    low = lim.snapshot()['w_max']
    for dummy in range(10):  # then the ten the server did accept
        fake.advance(0.001)
        lim.record_ok(sent_at)
    state = lim.snapshot()
    # Issue 17 (changed): with nothing measured the cut starts from what was sent (the one accepted login does not
    # make it a cut to the floor), so the acceptances of the requests in flight have nothing to correct.
    assert low == pytest.approx(state['send_rate'], rel=0.1) and low > 10
    assert state['w_max'] >= low and state['w_max'] <= state['w_ceiling']


@pytest.mark.parametrize('w_max', [2.0, 10.0, 50.0, 200.0])
def test_rate_recovers_along_the_cubic_and_probes_beyond(w_max):
    k = recovery_time(w_max)
    assert 0 < k <= RECOVERY
    if w_max >= 50:
        assert k == pytest.approx(RECOVERY)
    assert cubic_rate(w_max, 0) == pytest.approx(BETA * w_max)
    assert cubic_rate(w_max, k) == pytest.approx(w_max)
    samples = [cubic_rate(w_max, k * t / 10.0) for t in range(0, 31)]
    assert samples == sorted(samples), 'the rate must only grow after a cut'
    assert cubic_rate(w_max, 3 * k) > w_max
    # Flat near the throttled rate: within 5 % of it for a while around K.
    assert abs(cubic_rate(w_max, k * 0.7) - w_max) < 0.05 * w_max
    assert abs(cubic_rate(w_max, k * 1.3) - w_max) < 0.05 * w_max


def test_recovery_starts_after_the_pause_and_is_capped_by_what_is_sent(cache):
    """Issue 17 (changed): with nothing measured the full Retry-After pauses everyone and the rate starts slowly
    after it; once measured there is no pause, the rate goes just under the measured one and grows back."""
    fake = FakeTime()
    lim = limiter(fake)
    for dummy in range(20):
        lim.acquire()
    lim.record_throttle(retry_after=1, sent_at=fake.now)
    state = lim.snapshot()
    assert state['learned'] == 0.0
    assert state['recover_from'] == pytest.approx(state['blocked_until']) and state['blocked_until'] > fake.now
    fake.advance(2)
    send_at_rate(lim, fake, 10, 3)
    assert lim.record_throttle(retry_after=1, sent_at=fake.now) < 0.2  # measured: no shared pause
    state = lim.snapshot()
    assert state['learned'] == 1.0 and state['recover_from'] == pytest.approx(fake.now)
    assert lim.rate_at(fake.now) == pytest.approx(PACE_MARGIN * state['w_max'])
    k = (((1 - PACE_MARGIN) * RECOVERY ** 3) / (1 - BETA)) ** (1.0 / 3.0)
    assert lim.rate_at(fake.now + k) == pytest.approx(state['w_max'], rel=0.01)
    # Idle a while: the cubic has grown huge, but the rate resumes at the rate last throttled, not above it.
    fake.advance(600)
    assert lim.rate_at(fake.now) == pytest.approx(state['w_max'])
    # An hour after the last throttle, what was learned is forgotten: no limit until the API throttles again.
    fake.advance(3600)
    assert lim.rate_at(fake.now) is None
    assert lim.acquire() == 0.0


def test_a_fixed_limit_is_never_exceeded_by_the_recovery(cache):
    fake = FakeTime()
    lim = limiter(fake, max_rate=5)
    send_at_rate(lim, fake, 5, 3)
    lim.record_throttle(sent_at=fake.now)
    for later in (0, RECOVERY, 10 * RECOVERY):
        assert lim.rate_at(fake.now + later) <= 5.0


def test_adaptive_off_ignores_throttles(cache):
    fake = FakeTime()
    lim = limiter(fake, adaptive=False)
    assert lim.record_throttle(retry_after=5, sent_at=fake.now) == 0.0
    assert lim.acquire() == 0.0 and fake.sleeps == []
    assert lim.snapshot()['engaged'] == 0.0


def test_unwritable_cache_directory_falls_back_to_a_limiter_in_this_process(tmp_path, monkeypatch):
    blocker = tmp_path / 'file'
    blocker.write_text('not a directory')
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(blocker / 'cache'))
    fake = FakeTime()
    lim = limiter(fake, max_rate=2)
    lim.acquire()
    lim.acquire()
    assert fake.sleeps == [0.5]


# -- through the HTTP layer ----------------------------------------------------------

def test_every_attempt_takes_a_turn_and_throttles_reach_the_shared_state(sim, cache):
    fake = FakeTime()
    lim = RateLimiter(('monogoto', sim.url), clock=fake.clock, sleep=fake.sleep)
    http = HttpClient(sim.url + '/monogoto', limiter=lim, sleep=fake.sleep, timeout=5)
    sim.fault(api='monogoto', method='POST', path='^/Auth$', status=429, retry_after=3, times=2)
    data = http.json('POST', '/Auth', json_body={'UserName': USERNAME, 'Password': PASSWORD})
    assert data['token']
    state = lim.snapshot()
    assert state['throttles'] == 2.0 and state['engaged'] == 1.0
    # The retries waited in the limiter (the shared pause), not in a private sleep of their own.
    assert http.api_calls() == {'requests': 3, 'throttled': 2, 'waited_s': pytest.approx(6.0, abs=0.1)}
    summary = http.summary()
    assert summary.startswith('API throttled this task 2 time(s); it waited 6.0 s in total (3 request(s) sent')
    assert 'POST /Auth: HTTP 429 with Retry-After x2' in summary


def test_login_and_calls_of_a_client_take_turns(sim, cache):
    client = MonogotoClient(sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5,
                            max_requests_per_second=1000)
    client.get_thing(VENDOR_ICCID)
    assert client.http.api_calls()['requests'] == 2
    assert client.http.limiter.snapshot()['send_rate'] > 1.0  # both the login and the GET were counted
