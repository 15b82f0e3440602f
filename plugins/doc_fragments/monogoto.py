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
      - Base URL of the Monogoto console API.
      - Falls back to the E(MONOGOTO_API_URL) environment variable.
    type: str
    default: https://console.monogoto.io
  token:
    description:
      - "A login token obtained elsewhere, sent as C(Authorization: Bearer <token>)."
      - When O(username) and O(password) are given too, a token the API rejects is replaced by a new login.
      - Falls back to the E(MONOGOTO_TOKEN) environment variable.
    type: str
  username:
    description:
      - Monogoto user name, used with O(password) to log in with C(POST /Auth).
      - The token a login returns is kept in a cache file (mode 0600, in C(~/.cache/fleetops.ping), or
        E(FLEETOPS_PING_CACHE_DIR)) keyed by API URL, user and a keyed digest of the password, and reused by
        later tasks and hosts until the API rejects it; then the module logs in again, once. The password is
        never written there, nor a plain hash of it; a cached token is only used with the password that
        obtained it, so a wrong password fails with the API's own answer to the login, and a changed one takes
        effect in the next task. Set E(FLEETOPS_PING_TOKEN_CACHE=0) to disable the cache.
      - Falls back to the E(MONOGOTO_USERNAME) environment variable.
    type: str
  password:
    description:
      - Password for O(username).
      - Falls back to the E(MONOGOTO_PASSWORD) environment variable.
    type: str
  customer_id:
    description:
      - Customer id, sent as the C(apikey) header where the API asks for it (ping).
      - Defaults to the C(CustomerId) the login returns.
      - It is not treated as a secret, since the API returns it in every Thing's information.
      - Falls back to the E(MONOGOTO_CUSTOMER_ID) environment variable.
    type: str
notes:
  - All options of this fragment can be set once for a play with C(module_defaults) and the action group
    C(group/fleetops.ping.monogoto).
'''
