# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of ``monogoto_thing_sms``: send one SMS to a Thing, free of Ansible plumbing.

Monogoto documents the call (``POST /thing/ThingId_ICCID_<ICCID>/sms`` with ``Message`` and ``From``, answering
"an SMS id string") but no message limit, no character set and no sender rule. So the module measures the message
as the GSM network will (:func:`measure`): every character in the GSM 03.38 default alphabet or its extension
table (extension characters take two septets) goes as GSM 7-bit, 160 septets to one SMS; a message with any other
character goes as UCS-2, 70 UTF-16 code units to one SMS. A longer message is warned about (it may be split into
parts or refused), never cut. The sender must be what GSM allows as an originator: up to 11 letters, digits and
spaces (alphanumeric), or up to 15 digits with an optional leading ``+`` (numeric); anything else fails before any
request.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import find_key, monogoto_argument_spec, thing_id
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import client_factory
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, one_line
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_iccid

# GSM 03.38 default alphabet (without ESC, 0x1B, which introduces the extension table) and the extension table.
GSM_BASIC = frozenset(
    '@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5'
    '\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9'
    ' !"#\u00a4%&\'()*+,-./0123456789:;<=>?'
    '\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7'
    '\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0')
GSM_EXTENSION = frozenset('\f^{}\\[~]|\u20ac')
GSM7 = 'gsm7'
UCS2 = 'ucs2'
# One SMS, and one part of a concatenated SMS (its header takes the rest).
SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}
SENDER_ALPHA = re.compile(r'^[A-Za-z0-9 ]{1,11}$')
SENDER_NUMERIC = re.compile(r'^\+?[0-9]{1,15}$')
# Where an id may sit in a JSON object answer (compared case-insensitively), the first found wins.
ID_KEYS = ('SmsId', 'SMSId', 'sms_id', 'MessageId', 'message_id', 'Id')
ID_TEXT = re.compile(r'^[A-Za-z0-9_.:-]{1,200}$')


def measure(message):
    """(encoding, units, parts): how the network will carry ``message``.

    ``units`` are GSM septets (an extension character counts 2) or UCS-2 code units (a character outside the
    Basic Multilingual Plane counts 2); ``parts`` is the number of SMS a concatenated message takes.
    """
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in message):
        encoding = GSM7
        units = sum(2 if c in GSM_EXTENSION else 1 for c in message)
    else:
        encoding = UCS2
        units = sum(2 if ord(c) > 0xFFFF else 1 for c in message)
    if units <= SINGLE[encoding]:
        parts = 1
    else:
        parts = -(-units // PART[encoding])
    return encoding, units, parts


def first_non_gsm(message):
    for char in message:
        if char not in GSM_BASIC and char not in GSM_EXTENSION:
            return char
    return None


def check_sender(value):
    text = str(value)
    if SENDER_NUMERIC.match(text) or (SENDER_ALPHA.match(text) and not text.strip().isdigit() and text.strip()):
        return text
    raise ModuleFailure('sender: %r is not a sender GSM networks carry: give up to 11 letters, digits and spaces '
                        '(an alphanumeric sender), or up to 15 digits with an optional leading + (a number)'
                        % (value,))


def check_sms_params(params):
    params['iccid'] = check_iccid(params['iccid'])
    message = params.get('msg')
    if message is None or not str(message).strip():
        raise ModuleFailure('msg: must not be empty')
    if params.get('sender') is not None:
        params['sender'] = check_sender(params['sender'])


def sms_id_of(resp, iccid):
    """The SMS id the answer holds: a JSON string, a plain-text id, or a JSON object with an id-like field."""
    call = 'POST /thing/%s/sms' % thing_id(iccid)
    data = resp.data if resp.is_json else None
    if resp.is_json and isinstance(data, str) and data.strip():
        return data.strip()
    if resp.is_json and isinstance(data, (int, float)) and not isinstance(data, bool):
        return str(data)
    if resp.is_json and isinstance(data, dict):
        _k, success = find_key(data, 'Success')
        if success is False:
            _k, said = find_key(data, 'Message')
            raise ModuleFailure('%s: the API answered Success=false: %s' % (call, one_line(said or data, 160)))
        for holder in (data, find_key(data, 'Data')[1]):
            if isinstance(holder, str) and holder.strip():
                return holder.strip()
            for key in ID_KEYS:
                _k, value = find_key(holder, key)
                if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
                    return str(value).strip()
        raise ModuleFailure('%s: HTTP %s, but the answer holds no SMS id (an object with keys: %s); the SMS may have '
                            'been sent' % (call, resp.status, ', '.join(sorted(str(k) for k in data)) or 'none'),
                            changed=True)
    if not resp.is_json:
        text = (resp.text or '').strip().strip('"').strip()
        if ID_TEXT.match(text):
            return text
    found = one_line(resp.text or '(empty body)', 120)
    raise ModuleFailure('%s: HTTP %s, but the answer is not an SMS id (found: %s); the SMS may have been sent'
                        % (call, resp.status, found), changed=True)


def run_thing_sms(params, client, check_mode=False, diff=False):
    iccid = params['iccid']
    message = params['msg']
    encoding, units, parts = measure(message)
    result = {'changed': True, 'thing_id': thing_id(iccid), 'encoding': encoding, 'length': units, 'parts': parts}
    if units > SINGLE[encoding]:
        if encoding == GSM7:
            how = '%d GSM characters (an extension character such as { or \u20ac counts 2)' % units
        else:
            how = ('%d UCS-2 characters (it goes as UCS-2 because of characters outside the GSM alphabet, such as %r)'
                   % (units, first_non_gsm(message)))
        client.http.warn('msg: %s, more than the %d of one SMS: it may be split into %d parts or refused; '
                         'Monogoto documents no limit, and the message is sent as given' % (how, SINGLE[encoding], parts))
    if check_mode:
        result['msg'] = 'check mode: would send the SMS to %s' % thing_id(iccid)
        return result
    try:
        resp = client.send_sms(iccid, message, params.get('sender'))
    except ApiError as exc:
        if exc.unsure:
            extra = {'changed': True}
            if exc.status is not None:
                extra['status'] = exc.status
            raise ModuleFailure('%s; the SMS may have been sent, and is not sent again' % exc.msg, **extra)
        raise
    result['sms_id'] = sms_id_of(resp, iccid)
    return result


THING_SMS = ModuleDef(
    'monogoto_thing_sms',
    monogoto_argument_spec(
        iccid=dict(type='str', required=True),
        # Not "message", which Ansible reserves; "msg" as in the SMS modules of community.general (twilio, nexmo).
        msg=dict(type='str', required=True),
        sender=dict(type='str'),
    ),
    run_thing_sms,
    client_factory=client_factory,
    check_params=check_sms_params,
)
