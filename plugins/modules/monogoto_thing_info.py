#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing_info
short_description: Read Monogoto SIMs (Things) with their data-session status
version_added: 0.1.0
description:
  - Reads each Thing's information (C(GET /thing/ThingId_ICCID_<iccid>)) and merges it with its data-session
    status (C(GET /thing/status), up to 50 Things per call, paged with C(limit) and C(offset)).
  - Without O(iccids), lists every Thing with C(GET /things), 50 at a time until a short page. That listing call
    is known from public client code only, not from Monogoto's documentation; an answer of another shape fails
    with a message that names what was found.
  - A Thing met on two pages (the list shifted while it was read) is returned once; a page that is more than half
    made of Things already listed (an API that ignores C(offset), pages that repeat) fails instead of paging
    forever, and so does a listing of more than O(max_things) Things. A page with more Things than asked for,
    or a Thing without C(ThingId) and C(ExternalUniqueId), fails too.
  - Fields are returned with the types documented below (C(LockMasterImei) as a bool when the API sends
    C("true") or C("false"), an IMEI or ICCID sent as a number as a string); a value that cannot be converted
    fails naming the field. A status entry of a Thing that was not asked for fails; Things without a status
    entry are returned without one, with a single warning.
  - Status fields are added to each Thing where the Thing has no field of the same name.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccids:
    description:
      - ICCIDs of the SIMs to read, each digits only, 16 to 22 long. Omit to list every Thing.
    type: list
    elements: str
    aliases: [iccid]
  include_status:
    description:
      - Whether to merge each Thing's data-session status (C(ConnectionStatus), C(ActiveSessions), ...).
    type: bool
    default: true
  concurrency:
    description:
      - How many requests to have under way at once (one per ICCID, one per page of 50 statuses, one per page
        of the listing). 1 reads one after another. At most 32.
      - The listing's total is not known beforehand. Its first page is read alone; when it is full, the next pages
        are read this many at a time, ahead of knowing whether they exist, so at most O(concurrency) - 1 requests
        go past the end of the list.
    type: int
    default: 4
  max_things:
    description:
      - The most Things the listing (without O(iccids)) reads; past it the task fails instead of reading on.
      - The listing announces no total, so this bounds the requests an API whose pages never end can cost, at
        most O(max_things) / 50 + 1 pages.
    type: int
    default: 1000000
    version_added: 0.2.0
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
  diff_mode:
    support: none
    description: Reads only, so there is nothing to show.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.monogoto_thing
  - module: fleetops.ping.monogoto_thing_imei
  - module: fleetops.ping.monogoto_thing_state
'''

EXAMPLES = r'''
- name: Read two SIMs with their session status
  fleetops.ping.monogoto_thing_info:
    iccids:
      - "8912372646888991"
      - "8944500102198304826"
  register: sims

- name: Show which SIMs have no data session
  ansible.builtin.debug:
    msg: "{{ sims.things | selectattr('ConnectionStatus', 'eq', 'DISCONNECTED') | map(attribute='iccid') | list }}"

- name: List every Thing of the account, without status
  fleetops.ping.monogoto_thing_info:
    include_status: false
    concurrency: 8
  register: all_sims
'''

RETURN = r'''
things:
  description: One entry per Thing, in the order asked (or listed), its information merged with its status.
  returned: always
  type: list
  elements: dict
  contains:
    iccid:
      description: The ICCID of the Thing.
      type: str
      sample: "8912372646888991"
    ThingId:
      description: The Thing id.
      type: str
      sample: ThingId_ICCID_8912372646888991
    ThingName:
      description: The name of the Thing, as M(fleetops.ping.monogoto_thing) sets it.
      type: str
      sample: trailer-4711
    ThingDescription:
      description: The description of the Thing, as M(fleetops.ping.monogoto_thing) sets it.
      type: str
    IMEI:
      description: The IMEI the SIM reports.
      type: str
    MasterIMEI:
      description: The IMEI the SIM is locked to, if any.
      type: str
    LockMasterImei:
      description: Whether the SIM is locked to its master IMEI.
      type: bool
    State:
      description: Lifecycle state.
      type: str
      sample: ACTIVE
    ConnectionStatus:
      description: C(CONNECTED) when the SIM has an open data session (PDP), else C(DISCONNECTED).
      type: str
      sample: CONNECTED
    ActiveSessions:
      description: Open data sessions.
      type: list
      elements: dict
  sample:
    - iccid: "8912372646888991"
      ThingId: ThingId_ICCID_8912372646888991
      ThingName: ICCID 8912372646888991
      State: ACTIVE
      LockMasterImei: false
      MasterIMEI: ""
      ProvisionStatus: ACTIVE
      ConnectionStatus: CONNECTED
      ActiveSessions: []
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

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_INFO
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING_INFO.module_kwargs()), THING_INFO)


if __name__ == '__main__':
    main()
