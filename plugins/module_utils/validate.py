# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks that run before any request: each error names the option and what is wrong with its value."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure

ICCID_MIN, ICCID_MAX = 16, 22
IMEI_LEN = 15


def luhn_ok(digits):
    """True when the last digit of ``digits`` is its Luhn check digit."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def luhn_check_digit(body):
    """The Luhn check digit to append to ``body``."""
    for candidate in '0123456789':
        if luhn_ok(body + candidate):
            return candidate
    raise ValueError(body)  # pragma: no cover - one digit always fits


def check_iccid(value, option='iccid'):
    text = '' if value is None else str(value).strip()
    if not text.isdigit() or not text.isascii():
        raise ModuleFailure("%s: %r is not a valid ICCID: it must contain digits only" % (option, value))
    if not ICCID_MIN <= len(text) <= ICCID_MAX:
        raise ModuleFailure("%s: %r is not a valid ICCID: it must be %d to %d digits long, found %d"
                            % (option, value, ICCID_MIN, ICCID_MAX, len(text)))
    return text


def check_imei(value, option='imei'):
    text = '' if value is None else str(value).strip()
    if not text.isdigit() or not text.isascii():
        raise ModuleFailure("%s: %r is not a valid IMEI: it must contain digits only" % (option, value))
    if len(text) == 16:
        raise ModuleFailure("%s: %r has 16 digits, which is an IMEISV (software version, no check digit); "
                            "give the 15-digit IMEI instead" % (option, value))
    if len(text) != IMEI_LEN:
        raise ModuleFailure("%s: %r is not a valid IMEI: it must be %d digits long, found %d"
                            % (option, value, IMEI_LEN, len(text)))
    if not luhn_ok(text):
        raise ModuleFailure("%s: %r is not a valid IMEI: its check digit should be %s (Luhn), found %s"
                            % (option, value, luhn_check_digit(text[:-1]), text[-1]))
    return text


def check_ip(value, option='ip'):
    try:
        return str(ipaddress.ip_address(str(value).strip()))
    except ValueError:
        raise ModuleFailure("%s: %r is not a valid IPv4 or IPv6 address" % (option, value))


def check_url(value, option='api_url'):
    text = str(value or '').strip()
    if not (text.startswith('http://') or text.startswith('https://')) or len(text) < 10:
        raise ModuleFailure("%s: %r is not an http:// or https:// URL" % (option, value))
    return text.rstrip('/')
