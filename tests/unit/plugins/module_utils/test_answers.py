# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the fields of an answer: exact conversions to the documented types, failures that name the field."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.answers import (
    OPTIONAL,
    REQUIRED,
    TOLERATED,
    Fields,
    as_int,
    convert,
    same,
)
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError


@pytest.mark.parametrize('value, kind, expected', [
    (3009, 'int', 3009), ('3009', 'int', 3009), (' 42 ', 'int', 42), (7.0, 'int', 7), ('-3', 'int', -3),
    ('0.5', 'float', 0.5), (100, 'float', 100), ('x', 'str', 'x'), (356938035643809, 'str', '356938035643809'),
    (True, 'bool', True), ('true', 'bool', True), (' False ', 'bool', False), (0, 'bool', False),
    (1, 'flag', 1), ('0', 'flag', 0), (True, 'flag', 1), ([1], 'list', [1]), ({}, 'dict', {}),
])
def test_exact_conversions(value, kind, expected):
    ok, converted = convert(value, kind)
    assert ok and converted == expected and type(converted) is type(expected)


@pytest.mark.parametrize('value, kind', [
    (True, 'int'), ('12a', 'int'), (7.5, 'int'), ('fast', 'float'), (False, 'float'), (None, 'str'), ([1], 'str'),
    (True, 'str'), ('yes', 'bool'), (2, 'bool'), ('2', 'flag'), ('a,b', 'list'), ([], 'dict'),
])
def test_inexact_conversions_are_refused(value, kind):
    assert convert(value, kind) == (False, None)


def test_as_int_and_same():
    assert as_int('15') == 15 and as_int(True) is None and as_int(None) is None
    assert same({'a': [1, True]}, {'a': [1, True]}) and not same(True, 1) and not same({'a': 1}, {'a': 1, 'b': 2})


SPEC = (('id', 'int', REQUIRED), ('name', 'str', OPTIONAL), ('locale', 'str', TOLERATED))


def test_fields_convert_in_place_and_name_the_field_and_call():
    objects = [{'id': '1', 'name': 'a', 'locale': 'PL'}, {'id': 2, 'locale': 'EN'}]
    assert Fields('POST get-contacts', SPEC).many(objects, 'data.contacts') == [
        {'id': 1, 'name': 'a', 'locale': 'PL'}, {'id': 2, 'locale': 'EN'}]
    with pytest.raises(ApiError) as err:
        Fields('POST get-contacts', SPEC).many([{'id': 1}, {'name': 'b'}], 'data.contacts')
    assert str(err.value) == 'POST get-contacts: data.contacts[1] lacks the required field "id"; found keys: name'
    with pytest.raises(ApiError) as err:
        Fields('POST get-contacts', SPEC).one({'id': 'one'}, 'data')
    assert str(err.value) == "POST get-contacts: data.id is 'one', not an integer as documented"
    with pytest.raises(ApiError) as err:
        Fields('POST get-contacts', SPEC).many({'id': 1}, 'data.contacts')
    assert str(err.value) == 'POST get-contacts: expected data.contacts to be a list, found dict'


def test_a_tolerated_gap_is_one_warning_with_the_count():
    seen = {}

    def warn_once(key, msg):
        seen.setdefault(key, msg)

    Fields('POST get-contacts', SPEC, warn_once, 'contact').many([{'id': n} for n in range(10000)], 'data.contacts')
    assert list(seen.values()) == ['POST get-contacts: 10000 of 10000 contact(s) lack the documented field "locale"; '
                                   'it is left out of the result']
