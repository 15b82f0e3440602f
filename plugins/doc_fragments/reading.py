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
        time it was listed and the API URL it was listed from. It is used only when it is about the task's own
        object, was read from the same O(api_url) (trailing slashes aside), and C(0 <= now - read_at <=
        reading_max_age) by the clock of whoever runs the module's logic (the controller when the task runs
        in-process), checked when the task starts.
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
        read from (C(api_url)) and its kind (C(kind)); the module checks all of them again, and the age with
        its own clock."
    type: dict
notes:
  - "With an inventory reading, a task whose object already is as wanted sends no request at all, in check mode
    too; a change is one write and no read. How stale the comparison may be is bounded by O(reading_max_age)
    (plus the time the inventory took to list): a change someone else made to the object in that window is
    not seen by the comparison. See the collection's docs, section C(Enforcement from the inventory reading),
    for what each module guards against."
'''
