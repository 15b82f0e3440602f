#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing_ping
short_description: Ping a Monogoto SIM's IP address through the Monogoto network
version_added: 0.1.0
description:
  - Sends C(POST /thing/ThingId_ICCID_<iccid>/ping) with the C(apikey) header and returns every sample and a
    summary. The API answers every value as a string (C("82ms")); they are returned as numbers.
  - When O(ip) is not given, the IP is read from the Thing (C(IPs[].IP), else C(IPv4)).
  - Never reports a change. In check mode nothing is sent at all.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccid:
    description:
      - ICCID of the SIM, digits only, 16 to 22 long.
    type: str
    required: true
  ip:
    description:
      - IPv4 or IPv6 address to ping. Defaults to the Thing's own IP address.
    type: str
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: In check mode the ping is not sent.
  diff_mode:
    support: none
    description: Reads only, so there is nothing to show.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
'''

EXAMPLES = r'''
- name: Ping a SIM at its own IP
  fleetops.ping.monogoto_thing_ping:
    iccid: "8912372646888991"
  register: ping

- name: Fail when the SIM loses more than a third of its packets
  ansible.builtin.assert:
    that: ping.summary.loss_percent < 34
    fail_msg: "{{ ping.summary.loss_percent }}% loss, avg {{ ping.summary.rtt_avg_ms }} ms"
'''

RETURN = r'''
ip:
  description: The address pinged.
  returned: when the ping was sent
  type: str
  sample: 10.140.90.211
samples:
  description: Every sample the API returned, with numbers in place of strings and the raw sample beside them.
  returned: always
  type: list
  elements: dict
  contains:
    host:
      description: Host that answered.
      type: str
    size:
      description: Packet size in bytes.
      type: int
    ttl:
      description: Time to live.
      type: int
    time_ms:
      description: Round-trip time in milliseconds, null for a packet without a time.
      type: float
      sample: 82.0
    sent:
      description: Packets sent so far.
      type: int
    received:
      description: Packets received so far.
      type: int
    packet_loss:
      description: Packet loss as the API gave it.
      type: float
    raw:
      description: The sample as the API sent it.
      type: dict
summary:
  description: Totals over the samples; empty in check mode.
  returned: always
  type: dict
  contains:
    sent:
      description: Packets sent.
      type: int
      sample: 3
    received:
      description: Packets received.
      type: int
      sample: 3
    loss_percent:
      description: Lost packets in percent.
      type: float
      sample: 0.0
    rtt_min_ms:
      description: Smallest round-trip time in ms.
      type: float
      sample: 60.0
    rtt_avg_ms:
      description: Mean round-trip time in ms.
      type: float
      sample: 77.0
    rtt_max_ms:
      description: Largest round-trip time in ms.
      type: float
      sample: 89.0
skipped_ping:
  description: True in check mode, where no ping is sent.
  returned: check mode
  type: bool
api_calls:
  description:
    - What the API calls of the task cost, retries and logins included. See C(docs/rate-limits.md) in the collection.
  returned: always
  type: dict
  contains:
    requests:
      description: Requests sent to the API (every attempt, retries and logins included).
      type: int
      sample: 2
    throttled:
      description: Answers that throttled the task (HTTP 429, or HTTP 503 with C(Retry-After)).
      type: int
      sample: 0
    waited_s:
      description: Seconds the task waited, in the rate limiter shared by every fork and between retries.
      type: float
      sample: 0.0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_PING
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING_PING.module_kwargs()), THING_PING)


if __name__ == '__main__':
    main()
