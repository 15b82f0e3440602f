# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the PING asset customer API.
      - Falls back to the E(PINGASSET_API_URL) environment variable.
    type: str
    default: https://api.pingasset.com
  client_id:
    description:
      - Client id of a PING asset OAuth2 application with the client credentials grant, used with O(client_secret)
        to obtain an access token with C(POST /auth/token/).
      - The access token is kept in a cache file (mode 0600, in C(~/.cache/fleetops.ping), or
        E(FLEETOPS_PING_CACHE_DIR)) keyed by API URL, client id and a keyed digest of the client secret, and
        reused by later tasks and hosts until the C(expires_in) the API gave with it runs out, or until the API
        rejects it with HTTP 401; then one new token is obtained. The client secret is never written there, nor a
        plain hash of it; a cached token is only used with the secret that obtained it, so a wrong secret fails
        with the API's own answer to the token request, and a rotated one takes effect in the next task. Set
        E(FLEETOPS_PING_TOKEN_CACHE=0) to disable the cache.
      - Falls back to the E(PINGASSET_CLIENT_ID) environment variable.
    type: str
  client_secret:
    description:
      - Client secret of the application named by O(client_id).
      - Falls back to the E(PINGASSET_CLIENT_SECRET) environment variable.
    type: str
  access_token:
    description:
      - An access token obtained elsewhere (for example with the authorization code grant), sent in the
        C(Authorization) header as a bearer token.
      - When O(client_id) and O(client_secret) are given too, a token the API rejects with HTTP 401 is replaced
        by one obtained with them; otherwise the 401 is reported.
      - Falls back to the E(PINGASSET_ACCESS_TOKEN) environment variable.
    type: str
notes:
  - All options of this fragment can be set once for a play with C(module_defaults) and the action group
    C(group/fleetops.ping.pingasset).
  - 'Validation errors of the API (an object of field names, each with a list of messages, and C(non_field_errors))
    are reported as one line, for example C(POST /1.0/configurations/customer/: HTTP 400 Bad Request: name: This field
    is required.; non_field_errors: ...).'
  - The vendor's documentation shows C(expires_in) of the token answer as a token-like string, not a number of
    seconds. A number (or a string of digits) is used as the lifetime; anything else is reported in a warning,
    and the token is then used until the API rejects it.
  - Rate limits are not documented; HTTP 429 is retried as described under O(timeout).
'''
