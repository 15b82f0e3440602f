#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing_imei
short_description: Lock a Monogoto SIM (Thing) to one device IMEI, or release it
version_added: 0.1.0
description:
  - Reads the Thing C(ThingId_ICCID_<iccid>), compares its C(LockMasterImei) and C(MasterIMEI) with what is asked,
    and only when they differ sends C(PUT /thing/update/) with the C(cas) value it read.
  - If another writer changed the Thing between the read and the write, the API refuses the update (a CAS
    conflict, HTTP 409 or 412); the module then reads the Thing again and retries once.
  - An unchanged Thing costs exactly one API request (beside a login, when no cached token is valid).
  - "On a host of the C(fleetops.ping.monogoto) inventory plugin, the Thing the inventory listed (with its C(cas))
    stands in for the read while it is younger than O(reading_max_age): an unchanged Thing then costs no request
    at all, and a change is one C(PUT) with the listed C(cas) and no read. If the Thing changed since it was
    listed, that C(PUT) meets a CAS conflict and the module reads it again and retries once, as above: a stale
    listing can cost a retry, never a lost update. With O(lock=true), no O(imei) and no master IMEI yet, the
    Thing is read from the API before the write, so that the lock goes to the IMEI the SIM reports now."
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccid:
    description:
      - ICCID of the SIM, digits only, 16 to 22 long. The Thing id is C(ThingId_ICCID_<iccid>).
    type: str
    required: true
  imei:
    description:
      - The device IMEI to lock the SIM to, 15 digits with a valid Luhn check digit.
      - A 16-digit IMEISV is not accepted; give the 15-digit IMEI of the device.
      - An empty string clears the master IMEI (only with O(lock=false)).
      - Omitted with O(lock=true), the SIM is locked to the IMEI it reports now (C(IMEI) of the Thing); if it is
        already locked to a master IMEI, that lock is kept, so a SIM moved into another device is not re-locked
        to it. The module fails when the Thing reports no IMEI.
      - Omitted with O(lock=false), the master IMEI is left as it is and only the lock is released.
    type: str
  lock:
    description:
      - Whether the SIM may only work in the device with the master IMEI (C(LockMasterImei)).
    type: bool
    required: true
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
  - fleetops.ping.reading
attributes:
  check_mode:
    support: full
    description: In check mode the Thing is read (or taken from a young enough inventory reading), never written.
  diff_mode:
    support: full
    description: Shows C(LockMasterImei) and C(MasterIMEI) before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.monogoto_thing_info
'''

EXAMPLES = r'''
- name: Lock a tracker's SIM to its modem
  fleetops.ping.monogoto_thing_imei:
    iccid: "8944500102198304826"
    imei: "356938035643809"
    lock: true
  delegate_to: localhost

- name: Lock every SIM of the inventory to the device it is in now
  fleetops.ping.monogoto_thing_imei:
    iccid: "{{ sim_iccid }}"
    lock: true
  delegate_to: localhost

- name: Release a SIM and clear its master IMEI before it moves to a new device
  fleetops.ping.monogoto_thing_imei:
    iccid: "8944500102198304826"
    imei: ""
    lock: false
  delegate_to: localhost

- name: Credentials once for a block (or a play) through the action group
  module_defaults:
    group/fleetops.ping.monogoto:
      username: "{{ vault_monogoto_user }}"
      password: "{{ vault_monogoto_password }}"
  block:
    - name: Enforce the IMEI lock
      fleetops.ping.monogoto_thing_imei:
        iccid: "{{ sim_iccid }}"
        imei: "{{ device_imei }}"
        lock: true
      delegate_to: localhost

# On the hosts of the fleetops.ping.monogoto inventory plugin (one host per SIM, connection local), each task
# compares against the Thing the inventory listed: SIMs that are already locked cost no request.
- name: Lock every SIM of the inventory to the IMEI its device reports
  fleetops.ping.monogoto_thing_imei:
    iccid: "{{ monogoto_iccid }}"
    lock: true

- name: Always read the Thing from the API in this block, never from the inventory listing
  module_defaults:
    group/fleetops.ping.all:
      reading_max_age: 0
  block:
    - name: Release the lock
      fleetops.ping.monogoto_thing_imei:
        iccid: "{{ monogoto_iccid }}"
        lock: false
'''

RETURN = r'''
reading:
  description:
    - Where the comparison came from. C(source) is V(api) when the module read the object from the API, or
      V(inventory) when it compared against the inventory reading (see O(reading_max_age)); then C(read_at) is
      the epoch time the inventory read it and C(age_s) its age in seconds when it was judged (at the start of
      the run, see O(reading_max_age)).
  returned: success
  type: dict
  sample:
    source: inventory
    read_at: 1764000000.5
    age_s: 12.3
thing:
  description:
    - The Thing as it stands after the task (read again after a write). In check mode, the Thing as read with
      the values that would be written.
  returned: success
  type: dict
  sample:
    ThingId: ThingId_ICCID_8912372646888991
    ExternalUniqueId: "8912372646888991"
    IMEI: "356938035643809"
    MasterIMEI: "356938035643809"
    LockMasterImei: true
    State: ACTIVE
    cas: "1236781245913489491"
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

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_IMEI
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING_IMEI.module_kwargs()), THING_IMEI)


if __name__ == '__main__':
    main()
