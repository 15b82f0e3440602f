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
      - Base URL of ping.pl's API, version included; each method is called as C(<api_url>/<method>).
      - Falls back to the E(PINGPL_API_URL) environment variable.
    type: str
    default: https://api.ping.pl/1.0
  token:
    description:
      - The ping.pl API key, generated in the ping.pl user panel (C(Udostępnianie i API / API)).
      - It is sent as the form field C(token) in the body of a C(POST), never in a URL.
      - Required, here or in the environment.
      - Falls back to the E(PINGPL_TOKEN) environment variable.
    type: str
notes:
  - ping.pl answers every call with a JSON object of two parts, C(header) and C(data). A C(header.status) other
    than C(OK) is a failure even when the HTTP status is 200; the failure message names the API method, the HTTP
    status and every field the header holds.
  - ping.pl documents every date as Polish time, C(UTC+01:00), in the form C(yyyy-mm-dd hh:mm:ss). Dates are
    returned as the API gave them, and each date field C(<name>) also as C(<name>_iso) in ISO 8601 with the
    documented offset C(+01:00) (a bare date C(yyyy-mm-dd) stays a date). The API may in fact follow Polish
    summer time (C(+02:00)); the offset used is the one the API documents.
  - Every ping.pl method is safe to repeat, so its requests are also resent after a read timeout or a gateway
    error (see O(timeout)).
  - All options of this fragment can be set once for a play with C(module_defaults) and the action group
    C(group/fleetops.ping.pingpl).
'''
