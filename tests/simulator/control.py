# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small client of the simulator's /_sim control endpoints, for tests and benchmarks (stdlib only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import time
from urllib.request import Request, urlopen

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class SimControl:
    def __init__(self, base_url):
        self.base_url = base_url.rstrip('/')

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode('utf-8') if body is not None else None
        req = Request(self.base_url + '/_sim/' + path, data=data, method=method,
                      headers={'Content-Type': 'application/json'})
        with urlopen(req, timeout=10) as resp:  # nosec - loopback only
            raw = resp.read()
        return json.loads(raw.decode('utf-8')) if raw else None

    def log(self, since=0):
        return self._call('GET', 'log?since=%d' % since)

    def clear_log(self):
        self._call('DELETE', 'log')

    def fault(self, **rule):
        return self._call('POST', 'faults', rule)

    def hostile(self, mode, **rule):
        """A hostile answer (tests/simulator/hostile.py), e.g. ``hostile('trickle_body', api='monogoto', path='^/things$')``."""
        rule.update(kind='hostile', mode=mode)
        return self._call('POST', 'faults', rule)

    def clear_faults(self):
        self._call('DELETE', 'faults')

    def latency(self, seconds):
        return self._call('POST', 'latency', {'seconds': seconds})

    def reset(self):
        self._call('POST', 'reset')

    def expire_tokens(self):
        self._call('POST', 'expire-tokens')

    def state(self, api):
        return self._call('GET', 'state/' + api)

    def monogoto_lock(self, thing_ids, lock=True):
        """Test set-up through the Monogoto API itself: lock each Thing to the IMEI it reports (or release it).

        Call it before any rate limit or fault is set; it logs in with the simulator's demo account.
        """
        from .monogoto import PASSWORD, USERNAME  # pylint: disable=import-outside-toplevel
        things = self.state('monogoto')['things']
        token = self._api('POST', '/monogoto/Auth', {'UserName': USERNAME, 'Password': PASSWORD})['token']
        for tid in thing_ids:
            thing = things[tid]
            self._api('PUT', '/monogoto/thing/update/', {'ThingId': tid, 'cas': thing['cas'], 'LockMasterImei': lock,
                                                         'MasterIMEI': thing['IMEI'] if lock else ''}, token)

    def _api(self, method, path, body, token=None):
        headers = {'Content-Type': 'application/json'}
        if token:
            headers['Authorization'] = 'Bearer ' + token
        req = Request(self.base_url + path, data=json.dumps(body).encode('utf-8'), method=method, headers=headers)
        with urlopen(req, timeout=10) as resp:  # nosec - loopback only
            raw = resp.read().decode('utf-8')
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    def writes(self, api=None):
        return [e for e in self.log() if e['write'] and (api is None or e['api'] == api)]

    def applied_writes(self, api=None, log=None):
        """Writes the API carried out with success (not throttled, not failed, not dropped)."""
        entries = self.log() if log is None else log
        return [e for e in entries if e['write'] and e.get('applied') and (api is None or e['api'] == api)]

    def ratelimit(self, rps, api=None, retry_after=1, burst=None, per='credential', style=None, headers=None,
                  retry_after_format=None, concurrency=None):
        """Limit ``api`` (None: every API) to ``rps`` requests a second per credential; 429 with Retry-After beyond.

        ``style``: bucket (default), fixed, sliding, gcra or concurrency; ``headers``: none, x or ietf;
        ``retry_after_format``: seconds or date; ``concurrency``: requests in flight of the concurrency style.
        """
        body = {'rps': rps, 'api': api, 'retry_after': retry_after, 'burst': burst, 'per': per}
        for key, value in (('style', style), ('headers', headers), ('retry_after_format', retry_after_format),
                           ('concurrency', concurrency)):
            if value is not None:
                body[key] = value
        return self._call('POST', 'ratelimit', body)

    def ratelimit_status(self):
        """The rate limit in force with its ``accepted`` and ``throttled`` counts, or None."""
        return self._call('GET', 'ratelimit')

    def clear_ratelimit(self):
        self._call('DELETE', 'ratelimit')

    def intermittent(self, every=None, probability=None, **rule):
        """An intermittent fault rule, e.g. ``intermittent(every=23, status=503)`` or ``(probability=0.1, kind='reset')``."""
        if every is not None:
            rule['every'] = every
        if probability is not None:
            rule['probability'] = probability
        rule.setdefault('times', -1)
        return self._call('POST', 'faults', rule)


def fresh_control(simulator, url):
    """A SimControl of an in-process simulator, reset and without latency, that also carries ``url`` and ``sim``."""
    control = SimControl(url)
    control.reset()
    simulator.latency = 0.0
    control.url = url
    control.sim = simulator
    return control


def start_simulator(work, things, extra_args=(), timeout=30):
    """``python -m tests.simulator`` in a subprocess on a free port; returns (process, base URL).

    ``extra_args``: more command-line arguments (``--latency``, ``--rate-limit``, ...).
    """
    port_file = os.path.join(work, 'sim-url')
    proc = subprocess.Popen([sys.executable, '-m', 'tests.simulator', '--port', '0', '--things', str(things),
                             '--port-file', port_file] + list(extra_args), cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while not os.path.exists(port_file):
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise RuntimeError('the simulator did not start')
        time.sleep(0.05)
    with open(port_file) as handle:
        return proc, handle.read().strip()


def stop_simulator(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def collections_path(work, root=ROOT):
    """A directory whose ansible_collections/fleetops/ping is ``root``."""
    parts = root.split(os.sep)
    if parts[-3:-2] == ['ansible_collections'] and parts[-2:] == ['fleetops', 'ping']:
        return os.sep.join(parts[:-3])
    path = os.path.join(work, 'collections')
    if not os.path.isdir(os.path.join(path, 'ansible_collections', 'fleetops', 'ping')):
        os.makedirs(os.path.join(path, 'ansible_collections', 'fleetops'))
        os.symlink(root, os.path.join(path, 'ansible_collections', 'fleetops', 'ping'))
    return path
