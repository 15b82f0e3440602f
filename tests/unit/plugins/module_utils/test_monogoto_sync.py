# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared compare-and-write path of a Thing (monogoto_sync), with fake clients: answers the simulator
does not give (a 200 that does not confirm the write), CAS conflicts, and the single-Thing modules on top."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils import monogoto_sync as sync
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import (
    THING_IMEI,
    THING_STATE,
    run_thing_imei,
    run_thing_state,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure, execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, WriteNotConfirmed

ICCID = '8912372646888991'
TID = 'ThingId_ICCID_' + ICCID
REPORTED = '356938035643809'
OTHER = '490154203237518'


def unconfirmed(path='/thing/update/', found='Thing saved?'):
    return WriteNotConfirmed('PUT %s: HTTP 200, but the answer does not say the write succeeded; found: %s'
                             % (path, found), found=found, status=200, method='PUT', path=path)


def conflict():
    return ApiError('PUT /thing/update/: HTTP 409 Conflict: cas mismatch', status=409, method='PUT',
                    path='/thing/update/')


class FakeApi:
    """A Thing behind a fake client; each write may be answered by an exception (``faults``), applied or not."""

    def __init__(self, state='ACTIVE', locked=False, master=''):
        self.thing = {'ThingId': TID, 'ExternalUniqueId': ICCID, 'IMEI': REPORTED, 'MasterIMEI': master,
                      'LockMasterImei': locked, 'State': state, 'cas': '1'}
        self.calls = []
        self.faults = []   # (exception, apply) per write, in order
        self.http = HttpClient('http://127.0.0.1:9')
        self.auth = self

    def token(self):
        return 'fake'

    def warning_to(self, warn):
        self.http = HttpClient('http://127.0.0.1:9', warn=warn)
        return self

    def _fault(self, apply_write):
        if self.faults:
            exc, apply = self.faults.pop(0)
            if apply:
                apply_write()
            raise exc
        apply_write()

    def get_thing(self, iccid):
        self.calls.append('GET thing')
        return dict(self.thing)

    def update_thing(self, body):
        self.calls.append('PUT update')

        def apply():
            self.thing.update(LockMasterImei=body['LockMasterImei'], MasterIMEI=body['MasterIMEI'],
                              cas=str(int(self.thing['cas']) + 1))
        self._fault(apply)
        return 'Thing undefined successfully saved.'

    def get_state(self, iccid):
        self.calls.append('GET state')
        return self.thing['State']

    def set_state(self, iccid, state):
        self.calls.append('PUT state')

        def apply():
            self.thing['State'] = state
        self._fault(apply)
        return 'Thing state updated successfully.'


def imei_params(**values):
    params = {'iccid': ICCID, 'imei': None, 'lock': True, 'inventory_reading': None, 'reading_max_age': 300}
    params.update(values)
    return params


def state_params(state):
    return {'iccid': ICCID, 'state': state, 'inventory_reading': None, 'reading_max_age': 300}


class FakeDef:
    """THING_IMEI / THING_STATE with the fake client instead of a real one."""

    def __init__(self, defn, api):
        self.check_params = defn.check_params
        self.run = defn.run
        self.client_factory = lambda params, warn: api.warning_to(warn)


# -- WriteNotConfirmed ----------------------------------------------------------------------------------


def test_unconfirmed_lock_that_the_thing_shows_counts_with_one_warning():
    api = FakeApi()
    api.faults.append((unconfirmed(), True))
    warnings = []
    result = execute(FakeDef(THING_IMEI, api), imei_params(), diff=True, warn=warnings.append)
    assert result['changed'] is True and 'failed' not in result
    assert result['diff']['before'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert result['diff']['after'] == {'LockMasterImei': True, 'MasterIMEI': REPORTED}
    # read, write, read again to check it: the Thing read again is the result, no further read
    assert api.calls == ['GET thing', 'PUT update', 'GET thing']
    assert result['thing']['cas'] == '2' and result['thing']['LockMasterImei'] is True
    assert warnings == ["ICCID %s: PUT /thing/update/ answered without confirming the change (the answer: Thing "
                        "saved?); the Thing read again shows it made" % ICCID]


def test_unconfirmed_lock_that_the_thing_does_not_show_fails_naming_the_answer():
    api = FakeApi()
    api.faults.append((unconfirmed(found='<html>maintenance</html>'), False))
    result = execute(FakeDef(THING_IMEI, api), imei_params(imei=OTHER))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == (
        "ICCID %s: PUT /thing/update/ answered without confirming the change (the answer: <html>maintenance</html>), "
        "and the Thing read again shows LockMasterImei=false, MasterIMEI='', not LockMasterImei=true, "
        "MasterIMEI='%s'" % (ICCID, OTHER))
    assert '\n' not in result['msg']
    assert api.calls == ['GET thing', 'PUT update', 'GET thing']


def test_unconfirmed_write_whose_check_cannot_be_read_fails_saying_both():
    api = FakeApi()
    api.faults.append((unconfirmed(), False))
    original = api.get_thing
    reads = []

    def get_thing(iccid):
        reads.append(iccid)
        if len(reads) > 1:
            raise ApiError('GET /thing/%s: HTTP 503 Service Unavailable: busy' % TID, status=503)
        return original(iccid)

    api.get_thing = get_thing
    with pytest.raises(ModuleFailure) as err:
        run_thing_imei(imei_params(), api)
    assert err.value.msg.startswith('ICCID %s: PUT /thing/update/ answered without confirming the change' % ICCID)
    assert err.value.msg.endswith(', and reading the Thing again failed: GET /thing/%s: HTTP 503 Service '
                                  'Unavailable: busy' % TID)


def no_answer(path='/thing/update/'):
    """A write that timed out after it was sent and was not sent again: the API may have carried it out."""
    return ApiError('PUT %s: read timed out after 5.0s (no complete answer within the 5s deadline: the headers had '
                    'not all come); gave up after 2 attempt(s) in 9.1 s (retry_time_budget 10 s)' % path,
                    method='PUT', path=path, unsure=True)


@pytest.mark.parametrize('applied', [True, False])
def test_a_write_without_a_complete_answer_is_judged_by_reading_the_thing_again(applied):
    api = FakeApi()
    api.faults.append((no_answer(), applied))
    warnings = []
    result = execute(FakeDef(THING_IMEI, api), imei_params(), warn=warnings.append)
    assert api.calls == ['GET thing', 'PUT update', 'GET thing']
    head = ('ICCID %s: PUT /thing/update/ got no complete answer, so it may or may not have been carried out '
            '(PUT /thing/update/: read timed out after 5.0s' % ICCID)
    if applied:
        assert result['changed'] is True and 'failed' not in result
        assert len(warnings) == 1 and warnings[0].startswith(head)
        assert warnings[0].endswith('; the Thing read again shows it made')
    else:
        assert result['failed'] is True and result['changed'] is False
        assert result['msg'].startswith(head) and ', and the Thing read again shows LockMasterImei=false' in result['msg']


def test_a_write_refused_before_it_was_sent_is_not_read_again():
    api = FakeApi()
    api.faults.append((ApiError('PUT /thing/update/: HTTP 400 Bad Request: Invalid input data', status=400,
                                method='PUT', path='/thing/update/'), False))
    result = execute(FakeDef(THING_IMEI, api), imei_params())
    assert result['failed'] is True and 'HTTP 400' in result['msg']
    assert api.calls == ['GET thing', 'PUT update']


def test_unconfirmed_state_that_the_api_shows_counts():
    api = FakeApi()
    api.faults.append((unconfirmed('/thing/%s/state/' % TID, 'OK'), True))
    warnings = []
    result = execute(FakeDef(THING_STATE, api), state_params('SUSPENDED'), warn=warnings.append)
    assert result['changed'] is True and result['state'] == 'SUSPENDED'
    assert result['api_message'] == 'OK'
    assert api.calls == ['GET state', 'PUT state', 'GET state']
    assert len(warnings) == 1 and 'without confirming the change (the answer: OK)' in warnings[0]


def test_unconfirmed_state_that_the_api_does_not_show_fails():
    api = FakeApi()
    api.faults.append((unconfirmed('/thing/%s/state/' % TID, 'OK'), False))
    result = execute(FakeDef(THING_STATE, api), state_params('SUSPENDED'))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'] == ("ICCID %s: PUT /thing/%s/state/ answered without confirming the change (the answer: OK), "
                             "and the Thing read again shows state='ACTIVE', not state='SUSPENDED'" % (ICCID, TID))


# -- CAS conflicts ---------------------------------------------------------------------------------------


def test_conflict_then_success_rereads_once_and_writes_twice():
    api = FakeApi()
    api.faults.append((conflict(), False))
    notes = []
    thing = api.get_thing(ICCID)
    done = sync.write(api, sync.IMEI, imei_params(imei=OTHER), thing, sync.imei_state(thing),
                      {'LockMasterImei': True, 'MasterIMEI': OTHER}, lambda *n: notes.append(n))
    assert done.changed is True and done.read_after is False
    assert api.calls == ['GET thing', 'PUT update', 'GET thing', 'PUT update']
    assert [n[0] for n in notes] == ['conflict'] and notes[0][1] == ICCID
    assert api.thing['MasterIMEI'] == OTHER


def test_state_writes_are_not_retried_on_409():
    """The state call sends no cas: a 409 there is the API's refusal, not a conflict to read again for."""
    api = FakeApi()
    api.faults.append((ApiError('PUT /thing/%s/state/: HTTP 409 Conflict: busy' % TID, status=409), False))
    with pytest.raises(ApiError, match='HTTP 409'):
        run_thing_state(state_params('SUSPENDED'), api)
    assert api.calls == ['GET state', 'PUT state']


def test_groups_say_what_a_thing_shows():
    assert sync.IMEI.current({'IMEI': REPORTED}) is None  # no LockMasterImei: the listing does not show the lock
    assert sync.IMEI.current({'lockmasterimei': 'true', 'MasterIMEI': OTHER}) == {'LockMasterImei': True,
                                                                                  'MasterIMEI': OTHER}
    assert sync.STATE.current({'State': ''}) is None and sync.STATE.current({'state': 'RETIRED'}) == {'state': 'RETIRED'}
    assert [g.name for g in sync.GROUPS] == ['imei', 'name', 'description', 'state']
    assert sync.NAME.current({'IMEI': REPORTED}) is None  # a listing without ThingName does not show the name
    assert sync.NAME.current({'thingname': 'x'}) == {'ThingName': 'x'}
    assert sync.DESCRIPTION.current({'ThingDescription': None}) == {'ThingDescription': ''}
    assert sync.DESCRIPTION.values({}) == {'ThingDescription': ''}
    assert sync.NAME.manages({'name': ''}) and not sync.NAME.manages({'name': None, 'description': 'd'})
    assert sync.describe({'MasterIMEI': '', 'LockMasterImei': True}) == "LockMasterImei=true, MasterIMEI=''"


def test_attempts_of_the_last_call_are_per_thread():
    """Threads sharing one client (the fleet's writes) each see how often their own last call was sent."""
    http = HttpClient('http://127.0.0.1:9')
    http.last_attempts = 3
    seen = []
    worker = threading.Thread(target=lambda: seen.append(http.last_attempts))
    worker.start()
    worker.join()
    assert seen == [0] and http.last_attempts == 3
