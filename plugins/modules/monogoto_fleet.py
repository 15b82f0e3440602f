#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_fleet
short_description: Bring a whole fleet of Monogoto SIMs (Things) to their IMEI lock, name, description and state in one task
version_added: 0.2.0
description:
  - One task for many SIMs, at the cost of the listing. Reads every Thing of the account with the listing
    C(GET /things) (50 Things a request, O(concurrency) pages at a time), compares each SIM asked for with the Thing
    listed, and writes only what differs, O(concurrency) SIMs at a time. A fleet that is already right costs the
    listing and a login, and nothing per SIM.
  - Each SIM's wishes mean exactly what they mean in M(fleetops.ping.monogoto_thing_imei) (C(lock), C(imei)),
    M(fleetops.ping.monogoto_thing) (C(name), C(description)) and M(fleetops.ping.monogoto_thing_state) (C(state)),
    and are compared and written by the same code. The name and the description are each one more
    C(PUT /thing/update/) with the C(cas), after the lock; an update after another one reads the Thing again for
    its new C(cas). The lock is
    written with C(PUT /thing/update/) and the C(cas) of the listing; a CAS conflict (HTTP 409 or 412, the Thing
    changed since it was listed) reads that one Thing again with C(GET /thing/<id>), compares again and retries
    once. The state is written with C(PUT /thing/<id>/state/). When a SIM needs both, the lock is written first.
  - A write the API answers with success but without what Monogoto documents for success is checked by reading the
    Thing again; it counts as a change only when the Thing shows it (with a warning), else it is a failure of that SIM.
  - A SIM that cannot be brought to its state (the API refuses, an ICCID not in the account, a lock to the IMEI the
    SIM reports when it reports none) does not stop the others. After applying what it could, the task fails with a
    one-line message naming how many SIMs failed and the first failures; C(failures) lists them all. A rerun
    converges, since only what still differs is written.
  - Bad input fails before any request is sent, naming the entry. That is a malformed ICCID or IMEI, an unknown state, an
    unknown key, a name or description that is not text, a name of blanks only, a name in O(defaults), an entry that
    manages nothing, O(things[].imei) without O(things[].lock), C(imei="") with C(lock=true), the same ICCID twice
    with different wishes (twice with the same wishes is one SIM), no SIM at all.
  - Every request goes through the collection's shared rate limiter and retries (see the connection options), so a
    fleet task and other tasks of the controller share one request rate per account.
  - "The result stays small however large the fleet: a C(summary), one entry in C(changes) per changed SIM and one
    in C(failures) per failed SIM, never an entry per unchanged SIM. See C(docs/fleet.md) in the collection for
    when to use this module rather than a host per SIM, and for check mode with the drift gate in CI."
author:
  - fleetops.ping maintainers (@fleetops)
options:
  things:
    description:
      - The SIMs and what each must be, one dict per SIM. The keys are checked before any request, each error naming
        the entry (for example C(things[12].imei)).
      - Keys an entry does not set are taken from O(defaults).
      - The list of C(ansible.builtin.read_csv) fits as it is; its values are strings, and C(lock) is converted as
        Ansible converts a boolean (C("true"), C("yes"), C("1") ...). An empty C(lock) or C(state) cell sets
        nothing; an empty C(imei) cell clears the master IMEI, so leave the C(imei) column out of a file that gives
        no IMEIs.
    type: list
    elements: dict
    suboptions:
      iccid:
        description:
          - ICCID of the SIM, digits only, 16 to 22 long. The Thing id is C(ThingId_ICCID_<iccid>).
        type: str
        required: true
      imei:
        description:
          - The device IMEI to lock the SIM to, 15 digits with a valid Luhn check digit (not a 16-digit IMEISV).
          - An empty string clears the master IMEI (only with C(lock=false)).
          - Needs C(lock), in the entry or in O(defaults), as in M(fleetops.ping.monogoto_thing_imei), whose
            O(fleetops.ping.monogoto_thing_imei#module:lock) is required.
          - Omitted with C(lock=true), the SIM is locked to the IMEI it reports in the listing (C(IMEI) of the
            Thing), and an existing master IMEI is kept; the SIM fails when it reports none. Omitted with
            C(lock=false), the master IMEI is left as it is.
        type: str
      lock:
        description:
          - Whether the SIM may only work in the device with the master IMEI (C(LockMasterImei)).
          - Omitted (here and in O(defaults)), the lock and the master IMEI are not managed.
        type: bool
      name:
        description:
          - The name the SIM must have (C(ThingName)), compared exactly, as O(fleetops.ping.monogoto_thing#module:name).
          - An empty value (a blank CSV cell) sets nothing; omitted, the name is not managed. Not taken from
            O(defaults), since every SIM would get the same name.
        type: str
      description:
        description:
          - The description the SIM must have (C(ThingDescription)), compared exactly.
          - An empty value (a blank CSV cell) sets nothing, so a file with blank descriptions wipes none; clear a
            description with M(fleetops.ping.monogoto_thing) and O(fleetops.ping.monogoto_thing#module:description="").
          - Omitted (here and in O(defaults)), the description is not managed.
        type: str
      state:
        description:
          - The lifecycle state the SIM must be in. Omitted (here and in O(defaults)), the state is not managed.
          - Whether a transition is allowed (for example out of C(RETIRED)) is the API's decision; a refusal is a
            failure of that SIM.
        type: str
        choices: [ACTIVE, SUSPENDED]
  iccids:
    description:
      - More SIMs by ICCID alone, each taking O(defaults). The hosts of a group of the C(fleetops.ping.monogoto)
        inventory are named by ICCID by default, so C(groups['<group>']) is such a list.
      - A SIM may be in both O(things) and O(iccids), or several times in either, as long as its wishes are the same.
    type: list
    elements: str
  defaults:
    description:
      - Wishes for every entry of O(things) that does not set them, and for every SIM of O(iccids).
    type: dict
    suboptions:
      imei:
        description:
          - As O(things[].imei).
        type: str
      lock:
        description:
          - As O(things[].lock).
        type: bool
      description:
        description:
          - As O(things[].description).
        type: str
      state:
        description:
          - As O(things[].state).
        type: str
        choices: [ACTIVE, SUSPENDED]
  concurrency:
    description:
      - How many requests are under way at once, from 1 to 32. They are pages of the listing, then the SIMs being written
        (one SIM's writes go one after another).
      - The listing's total is not known beforehand; its first page is read alone, then O(concurrency) pages at a
        time, so at most O(concurrency) - 1 requests go past the end of the list.
      - The rate limiter still applies; with O(max_requests_per_second) set, it bounds the rate whatever this is.
    type: int
    default: 8
  max_things:
    description:
      - The most Things the listing reads; past it the task fails before any write instead of reading on.
      - The listing announces no total, so this bounds the requests an API whose pages never end can cost, at
        most O(max_things) / 50 + 1 pages. Raise it for an account of more than a million SIMs.
    type: int
    default: 1000000
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: In check mode the listing is read and nothing is written; C(changes) lists what would change.
  diff_mode:
    support: full
    description: One diff entry per changed SIM, with the lock, name, description and state it manages before and after.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
notes:
  - The listing C(GET /things) is known from public client code only, not from Monogoto's documentation; an answer of
    another shape fails naming what was found. A listed Thing that does not show the lock (no C(LockMasterImei)) or
    the state (no C(State)) is read with C(GET /thing/<id>) or C(GET /thing/<id>/state/) instead, one request each.
  - The state call carries no C(cas), so nothing guards it against a change made by someone else between the listing
    and the write, exactly as with M(fleetops.ping.monogoto_thing_state).
  - "Run it once for the fleet, on the controller: C(run_once: true) in a play over the inventory's hosts, or a play
    on C(localhost)."
seealso:
  - module: fleetops.ping.monogoto_thing_imei
  - module: fleetops.ping.monogoto_thing
  - module: fleetops.ping.monogoto_thing_state
  - module: fleetops.ping.monogoto_thing_info
  - plugin: fleetops.ping.monogoto
    plugin_type: inventory
'''

EXAMPLES = r'''
# From the fleetops.ping.monogoto inventory (hosts named by ICCID, the default): every SIM of the group
# "trackers" locked to the device it reports and active, every SIM of "spares" suspended. Each task reads the
# listing once; a fleet that is already right costs nothing more. Credentials as for every module of the
# collection (module_defaults with group/fleetops.ping.monogoto, or MONOGOTO_* environment variables).
- name: Lock every tracker SIM to its device and keep it active
  fleetops.ping.monogoto_fleet:
    iccids: "{{ groups['trackers'] | difference(groups['spares'] | default([])) }}"
    defaults:
      lock: true
      state: ACTIVE
  run_once: true
  delegate_to: localhost

- name: Keep the spare SIMs suspended
  fleetops.ping.monogoto_fleet:
    iccids: "{{ groups['spares'] }}"
    defaults:
      state: SUSPENDED
  run_once: true
  delegate_to: localhost
  when: groups['spares'] | default([]) | length > 0

# Hosts named otherwise (for example by the Thing's name): take the ICCID from the host vars.
- name: Lock the SIMs of the group rollout
  fleetops.ping.monogoto_fleet:
    iccids: "{{ groups['rollout'] | map('extract', hostvars, 'monogoto_iccid') | list }}"
    defaults:
      lock: true
  run_once: true
  delegate_to: localhost

# From a CSV file with the columns iccid,lock,state (ansible.builtin.read_csv gives strings: "true" is a bool here).
#   iccid,lock,state
#   8944500100000000012,true,ACTIVE
#   8944500100000000020,false,SUSPENDED
#   8944500100000000038,,ACTIVE        <- an empty cell sets nothing: the lock of this SIM is not managed
- name: Read the fleet's desired state from a CSV file
  ansible.builtin.read_csv:
    path: sims.csv
  register: sims
  delegate_to: localhost
  run_once: true

- name: Bring every SIM of the CSV file to its state
  fleetops.ping.monogoto_fleet:
    things: "{{ sims.list }}"
  run_once: true
  delegate_to: localhost

# Name each SIM after its device, from a vars file; every SIM described as a tracker of depot Rotterdam.
#   devices:
#     - {iccid: "8944500100000000012", name: "trailer-4711"}
#     - {iccid: "8944500100000000020", name: "trailer-4712"}
- name: Name and describe the SIMs of the depot
  fleetops.ping.monogoto_fleet:
    things: "{{ devices }}"
    defaults:
      description: Tracker, depot Rotterdam
  run_once: true
  delegate_to: localhost

# From a vars file (sims.yml):
#   fleet:
#     - {iccid: "8944500100000000012", imei: "356938035643809", lock: true, state: ACTIVE}
#     - {iccid: "8944500100000000020", lock: true}
#     - {iccid: "8944500100000000038", state: SUSPENDED}
#     - {iccid: "8944500100000000046", imei: "", lock: false}     # release it and clear its master IMEI
- name: Read the fleet's desired state from a vars file
  ansible.builtin.include_vars:
    file: sims.yml

- name: Bring every SIM of the vars file to its state, every SIM not saying otherwise active
  fleetops.ping.monogoto_fleet:
    things: "{{ fleet }}"
    defaults:
      state: ACTIVE
  register: fleet_result

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ fleet_result.summary.changed }} of {{ fleet_result.summary.things }} SIMs changed"

# In CI: ansible-playbook fleet.yml --check --diff with the drift gate (ANSIBLE_CALLBACKS_ENABLED=fleetops.ping.drift)
# reports each SIM that would change, with its before and after, and writes nothing (docs/fleet.md).

# A fleet that failed in part: the rest was applied; rerun after fixing the cause, or look at the failures.
- name: Lock the fleet, and go on when some SIMs cannot be locked
  fleetops.ping.monogoto_fleet:
    things: "{{ fleet }}"
  register: locked
  ignore_errors: true

- name: List the SIMs that failed
  ansible.builtin.debug:
    msg: "{{ locked.failures | map(attribute='iccid') | list }}"
  when: locked is failed
'''

RETURN = r'''
summary:
  description:
    - How many SIMs the task was about (O(things) and O(iccids) after merging repeated ICCIDs), and how many of them
      were unchanged, changed (in check mode, would be) and failed.
    - A SIM of which one attribute was written and another failed counts as changed and as failed; every other SIM
      counts once.
  returned: always, also on failure (except when the input or the listing fails)
  type: dict
  contains:
    things:
      description: SIMs after merging repeated ICCIDs.
      type: int
      sample: 10000
    unchanged:
      description: SIMs already as wanted.
      type: int
      sample: 9000
    changed:
      description: SIMs changed (in check mode, that would be changed); as many as the entries of RV(changes).
      type: int
      sample: 998
    failed:
      description: SIMs that failed; as many as the entries of RV(failures).
      type: int
      sample: 2
  sample:
    things: 10000
    unchanged: 9000
    changed: 998
    failed: 2
changes:
  description:
    - One entry per changed SIM (in check mode, per SIM that would change), in the order the SIMs were given; never an
      entry for an unchanged SIM.
    - C(before) and C(after) hold only the attributes the SIM's wishes manage, under the keys the diffs of
      M(fleetops.ping.monogoto_thing_imei) (C(LockMasterImei), C(MasterIMEI)), M(fleetops.ping.monogoto_thing)
      (C(ThingName), C(ThingDescription)) and M(fleetops.ping.monogoto_thing_state) (C(state)) use. After a CAS conflict, C(before) is the Thing as read again.
  returned: always, also on failure (except when the input or the listing fails)
  type: list
  elements: dict
  contains:
    iccid:
      description: The ICCID of the SIM.
      type: str
      sample: "8944500100000000012"
    thing_id:
      description: The Thing id.
      type: str
      sample: ThingId_ICCID_8944500100000000012
    before:
      description: The managed attributes as they were.
      type: dict
      sample: {LockMasterImei: false, MasterIMEI: "", state: SUSPENDED}
    after:
      description: The managed attributes as they are now (in check mode, as they would be).
      type: dict
      sample: {LockMasterImei: true, MasterIMEI: "356938035643809", state: ACTIVE}
failures:
  description:
    - One entry per SIM that could not be brought to its state, in the order the SIMs were given; its message is one
      line (the API's answer with its HTTP status, or what was wrong), with no secret in it.
  returned: always, also on failure (except when the input or the listing fails)
  type: list
  elements: dict
  contains:
    iccid:
      description: The ICCID of the SIM.
      type: str
      sample: "8944500100000000095"
    msg:
      description: Why it failed.
      type: str
      sample: "PUT /thing/ThingId_ICCID_8944500100000000095/state/: HTTP 400 Bad Request: A RETIRED thing cannot change state"
diff:
  description:
    - With C(--diff) only. Ansible's list form of a diff, one entry per entry of RV(changes) and in the same order, its
      C(before) and C(after) those of RV(changes), its headers the Thing id.
  returned: in diff mode
  type: list
  elements: dict
  sample:
    - before: {LockMasterImei: false, MasterIMEI: ""}
      after: {LockMasterImei: true, MasterIMEI: "356938035643809"}
      before_header: ThingId_ICCID_8944500100000000012
      after_header: ThingId_ICCID_8944500100000000012
msg:
  description:
    - On failure, one line. When SIMs failed, how many out of how many (and how many changed and unchanged), then the
      first failures.
  returned: failure
  type: str
  sample: >-
    1 of 20 SIMs failed (4 changed, 15 unchanged): ICCID 8944500100000000095: PUT
    /thing/ThingId_ICCID_8944500100000000095/state/: HTTP 400 Bad Request: A RETIRED thing cannot change state
api_calls:
  description:
    - What the API calls of the task cost, retries and logins included. See C(docs/rate-limits.md) in the collection.
  returned: always
  type: dict
  contains:
    requests:
      description: Requests sent to the API (every attempt, retries and logins included).
      type: int
      sample: 202
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

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_fleet import FLEET
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**FLEET.module_kwargs()), FLEET)


if __name__ == '__main__':
    main()
