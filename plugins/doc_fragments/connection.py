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
      - Seconds to wait for the API to answer one request (the connect timeout is the smaller of this and 10).
      - Requests that fail on a connection error, or with HTTP 429, 502, 503 or 504, are retried up to three
        times with capped, jittered exponential backoff that honours C(Retry-After); each retry is shown as a
        warning. A request that may change something is resent after a read timeout or a gateway error only
        where the API makes that safe.
    type: float
    default: 30
notes:
  - "When the task runs on the controller (C(connection: local) or C(delegate_to: localhost)), the module's logic
    runs inside the controller's worker process, which is much faster over large inventories and returns the
    same result. Set E(FLEETOPS_PING_IN_PROCESS=0) to run it as a separate module process instead."
  - Common options such as O(timeout) can be set for every module of the collection with C(module_defaults) and
    the action group C(group/fleetops.ping.all).
requirements:
  - requests
'''
