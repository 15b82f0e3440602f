# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # What every inventory plugin of the collection shares: connection options (with environment variables,
    # as inventory options take them), hostnames, duplicates, concurrency, templating.
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
        smaller of this and 10); an answer that trickles in more slowly fails as a timeout.
      - Failed requests are retried as the modules of the collection retry them (see O(retry_time_budget)), so one
        request, retries included, ends within O(retry_time_budget) + O(timeout) seconds.
      - An answer larger than 16 MiB fails the inventory in one line, unread.
    type: float
    default: 30
  max_requests_per_second:
    description:
      - A fixed ceiling on the requests per second sent to one API endpoint with one account, shared with every
        module and plugin of the collection on the controller.
      - Unset means no fixed ceiling; O(adaptive_rate_limit) still slows down when the API throttles.
    type: float
    env:
      - name: FLEETOPS_PING_MAX_REQUESTS_PER_SECOND
  adaptive_rate_limit:
    description:
      - When the API throttles (HTTP 429, or HTTP 503 with C(Retry-After)), lower the request rate and wait for
        C(Retry-After), then let the rate grow back as requests succeed.
    type: bool
    default: true
    env:
      - name: FLEETOPS_PING_ADAPTIVE_RATE_LIMIT
  retry_time_budget:
    description:
      - Seconds one call may spend retrying answers that mean the request was not processed (HTTP 429, HTTP 503
        with C(Retry-After), a refused connection), waits included, before the inventory fails. Other transient
        failures are retried at most three times, and not past this budget either.
    type: float
    default: 300
    env:
      - name: FLEETOPS_PING_RETRY_TIME_BUDGET
  concurrency:
    description:
      - How many pages of the listing (and of the enrichment, where there is one) are read at once, from 1 to 32.
      - The number of requests does not depend on it; only the wall time does.
    type: int
    default: 4
  duplicate_hostnames:
    description:
      - What to do when two objects get the same host name from O(hostnames).
      - V(fail) stops with an error naming the host name and both objects.
      - V(warn) keeps the first object under that name, leaves the other out of the inventory and says so in a
        warning.
    type: str
    choices: [fail, warn]
    default: fail
notes:
  - Every option of the configuration file can be a template, evaluated once per inventory run with the extra vars
    (C(-e)) as variables, so that vault-encrypted values, lookups (for example
    C("{{ lookup('env', 'SIM_URL') }}/monogoto")) and extra vars all work. O(compose), O(groups),
    O(keyed_groups) and O(hostnames) are evaluated per host instead.
  - Secrets (passwords, tokens, client secrets, keys) never appear in the inventory, in the cache, in a warning or
    in an error; the cache key holds only a keyed digest of them (see O(cache)).
  - "Every host gets C(ansible_connection: local), so that the collection's modules run on the controller, in
    process; O(compose) can override it."
  - Failures (bad credentials, an unreachable API, an answer that cannot be read, a filter of the wrong type) stop
    the inventory with one line naming the plugin, the API call, the HTTP status and the API's own message.
  - The cache (O(cache)) holds the API's answers as they were read, and O(compose), O(groups), O(keyed_groups) and
    O(hostnames) are applied to them again on every run, so that changing those needs no refresh. The cache key is
    made of the plugin's name, the API URL, the account, a keyed digest of the secret (an HMAC under a random
    per-user key, never the secret or a plain hash of it), the filters and a format version; another account,
    secret, API or filter never reuses an entry.
requirements:
  - requests
'''

    MONOGOTO_API = r'''
options:
  api_url:
    description:
      - Base URL of the Monogoto console API.
    type: str
    default: https://console.monogoto.io
    env:
      - name: MONOGOTO_API_URL
  token:
    description:
      - "A login token obtained elsewhere, sent as C(Authorization: Bearer <token>)."
    type: str
    env:
      - name: MONOGOTO_TOKEN
  username:
    description:
      - Monogoto user name, used with O(password) to log in with C(POST /Auth).
      - The token a login returns is kept in the collection's token cache and shared with its modules.
    type: str
    env:
      - name: MONOGOTO_USERNAME
  password:
    description:
      - Password for O(username).
    type: str
    env:
      - name: MONOGOTO_PASSWORD
  customer_id:
    description:
      - Customer id (the C(apikey) header of some calls); not needed for the listing, accepted so that the same
        settings serve the modules and the inventory.
    type: str
    env:
      - name: MONOGOTO_CUSTOMER_ID
'''

    PINGASSET_API = r'''
options:
  api_url:
    description:
      - Base URL of the PING asset customer API.
    type: str
    default: https://api.pingasset.com
    env:
      - name: PINGASSET_API_URL
  client_id:
    description:
      - Client id of a PING asset OAuth2 application with the client credentials grant, used with
        O(client_secret) to obtain an access token, kept in the collection's token cache and shared with its
        modules.
    type: str
    env:
      - name: PINGASSET_CLIENT_ID
  client_secret:
    description:
      - Client secret of the application named by O(client_id).
    type: str
    env:
      - name: PINGASSET_CLIENT_SECRET
  access_token:
    description:
      - An access token obtained elsewhere, sent as a bearer token.
    type: str
    env:
      - name: PINGASSET_ACCESS_TOKEN
'''

    PINGPL_API = r'''
options:
  api_url:
    description:
      - Base URL of ping.pl's API, version included.
    type: str
    default: https://api.ping.pl/1.0
    env:
      - name: PINGPL_API_URL
  token:
    description:
      - The ping.pl API key, sent as the form field C(token) in the body of a C(POST), never in a URL.
    type: str
    env:
      - name: PINGPL_TOKEN
'''
