# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading the fields of an API's answer defensively: the documented types, or a failure naming the field.

Each client describes the fields of an answer as ``(name, kind, need)`` triples: ``kind`` is the type the
modules' RETURN documents (``int``, ``float``, ``str``, ``bool``, ``flag`` for a documented 0/1, ``list``,
``dict``); ``need`` is :data:`REQUIRED` (missing fails the call, naming the field and the call), :data:`TOLERATED`
(documented as required but not needed by the collection: missing makes one warning per task, however many
objects lack it) or :data:`OPTIONAL`. A value of another type is converted where the conversion is exact
(``"3009"`` -> 3009, ``"true"`` -> True, 7 -> ``"7"`` for a text field), and fails otherwise.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, one_line

REQUIRED = 'required'
TOLERATED = 'tolerated'
OPTIONAL = 'optional'

KIND_NAMES = {'int': 'an integer', 'float': 'a number', 'str': 'a string', 'bool': 'a boolean',
              'flag': '0 or 1', 'list': 'a list', 'dict': 'an object'}
_TRUE = ('true',)
_FALSE = ('false',)


def as_int(value):
    """An integer from an int, an integral float or a string of digits; None for anything else (bool included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] == '-' else text
        if digits.isdigit():
            return int(text)
    return None


def convert(value, kind):
    """``(True, value as kind)`` when the conversion is exact, else ``(False, None)``."""
    if kind == 'int':
        number = as_int(value)
        return (number is not None), number
    if kind == 'float':
        if isinstance(value, bool):
            return False, None
        if isinstance(value, (int, float)):
            return True, value
        if isinstance(value, str):
            try:
                return True, float(value.strip())
            except ValueError:
                return False, None
        return False, None
    if kind == 'str':
        if isinstance(value, str):
            return True, value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return True, str(value)
        return False, None
    if kind == 'bool':
        if isinstance(value, bool):
            return True, value
        if isinstance(value, int) and value in (0, 1):
            return True, bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
            return True, value.strip().lower() in _TRUE
        return False, None
    if kind == 'flag':
        if isinstance(value, bool):
            return True, int(value)
        number = as_int(value)
        return (number in (0, 1)), number if number in (0, 1) else None
    if kind == 'list':
        return isinstance(value, list), value if isinstance(value, list) else None
    if kind == 'dict':
        return isinstance(value, dict), value if isinstance(value, dict) else None
    raise ValueError('unknown kind %r' % kind)


def same(a, b):
    """Deep equality that does not take true for 1 (YAML and JSON both tell them apart)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        # Compared as plain text: Ansible may hand over a str subclass (a tagged template result).
        return str(a) == str(b)
    if a is None or b is None:
        return a is None and b is None
    return False


def shown(value):
    """A value as a failure shows it: short, one line."""
    return one_line(repr(value), 60)


def keys_of(obj):
    if isinstance(obj, dict):
        return ', '.join(sorted(str(k) for k in obj)) or '(none)'
    return 'none (found %s)' % type(obj).__name__


class Fields:
    """Checks the objects of one call against their documented fields; gaps it tolerates are summed up in one
    warning per field and call (``warn`` takes a key and a message, as ``HttpClient.warn_once`` does)."""

    def __init__(self, call, spec, warn_once=None, what='object'):
        self.call = call
        self.spec = spec
        self.warn_once = warn_once
        self.what = what

    def one(self, obj, where):
        """``obj`` with its fields converted in place; ``where`` names it in a failure (``data.monitors[3]``)."""
        return self.many([obj], where, single=True)[0]

    def many(self, objects, where, single=False, start=0):
        """Every object of a list checked (``where`` is the list's name, each object is ``where[start + i]``)."""
        if not isinstance(objects, list):
            raise ApiError('%s: expected %s to be a list, found %s' % (self.call, where, type(objects).__name__))
        gaps = {}
        for index, obj in enumerate(objects):
            name = where if single else '%s[%d]' % (where, start + index)
            if not isinstance(obj, dict):
                raise ApiError('%s: expected %s to be an object, found %s' % (self.call, name, type(obj).__name__))
            for field, kind, need in self.spec:
                value = obj.get(field)
                if value is None:
                    if need == REQUIRED:
                        raise ApiError('%s: %s lacks the required field "%s"; found keys: %s'
                                       % (self.call, name, field, one_line(keys_of(obj), 200)))
                    if need == TOLERATED and field not in obj:
                        gaps[field] = gaps.get(field, 0) + 1
                    continue
                ok, converted = convert(value, kind)
                if not ok:
                    raise ApiError('%s: %s.%s is %s, not %s as documented'
                                   % (self.call, name, field, shown(value), KIND_NAMES[kind]))
                obj[field] = converted
        if gaps and self.warn_once is not None:
            for field in sorted(gaps):
                self.warn_once((self.call, field), '%s: %d of %d %s(s) lack the documented field "%s"; it is left '
                               'out of the result' % (self.call, gaps[field], len(objects), self.what, field))
        return objects
