# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The state modules that can compare against what this collection's inventory plugins read.
    DOCUMENTATION = r'''
options:
  reading_max_age:
    description:
      - The oldest inventory reading, in seconds, that the module compares against instead of reading the object
        from the API. V(0) never uses a reading.
      - A reading is the object one of this collection's inventory plugins listed for the task's host, with the
        time it was listed (C(read_at)) and the API URL it was listed from. It is used only when it is about the
        task's own object, was read from the same O(api_url) (trailing slashes aside), and C(0 <= judged_at -
        read_at <= reading_max_age).
      - "C(judged_at) is the start of the run, or the time of the reading when it was taken after that (the
        listing the run starts with, C(meta: refresh_inventory), C(add_host)), never later than the time the task
        starts, all by the controller's clock. So the age is judged once for the whole run, not at each task: a
        run that lasts longer than O(reading_max_age) does not expire its own inventory half-way, while a cached
        inventory that was already older than O(reading_max_age) when the run started is not used. The start of
        the run is when the C(ansible-playbook) process first loaded one of this collection's plugins (its
        inventory plugin, or the action plugin of its first task); in C(ansible-console) it is the start of the
        console."
      - The action plugin computes C(judged_at) and hands it to the module, so the module judges the same age on
        both execution paths, and the clock of the target does not count.
      - Hosts from other inventories, readings past this age, of another API URL or of another object, and
        readings of an object that a module of this collection changed (or failed to change) at or after the
        time it was read, are not used; the module then reads the object from the API as it always did.
      - Set it for every module of the collection with C(module_defaults) and the action group
        C(group/fleetops.ping.all).
      - Falls back to the E(FLEETOPS_PING_READING_MAX_AGE) environment variable.
    type: int
    default: 300
  inventory_reading:
    description:
      - Filled in by the action plugin from the host vars of this collection's inventory plugins; do not set it.
      - "It carries the object as read (C(object)), the epoch time it was read (C(read_at)), the API URL it was
        read from (C(api_url)), its kind (C(kind)) and the epoch time its age is judged at (C(judged_at), see
        O(reading_max_age)); the module checks all of them again. Without C(judged_at) the module judges the
        age with its own clock when the task starts."
    type: dict
notes:
  - "With an inventory reading, a task whose object already is as wanted sends no request at all, in check mode
    too; a change is one write and no read. How stale the comparison may be is bounded by O(reading_max_age)
    plus the time the run has lasted so far (plus the time the inventory took to list): a no-change report late
    in a long run compares against the state at the start of the run, and a change someone else made to the
    object since is not seen by the comparison. A Monogoto IMEI write carries the reading's C(cas): a Thing
    changed since is refused by the API (a CAS conflict), read again and written again. See the collection's docs, section
    C(Enforcement from the inventory reading), for what each module guards against."
'''
