# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rules for using an inventory reading, and how the action plugin finds, hands over and retires it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import reading
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING_IMEI
from ansible_collections.fleetops.ping.plugins.module_utils.pingpl_modules import CONTACT_STATE, MONITOR_STATE
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure

NOW = 1700000000.0
URL = 'https://console.monogoto.io'


def params(**values):
    result = {'reading_max_age': 300, 'api_url': URL,
              'inventory_reading': reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, URL + '/')}
    result.update(values)
    return result


def take(accept=lambda obj: obj, **values):
    return reading.take(params(**values), reading.MONOGOTO_THING, accept, now=NOW)


def test_a_fitting_reading_is_taken_with_its_age():
    found = take()
    assert found.object == {'x': 1} and found.read_at == NOW - 10 and found.age == 10
    assert found.info() == {'source': 'inventory', 'read_at': NOW - 10, 'age_s': 10.0}
    assert reading.api_info() == {'source': 'api'}


@pytest.mark.parametrize('age, max_age, used', [
    (0, 300, True), (300, 300, True), (300.5, 300, False), (-0.5, 300, False), (10, 0, False), (10, None, False),
    (10, 11, True), (12, 11, False),
])
def test_age_bounds(age, max_age, used):
    raw = reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - age, URL)
    assert (take(reading_max_age=max_age, inventory_reading=raw) is not None) is used


@pytest.mark.parametrize('raw', [
    None, {}, 'text', ['list'],
    reading.make(reading.PINGPL_MONITOR, {'x': 1}, NOW - 10, URL),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, 'soon', URL),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, True, URL),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, float('nan'), URL),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, None),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, 'https://console.monogoto.io/v2'),
    reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, 'http://console.monogoto.io'),
])
def test_readings_that_do_not_fit_are_ignored(raw):
    assert take(inventory_reading=raw) is None


def test_the_object_must_be_accepted():
    assert take(accept=lambda obj: None) is None
    assert take(accept=lambda obj: {'picked': obj}).object == {'picked': {'x': 1}}


def test_read_at_as_a_string_and_urls_with_slashes_and_blanks():
    raw = reading.make(reading.MONOGOTO_THING, {'x': 1}, str(NOW - 10), ' %s// ' % URL)
    assert take(inventory_reading=raw, api_url=URL + '/').age == 10


def test_max_age_check():
    reading.check_max_age({'reading_max_age': 0})
    reading.check_max_age({'reading_max_age': 86400})
    with pytest.raises(ModuleFailure, match='reading_max_age: must be 0'):
        reading.check_max_age({'reading_max_age': -1})


@pytest.mark.parametrize('defn', [THING_IMEI, MONITOR_STATE, CONTACT_STATE])
def test_the_state_modules_have_the_options(defn):
    spec = defn.argument_spec
    assert spec['reading_max_age'] == {'type': 'int', 'default': 300,
                                       'fallback': spec['reading_max_age']['fallback']}
    assert spec['reading_max_age']['fallback'][1] == ['FLEETOPS_PING_READING_MAX_AGE']
    assert spec['inventory_reading'] == {'type': 'dict'}


# -- the age is judged at the start of the run (judged_at), not at each task ---------------------------------
def judged(read_at, judged_at, **values):
    raw = reading.make(reading.MONOGOTO_THING, {'x': 1}, read_at, URL, judged=judged_at)
    return take(inventory_reading=raw, **values)


def test_judged_at_is_the_start_of_the_run_the_reading_time_or_now():
    start = NOW - 1000
    assert reading.judged_at(start - 30, now=NOW, started=start) == start  # read before the run: its start
    assert reading.judged_at(start + 5, now=NOW, started=start) == start + 5  # read during the run: then
    assert reading.judged_at(NOW + 60, now=NOW, started=start) == NOW  # stamped in the future: never later than now
    assert reading.judged_at(start + 5, now=start, started=start + 10) == start  # never later than now
    assert reading.RUN_STARTED <= reading.judged_at(reading.RUN_STARTED - 1) <= reading.RUN_STARTED


@pytest.mark.parametrize('age_at_judgement, used', [(0, True), (299.5, True), (300, True), (300.5, False), (-1, False)])
def test_the_age_is_judged_at_judged_at_not_now(age_at_judgement, used):
    # take() is called with now = NOW; the run started 10,000 s before it.
    judged_at = NOW - 10000
    found = judged(judged_at - age_at_judgement, judged_at)
    assert (found is not None) is used
    if used:
        assert found.age == age_at_judgement and found.info()['age_s'] == round(age_at_judgement, 1)


def test_a_reading_too_old_at_the_start_of_the_run_stays_refused():
    # A cached inventory read 400 s before the run started, judged 1 s into the run: refused whatever now is.
    assert judged(NOW - 401, NOW - 1) is None
    assert judged(NOW - 401, NOW - 1, reading_max_age=401) is not None


@pytest.mark.parametrize('value', ['soon', None, True, float('inf'), [1]])
def test_a_judged_at_that_is_no_time_makes_the_reading_unusable(value):
    raw = reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, URL)
    raw['judged_at'] = value
    assert take(inventory_reading=raw) is None


def test_without_judged_at_the_age_is_judged_by_the_clock_of_the_logic():
    assert 'judged_at' not in reading.make(reading.MONOGOTO_THING, {'x': 1}, NOW - 10, URL)
    assert take().age == 10
    assert reading.take(params(), reading.MONOGOTO_THING, lambda obj: obj) is None  # by the real clock: years old
