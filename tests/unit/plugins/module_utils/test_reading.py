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
