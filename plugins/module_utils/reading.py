# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""When a state module may compare against what this collection's inventory read, instead of reading again.

The inventory plugins (``fleetops.ping.monogoto``, ``fleetops.ping.pingpl``) leave on every host the object
they listed, the time they read it and the API URL they read it from. The action plugin of a state module
finds that reading in the host's vars and hands it to the module as the option ``inventory_reading``
(the same way on both execution paths); the logic then calls :func:`take`, which accepts the reading only
when it is of the expected kind, was read from the task's own API URL, was not older than
``reading_max_age`` seconds when it was judged, and identifies the object the task is about. Anything else
leaves the module exactly as it was: it reads the object from the API.

A reading's age is judged at the start of the run, not at each task, so that a run that lasts longer than
``reading_max_age`` does not expire its own inventory half-way. :data:`RUN_STARTED` is the time this module
was first imported in the process: in ``ansible-playbook`` that is the controller's main process, which
imports it when it loads this collection's inventory plugin or, at the latest, the action plugin of the
first task of this collection (the strategy loads every task's action plugin class before it forks the
workers; ansible-core 2.16 to 2.21 fork them), and every worker inherits it. The action plugin hands the
module :func:`judged_at` of the reading inside ``inventory_reading``; the module judges
``judged_at - read_at`` against ``reading_max_age`` on both paths, so the target's clock does not count.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure

DEFAULT_MAX_AGE = 300
ENV_MAX_AGE = 'FLEETOPS_PING_READING_MAX_AGE'

MONOGOTO_THING = 'monogoto_thing'
PINGPL_MONITOR = 'pingpl_monitor'
PINGPL_CONTACTS = 'pingpl_contacts'

# Where each kind of reading sits in the host vars of the inventory plugins (see the plugins' docs):
# the object, the epoch time it was read, the API URL it was read from.
HOST_VARS = {
    MONOGOTO_THING: ('monogoto_thing', 'monogoto_read_at', 'monogoto_api_url'),
    PINGPL_MONITOR: ('pingpl_monitor', 'pingpl_read_at', 'pingpl_api_url'),
    PINGPL_CONTACTS: ('pingpl_contacts', 'pingpl_contacts_read_at', 'pingpl_api_url'),
}

SOURCE_API = 'api'
SOURCE_INVENTORY = 'inventory'

# The start of the run, as far as the age of a reading goes (see the module's docstring).
RUN_STARTED = time.time()


def reading_argument_spec():
    """The options every state module that can use an inventory reading has."""
    return dict(
        reading_max_age=dict(type='int', default=DEFAULT_MAX_AGE, fallback=(env_fallback, [ENV_MAX_AGE])),
        inventory_reading=dict(type='dict'),
    )


def check_max_age(params):
    value = params.get('reading_max_age')
    if value is not None and value < 0:
        raise ModuleFailure('reading_max_age: must be 0 (never use an inventory reading) or a number of seconds, '
                            'found %s' % value)


def normalize_url(url):
    """An API URL as compared with a reading's: surrounding blanks and trailing slashes do not count."""
    return str(url or '').strip().rstrip('/')


def as_time(value):
    """An epoch time as a float, or None (a bool, a non-number or a non-finite number is no time)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def judged_at(read_at, now=None, started=None):
    """When the age of a reading taken at ``read_at`` is judged: the start of the run (:data:`RUN_STARTED`), or
    the time it was read when that was later (a reading taken during the run, or a listing that the run started
    with), and never later than ``now``.

    So a reading that was young enough when the run started, or when it entered the run, stays usable for the
    whole run; a cached reading that was already too old at the start is not; one stamped in the future
    (``read_at > now``) gets a negative age and is not used either.
    """
    now = time.time() if now is None else now
    started = RUN_STARTED if started is None else started
    return min(now, max(started, read_at))


def make(kind, obj, read_at, api_url, judged=None):
    """The ``inventory_reading`` option value the action plugin hands to the module.

    ``judged`` is the time the reading's age is judged at (:func:`judged_at`); without it the module judges
    the age with its own clock when the task starts.
    """
    raw = {'kind': kind, 'object': obj, 'read_at': read_at, 'api_url': api_url}
    if judged is not None:
        raw['judged_at'] = judged
    return raw


class Reading:
    def __init__(self, obj, read_at, age):
        self.object = obj
        self.read_at = read_at
        self.age = age

    def info(self):
        return {'source': SOURCE_INVENTORY, 'read_at': self.read_at, 'age_s': round(self.age, 1)}


def api_info():
    return {'source': SOURCE_API}


def take(params, kind, accept, now=None):
    """The reading handed in as ``inventory_reading`` when it may stand in for reading the object, else None.

    ``accept(obj)`` returns the object the task is about (the reading itself, or the one item of a listed
    reading), or None when the reading is not about it. A reading is used only when ``reading_max_age`` is
    positive, the kind and the API URL match, and ``0 <= judged_at - read_at <= reading_max_age``, where
    ``judged_at`` is the reading's own (set by the action plugin, see :func:`judged_at`), or ``now`` for a
    reading that carries none. A reading whose ``judged_at`` is there but is no time is not used.
    """
    max_age = params.get('reading_max_age')
    raw = params.get('inventory_reading')
    if not raw or not isinstance(raw, dict) or not max_age or max_age <= 0:
        return None
    if raw.get('kind') != kind:
        return None
    read_at = as_time(raw.get('read_at'))
    if read_at is None:
        return None
    reading_url = normalize_url(raw.get('api_url'))
    if not reading_url or reading_url != normalize_url(params.get('api_url')):
        return None
    if 'judged_at' in raw:
        judged = as_time(raw.get('judged_at'))
        if judged is None:
            return None
    else:
        judged = time.time() if now is None else now
    age = judged - read_at
    if not 0 <= age <= max_age:
        return None
    obj = accept(raw.get('object'))
    if obj is None:
        return None
    return Reading(obj, read_at, age)
