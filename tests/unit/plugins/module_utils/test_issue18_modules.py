# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logic of monogoto_thing, monogoto_thing_sms and pingasset_account_password (issue 18), against the
simulator with the real clients, and with fakes for the answers the simulator does not give."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import monogoto_sms as sms
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_fleet import FLEET
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset_modules import ACCOUNT_PASSWORD
from ansible_collections.fleetops.ping.plugins.module_utils.reading import MONOGOTO_THING, make as make_reading
from ansible_collections.fleetops.ping.plugins.module_utils.runner import execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, Response
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID, make_iccid
from ansible_collections.fleetops.ping.tests.simulator.pingasset import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    USER_PASSWORD,
)

TID = 'ThingId_ICCID_' + VENDOR_ICCID
OTHER = make_iccid(4)
NEW_PASSWORD = 'rotated-Pa55word-Jq4Tz8'


def monogoto(sim, **args):
    full = dict(api_url=sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5,
                reading_max_age=300, inventory_reading=None)
    full.update(args)
    return full


def pingasset(sim, **args):
    full = dict(api_url=sim.url + '/pingasset', client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, timeout=5)
    full.update(args)
    return full


def api_log(sim, api):
    return [(e['method'], e['path']) for e in sim.log() if e['api'] == api and e.get('tag') != 'login']


def thing(sim, tid=TID):
    return sim.state('monogoto')['things'][tid]


# -- monogoto_thing --------------------------------------------------------------------------------------


def test_thing_check_mode_change_and_no_change(sim):
    old = thing(sim)
    args = dict(iccid=VENDOR_ICCID, name='trailer-4711', description='Reefer 4711')
    checked = execute(THING, monogoto(sim, **args), check_mode=True, diff=True)
    assert checked['changed'] is True
    assert checked['diff']['before'] == {'ThingName': old['ThingName'], 'ThingDescription': old['ThingDescription']}
    assert checked['diff']['after'] == {'ThingName': 'trailer-4711', 'ThingDescription': 'Reefer 4711'}
    assert checked['thing']['ThingName'] == 'trailer-4711'
    assert api_log(sim, 'monogoto') == [('GET', '/thing/' + TID)]
    assert thing(sim)['ThingName'] == old['ThingName']

    sim.clear_log()
    done = execute(THING, monogoto(sim, **args), diff=True)
    assert done['changed'] is True and 'failed' not in done
    now = thing(sim)
    assert (now['ThingName'], now['ThingDescription']) == ('trailer-4711', 'Reefer 4711')
    assert now['cas'] != old['cas'] and done['thing']['cas'] == now['cas']
    # One update per attribute, the Thing read again between them for the cas the first one changed.
    assert api_log(sim, 'monogoto') == [('GET', '/thing/' + TID), ('PUT', '/thing/update/'), ('GET', '/thing/' + TID),
                                        ('PUT', '/thing/update/'), ('GET', '/thing/' + TID)]

    sim.clear_log()
    again = execute(THING, monogoto(sim, **args), diff=True)
    assert again['changed'] is False
    assert again['diff']['before'] == again['diff']['after']
    assert api_log(sim, 'monogoto') == [('GET', '/thing/' + TID)]
    assert sim.writes() == []


def test_thing_manages_only_what_is_given(sim):
    old = thing(sim)
    done = execute(THING, monogoto(sim, iccid=VENDOR_ICCID, description=''), diff=True)
    assert done['changed'] is True
    assert done['diff'] == {'before': {'ThingDescription': old['ThingDescription']}, 'after': {'ThingDescription': ''},
                            'before_header': TID, 'after_header': TID}
    assert thing(sim)['ThingName'] == old['ThingName'] and thing(sim)['ThingDescription'] == ''


def test_thing_cas_conflict_reads_again_and_retries_once(sim):
    reading = make_reading(MONOGOTO_THING, dict(thing(sim)), 1000.0, sim.url + '/monogoto', judged=1010.0)
    sim.monogoto_lock([TID])  # someone else changes the Thing (and its cas) after the listing
    sim.clear_log()
    warnings = []
    result = execute(THING, monogoto(sim, iccid=VENDOR_ICCID, name='renamed', inventory_reading=reading),
                     warn=warnings.append)
    assert result['changed'] is True
    assert thing(sim)['ThingName'] == 'renamed'
    assert [s for _m, s in api_log(sim, 'monogoto')] == ['/thing/update/', '/thing/' + TID, '/thing/update/']
    assert [e['status'] for e in sim.log() if e['path'] == '/thing/update/'] == [409, 200]
    assert [w for w in warnings if 'CAS conflict' in w and 'inventory reading of' in w], warnings


def test_thing_from_the_inventory_reading_costs_no_request(sim):
    listed = dict(thing(sim))
    reading = make_reading(MONOGOTO_THING, listed, 1000.0, sim.url + '/monogoto', judged=1010.0)
    sim.clear_log()
    same = execute(THING, monogoto(sim, iccid=VENDOR_ICCID, name=listed['ThingName'], inventory_reading=reading))
    assert same['changed'] is False and same['reading']['source'] == 'inventory'
    assert sim.log() == []
    # A listing without the attribute managed does not stand in: the Thing is read.
    listed.pop('ThingDescription')
    reading = make_reading(MONOGOTO_THING, listed, 1000.0, sim.url + '/monogoto', judged=1010.0)
    other = execute(THING, monogoto(sim, iccid=VENDOR_ICCID, description='x', inventory_reading=reading),
                    check_mode=True)
    assert other['changed'] is True and other['reading'] == {'source': 'api'}
    assert api_log(sim, 'monogoto') == [('GET', '/thing/' + TID)]


@pytest.mark.parametrize('args, msg', [
    ({'iccid': VENDOR_ICCID}, 'name, description: give at least one of them'),
    ({'iccid': VENDOR_ICCID, 'name': ' '}, 'name: must not be empty'),
    ({'iccid': '123', 'name': 'x'}, "iccid: '123' is not a valid ICCID"),
])
def test_thing_bad_input_sends_nothing(sim, args, msg):
    result = execute(THING, monogoto(sim, **args))
    assert result['failed'] is True and result['msg'].startswith(msg), result['msg']
    assert sim.log() == []


def test_fleet_names_and_describes_through_the_same_path(sim):
    a, b = make_iccid(1), make_iccid(2)
    args = dict(api_url=sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5, concurrency=2,
                max_things=1000, iccids=None,
                things=[{'iccid': a, 'name': 'truck-1'}, {'iccid': b, 'name': 'truck-2', 'description': ''}],
                defaults={'description': 'depot A'})
    checked = execute(FLEET, dict(args), check_mode=True, diff=True)
    assert checked['summary'] == {'things': 2, 'unchanged': 0, 'changed': 2, 'failed': 0}
    assert sim.writes() == []
    done = execute(FLEET, dict(args), diff=True)
    assert done['summary']['changed'] == 2 and not done['failures']
    ta, tb = thing(sim, 'ThingId_ICCID_' + a), thing(sim, 'ThingId_ICCID_' + b)
    # An empty description in an entry sets nothing: the default applies.
    assert (ta['ThingName'], ta['ThingDescription']) == ('truck-1', 'depot A')
    assert (tb['ThingName'], tb['ThingDescription']) == ('truck-2', 'depot A')
    change = [c for c in done['changes'] if c['iccid'] == a][0]
    assert change['after'] == {'ThingName': 'truck-1', 'ThingDescription': 'depot A'}
    sim.clear_log()
    again = execute(FLEET, dict(args))
    assert again['changed'] is False and again['summary']['unchanged'] == 2 and sim.writes() == []


# -- monogoto_thing_sms ----------------------------------------------------------------------------------


@pytest.mark.parametrize('message, encoding, units, parts', [
    ('WHERE#', sms.GSM7, 6, 1),
    ('x' * 160, sms.GSM7, 160, 1),
    ('x' * 161, sms.GSM7, 161, 2),
    ('{' * 80, sms.GSM7, 160, 1),
    ('\u20ac' * 81, sms.GSM7, 162, 2),
    ('caf\u00e9 \u00e0 \u00c7a', sms.GSM7, 9, 1),
    ('\u00e7a va', sms.UCS2, 5, 1),   # a lower-case c cedilla is not in the GSM alphabet
    ('\u4f60' * 70, sms.UCS2, 70, 1),
    ('\u4f60' * 71, sms.UCS2, 71, 2),
    ('\U0001F600', sms.UCS2, 2, 1),
])
def test_measure(message, encoding, units, parts):
    assert sms.measure(message) == (encoding, units, parts)


@pytest.mark.parametrize('sender, ok', [
    ('FleetOps', True), ('Fleet Ops 1', True), ('+447700900123', True), ('123456789012345', True),
    ('FleetOpsDemo', False), ('1234567890123456', False), ('Fleet-Ops', False), ('', False), ('  ', False),
    ('Fl\u00e9et', False),
])
def test_sender_rules(sender, ok):
    if ok:
        assert sms.check_sender(sender) == sender
    else:
        with pytest.raises(Exception) as info:
            sms.check_sender(sender)
        assert 'sender:' in str(info.value.msg)


def test_sms_check_mode_sends_nothing_and_a_send_returns_the_id(sim):
    args = monogoto(sim, iccid=VENDOR_ICCID, msg='WHERE#', sender='FleetOps')
    checked = execute(sms.THING_SMS, dict(args), check_mode=True)
    assert checked['changed'] is True and 'sms_id' not in checked
    assert checked['msg'] == 'check mode: would send the SMS to ' + TID
    assert sim.log() == [] and sim.state('monogoto')['sms'] == []
    sent = execute(sms.THING_SMS, dict(args))
    assert sent['changed'] is True and 'failed' not in sent
    recorded = sim.state('monogoto')['sms']
    assert recorded == [{'id': sent['sms_id'], 'ThingId': TID, 'Message': 'WHERE#', 'From': 'FleetOps'}]
    assert (sent['encoding'], sent['length'], sent['parts']) == ('gsm7', 6, 1)
    # Always a change, and sent again when asked again.
    again = execute(sms.THING_SMS, monogoto(sim, iccid=VENDOR_ICCID, msg='WHERE#'))
    assert again['changed'] is True and again['sms_id'] != sent['sms_id']
    assert sim.state('monogoto')['sms'][1]['From'] is None  # no sender: no From in the body


def test_sms_too_long_is_warned_about_not_cut(sim):
    message = 'A' * 150 + '[]{}~'
    warnings = []
    sent = execute(sms.THING_SMS, monogoto(sim, iccid=VENDOR_ICCID, msg=message), warn=warnings.append)
    assert (sent['length'], sent['parts'], warnings) == (160, 1, [])  # extension characters count 2: just fits
    assert sim.state('monogoto')['sms'][0]['Message'] == message
    long_one = 'A' * 156 + '[]{}'
    warnings = []
    sent = execute(sms.THING_SMS, monogoto(sim, iccid=VENDOR_ICCID, msg=long_one), warn=warnings.append)
    assert sent['length'] == 164 and sent['parts'] == 2
    assert len(warnings) == 1 and 'more than the 160 of one SMS' in warnings[0] and 'split into 2 parts' in warnings[0]
    assert sim.state('monogoto')['sms'][1]['Message'] == long_one


def test_sms_bad_input_fails_before_any_request(sim):
    for args, msg in ((dict(msg='  '), 'msg: must not be empty'),
                      (dict(msg='hi', sender='ThisIsTooLongASender'), "sender: 'ThisIsTooLongASender' is not"),
                      (dict(msg='hi', iccid='89'), "iccid: '89' is not a valid ICCID")):
        full = monogoto(sim, iccid=VENDOR_ICCID)
        full.update(args)
        result = execute(sms.THING_SMS, full)
        assert result['failed'] is True and result['msg'].startswith(msg), result['msg']
    assert sim.log() == []


def response(data=None, text=None, status=200):
    if text is None:
        return Response(status, {}, json.dumps(data), data, True)
    return Response(status, {}, text, None, False)


@pytest.mark.parametrize('resp, found', [
    (response('SMS_1'), 'SMS_1'),
    (response(text='abc-123'), 'abc-123'),
    (response(text='"abc-123"\n'), 'abc-123'),
    (response({'SmsId': 'x1'}), 'x1'),
    (response({'Success': True, 'Data': {'messageId': 77}}), '77'),
    (response({'id': 'i9'}), 'i9'),
    (response(12345), '12345'),
])
def test_sms_id_answers(resp, found):
    assert sms.sms_id_of(resp, VENDOR_ICCID) == found


@pytest.mark.parametrize('resp, msg', [
    (response({'Status': 'queued'}), 'the answer holds no SMS id (an object with keys: Status)'),
    (response(text='SMS was queued for delivery'), 'the answer is not an SMS id (found: SMS was queued for delivery)'),
    (response(text=''), 'the answer is not an SMS id (found: (empty body))'),
    (response([1, 2]), 'the answer is not an SMS id'),
    (response({'Success': False, 'Message': 'Thing is suspended'}), 'the API answered Success=false: Thing is suspended'),
])
def test_sms_unreadable_answers_fail_in_one_line(resp, msg):
    with pytest.raises(Exception) as info:
        sms.sms_id_of(resp, VENDOR_ICCID)
    assert msg in info.value.msg and '\n' not in info.value.msg


class FakeSmsClient:
    def __init__(self, exc):
        self.exc = exc
        self.http = HttpClient('http://127.0.0.1:9')
        self.sent = 0

    def send_sms(self, iccid, message, sender=None):
        self.sent += 1
        raise self.exc


def test_sms_that_may_have_gone_is_not_resent_and_reports_a_change():
    client = FakeSmsClient(ApiError('POST /thing/x/sms: read timed out after 5s', method='POST', path='/thing/x/sms',
                                    unsure=True))
    params = {'iccid': VENDOR_ICCID, 'msg': 'hi', 'sender': None}
    with pytest.raises(Exception) as info:
        sms.run_thing_sms(params, client)
    assert info.value.extra == {'changed': True}
    assert 'may have been sent, and is not sent again' in info.value.msg and client.sent == 1


# -- pingasset_account_password --------------------------------------------------------------------------


def test_password_check_mode_change_and_refusals(sim):
    args = pingasset(sim, old_password=USER_PASSWORD, new_password=NEW_PASSWORD)
    checked = execute(ACCOUNT_PASSWORD, dict(args), check_mode=True)
    assert checked['changed'] is True and sim.log() == []
    done = execute(ACCOUNT_PASSWORD, dict(args))
    assert done['changed'] is True and 'failed' not in done, done.get('msg')
    assert sim.state('pingasset')['password_changes'] == 1
    assert sim.sim.apps['pingasset'].user_password == NEW_PASSWORD
    # The same again: the old password is no longer the user's, and the API says so in one line.
    again = execute(ACCOUNT_PASSWORD, dict(args))
    assert again['failed'] is True and again['changed'] is False
    assert again['msg'] == ('POST /1.0/customers/accounts/password/change/: HTTP 400 Bad Request: old_password (Your '
                            'old password was entered incorrectly. Please enter it again.)')
    assert again['status'] == 400
    weak = execute(ACCOUNT_PASSWORD, pingasset(sim, old_password=NEW_PASSWORD, new_password='1234567'))
    assert weak['failed'] is True
    assert weak['msg'].endswith('HTTP 400 Bad Request: password (This password is too short. It must contain at least 8 '
                                'characters. This password is entirely numeric.)'), weak['msg']
    for result in (checked, done, again, weak):
        text = json.dumps(result)
        assert USER_PASSWORD not in text and NEW_PASSWORD not in text


def test_password_same_or_empty_fails_before_any_request(sim):
    same = execute(ACCOUNT_PASSWORD, pingasset(sim, old_password=USER_PASSWORD, new_password=USER_PASSWORD))
    assert same['failed'] is True
    assert same['msg'] == 'new_password: it is the same as old_password; a rotation needs a new password'
    empty = execute(ACCOUNT_PASSWORD, pingasset(sim, old_password=USER_PASSWORD, new_password=''))
    assert empty['failed'] is True and empty['msg'] == 'new_password: must not be empty'
    assert sim.log() == []


def test_password_api_message_echoing_a_password_is_redacted(sim):
    """A field message that quotes the password (some APIs do) must not show it."""
    sim.fault(api='pingasset', method='POST', path='password/change', status=400, times=1,
              body={'password': ['%s is too similar to the username.' % NEW_PASSWORD]})
    result = execute(ACCOUNT_PASSWORD, pingasset(sim, old_password=USER_PASSWORD, new_password=NEW_PASSWORD))
    assert result['failed'] is True and NEW_PASSWORD not in result['msg']
    assert 'is too similar to the username.' in result['msg']


def test_password_other_success_status_is_not_success(sim):
    sim.fault(api='pingasset', method='POST', path='password/change', status=200, times=1, body={'detail': 'ok'})
    result = execute(ACCOUNT_PASSWORD, pingasset(sim, old_password=USER_PASSWORD, new_password=NEW_PASSWORD))
    assert result['failed'] is True
    assert 'HTTP 200 instead of the documented 204' in result['msg']
