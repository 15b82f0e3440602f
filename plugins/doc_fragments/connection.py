# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options every module shares, whatever its API.
    DOCUMENTATION = r'''
options:
  validate_certs:
    description:
      - Whether to verify the API's TLS certificate.
    type: bool
    default: true
  timeout:
    description:
      - Seconds one request may take, from connecting to the last byte of the answer (the connect timeout is the
        smaller of this and 10). An answer that has not arrived in full by then, however slowly it trickles in,
        fails the request as a timeout, and its connection is not used again.
      - An answer that means the request was not processed (HTTP 429, HTTP 503 with C(Retry-After), a refused
        connection) is retried until O(retry_time_budget) runs out. Other transient failures (a connection error,
        a timeout, HTTP 502, 503 or 504) are retried up to three times with capped, jittered exponential backoff,
        and only while O(retry_time_budget) lasts. A request that may change something is resent after a read
        timeout or a gateway error only where the API makes that safe. A task that was throttled or retried shows
        one warning that sums it up.
      - So one request, retries included, ends within O(retry_time_budget) + O(timeout) seconds; with
        O(retry_time_budget=0), within 4 x O(timeout) plus the pauses between the attempts (3.5 seconds in all,
        or what C(Retry-After) asks, at most 30 seconds a pause).
      - An answer larger than 16 MiB fails the request in one line, unread (no legitimate answer of the three APIs
        comes near it; see the API guides in C(docs/)).
    type: float
    default: 30
  max_requests_per_second:
    description:
      - A fixed ceiling on the requests per second sent to one API endpoint with one account, shared by every
        fork, task and plugin of the controller (logins and retries included).
      - Unset means no fixed ceiling; O(adaptive_rate_limit) still slows down when the API throttles.
      - If not set, the value of the E(FLEETOPS_PING_MAX_REQUESTS_PER_SECOND) environment variable is used.
      - See C(docs/rate-limits.md) in the collection for running against rate-limited APIs at scale.
    type: float
  adaptive_rate_limit:
    description:
      - When the API throttles (HTTP 429, or HTTP 503 with C(Retry-After)), lower the request rate shared by every
        fork to 0.7 times the rate that was measured, pause every fork until C(Retry-After) has passed, and let the
        rate grow back over the following seconds (see O(max_requests_per_second) for a fixed ceiling).
      - If not set, the value of the E(FLEETOPS_PING_ADAPTIVE_RATE_LIMIT) environment variable is used.
    type: bool
    default: true
  retry_time_budget:
    description:
      - Seconds one call may spend retrying answers that mean the request was not processed (HTTP 429, HTTP 503
        with C(Retry-After), a refused connection), waits included, before the task fails. Other transient
        failures are retried at most three times, and not past this budget either.
      - C(0) retries those answers only as often as other transient failures (three times).
      - If not set, the value of the E(FLEETOPS_PING_RETRY_TIME_BUDGET) environment variable is used.
    type: float
    default: 300
notes:
  - "When the task runs on the controller (C(connection: local) or C(delegate_to: localhost)), the module's logic
    runs inside the controller's worker process, which is much faster over large inventories and returns the
    same result. Set E(FLEETOPS_PING_IN_PROCESS=0) to run it as a separate module process instead."
  - Common options such as O(timeout) can be set for every module of the collection with C(module_defaults) and
    the action group C(group/fleetops.ping.all).
requirements:
  - requests
'''
