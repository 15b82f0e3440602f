# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small client of the simulator's /_sim control endpoints, for tests and benchmarks (stdlib only)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.request import Request, urlopen


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

    def writes(self, api=None):
        return [e for e in self.log() if e['write'] and (api is None or e['api'] == api)]

    def applied_writes(self, api=None, log=None):
        """Writes the API carried out with success (not throttled, not failed, not dropped)."""
        entries = self.log() if log is None else log
        return [e for e in entries if e['write'] and e.get('applied') and (api is None or e['api'] == api)]

    def ratelimit(self, rps, api=None, retry_after=1, burst=None, per='credential'):
        """Limit ``api`` (None: every API) to ``rps`` requests a second per credential; 429 with Retry-After beyond."""
        return self._call('POST', 'ratelimit', {'rps': rps, 'api': api, 'retry_after': retry_after,
                                                'burst': burst, 'per': per})

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
