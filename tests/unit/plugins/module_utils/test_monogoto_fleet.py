# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""monogoto_fleet's logic: its input checks, and runs against the simulator (a real client) and fake clients."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_fleet import FLEET, check_fleet_params, run_fleet
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure, execute
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, HttpClient, WriteNotConfirmed
from ansible_collections.fleetops.ping.tests.simulator.monogoto import PASSWORD, USERNAME, VENDOR_ICCID, make_iccid

IMEI_A = '490154203237518'
IMEI_B = '356938035643809'
ICCIDS = [make_iccid(i) for i in range(1, 11)]
UPDATE = '/thing/update/'


def params(sim, **values):
    result = dict((name, spec.get('default')) for name, spec in FLEET.argument_spec.items())
    result.update(api_url=sim.url + '/monogoto', username=USERNAME, password=PASSWORD, timeout=5.0)
    result.update(values)
    return result


def checked(**values):
    p = {'things': None, 'iccids': None, 'defaults': None, 'concurrency': 8}
    p.update(values)
    check_fleet_params(p)
    return p['_fleet_entries']


def things(sim):
    return sim.state('monogoto')['things']


def thing(sim, iccid):
    return things(sim)['ThingId_ICCID_' + iccid]


def writes(sim):
    return [(e['method'], e['path'], e['object'], e['status']) for e in sim.log() if e['write']]


def tid(iccid):
    return 'ThingId_ICCID_' + iccid


# -- input, checked before any request -----------------------------------------------------------------------


def test_entries_take_the_defaults_they_do_not_set():
    entries = checked(things=[{'iccid': ICCIDS[0], 'lock': 'true'}, {'iccid': ' %s ' % ICCIDS[1], 'state': 'SUSPENDED'},
                              {'iccid': ICCIDS[2], 'imei': IMEI_A, 'lock': 'yes', 'state': ''}],
                      iccids=[ICCIDS[3]], defaults={'state': 'ACTIVE', 'lock': None})
    assert entries == [
        {'iccid': ICCIDS[0], 'lock': True, 'state': 'ACTIVE'},
        {'iccid': ICCIDS[1], 'state': 'SUSPENDED'},
        {'iccid': ICCIDS[2], 'imei': IMEI_A, 'lock': True, 'state': 'ACTIVE'},  # an empty cell sets nothing
        {'iccid': ICCIDS[3], 'state': 'ACTIVE'},
    ]


@pytest.mark.parametrize('value, expected', [('true', True), ('False', False), ('no', False), ('1', True), (0, False),
                                             (True, True), ('on', True)])
def test_lock_is_converted_as_ansible_converts_a_bool(value, expected):
    assert checked(things=[{'iccid': ICCIDS[0], 'lock': value}])[0]['lock'] is expected


def test_an_empty_imei_clears_and_repeated_identical_wishes_merge():
    entries = checked(things=[{'iccid': ICCIDS[0], 'imei': '', 'lock': False}, {'iccid': ICCIDS[0], 'imei': '',
                                                                                'lock': 'false'}],
                      iccids=[ICCIDS[1], ICCIDS[1]], defaults={'lock': True})
    assert entries == [{'iccid': ICCIDS[0], 'imei': '', 'lock': False}, {'iccid': ICCIDS[1], 'lock': True}]


@pytest.mark.parametrize('values, msg', [
    ({'things': []}, 'things, iccids: no SIM given; list the SIMs in things (dicts) or iccids (with defaults)'),
    ({'iccids': [], 'defaults': {'lock': True}}, 'things, iccids: no SIM given'),
    ({'things': [{'iccid': '894450010000000', 'lock': True}]},
     "things[0].iccid: '894450010000000' is not a valid ICCID: it must be 16 to 22 digits long, found 15"),
    ({'iccids': [ICCIDS[0], '8944x'], 'defaults': {'lock': True}},
     "iccids[1]: '8944x' is not a valid ICCID: it must contain digits only"),
    ({'things': [{'iccid': ICCIDS[0], 'imei': '490154203237519', 'lock': True}]},
     "things[0].imei: '490154203237519' is not a valid IMEI: its check digit should be 8 (Luhn), found 9"),
    ({'things': [{'iccid': ICCIDS[0], 'state': 'RETIRED'}]},
     "things[0].state: must be one of ACTIVE, SUSPENDED, found 'RETIRED'"),
    ({'things': [{'iccid': ICCIDS[0], 'state': 'active'}]},
     "things[0].state: must be one of ACTIVE, SUSPENDED, found 'active'"),
    ({'things': [{'iccid': ICCIDS[0], 'lock': 'maybe'}]},
     "things[0].lock: 'maybe' is not a boolean (true/false, yes/no, 1/0)"),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True, 'State': 'ACTIVE', 'Name': 'x'}]},
     'things[0]: unknown key(s) Name, State; an entry may have iccid, imei, lock, name, description, state'),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'defaults': {'iccid': ICCIDS[1]}},
     'defaults: unknown key(s) iccid; an entry may have imei, lock, description, state'),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'defaults': {'name': 'tracker'}},
     "defaults.name: a name is one SIM's own (defaults would give every SIM the same one); give name in the entries "
     "of things"),
    ({'things': [{'iccid': ICCIDS[0], 'name': '  '}]},
     'things[0].name: must not be empty (a Thing keeps a name; give the one it should have)'),
    ({'things': [{'iccid': ICCIDS[0], 'description': ['a']}]}, 'things[0].description: must be a string, found list'),
    ({'things': [{'lock': True}]}, 'things[0]: iccid is required'),
    ({'things': [ICCIDS[0]]}, "things[0]: expected a dict with iccid and any of imei, lock, name, description, state, found '%s'" % ICCIDS[0]),
    ({'things': [{'iccid': ICCIDS[0], 'imei': IMEI_A}]},
     'things[0] (ICCID %s): imei needs lock (true or false), as in monogoto_thing_imei; set lock in the entry or in '
     'defaults' % ICCIDS[0]),
    ({'things': [{'iccid': ICCIDS[0], 'imei': '', 'lock': True}]},
     'things[0] (ICCID %s): an empty imei clears the master IMEI, which conflicts with lock=true; give the IMEI to '
     'lock to, or leave imei out to lock to the one the SIM reports' % ICCIDS[0]),
    ({'iccids': [ICCIDS[0]]},
     'iccids[0] (ICCID %s): nothing to manage; give lock, name, description or state, in the entry or in '
     'defaults' % ICCIDS[0]),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'iccids': [ICCIDS[0]], 'defaults': {'state': 'ACTIVE'}},
     "iccids[0]: ICCID %s is given twice with different wishes (things[0]: lock=true, state='ACTIVE'; iccids[0]: "
     "state='ACTIVE'); give each SIM once, or the same wishes each time" % ICCIDS[0]),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'concurrency': 0}, 'concurrency: must be between 1 and 32, found 0'),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'concurrency': 33}, 'concurrency: must be between 1 and 32, found 33'),
    ({'things': [{'iccid': ICCIDS[0], 'lock': True}], 'max_things': 0}, 'max_things: must be 1 or more, found 0'),
])
def test_bad_input_fails_before_any_request(sim, values, msg):
    result = execute(FLEET, params(sim, **values))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith(msg), result['msg']
    assert '\n' not in result['msg']
    assert sim.log() == []


# -- against the simulator -------------------------------------------------------------------------------------


def drifted(sim):
    """Locks the second half of ICCIDS to their IMEI through the API; returns wishes that the first half misses:
    all locked and active, except ICCIDS[3] suspended and ICCIDS[4] locked to another IMEI."""
    sim.monogoto_lock([tid(i) for i in ICCIDS[5:]])
    desired = [{'iccid': i, 'lock': True, 'state': 'ACTIVE'} for i in ICCIDS]
    desired[3]['state'] = 'SUSPENDED'
    desired[4]['imei'] = IMEI_A
    sim.clear_log()
    return desired


def test_check_mode_reports_the_drift_and_writes_nothing(sim):
    desired = drifted(sim)
    result = execute(FLEET, params(sim, things=desired), check_mode=True, diff=True)
    assert result['changed'] is True and 'failed' not in result
    assert result['summary'] == {'things': 10, 'unchanged': 5, 'changed': 5, 'failed': 0}
    assert [c['iccid'] for c in result['changes']] == ICCIDS[:5]
    assert writes(sim) == []
    assert [e['path'] for e in sim.log()] == ['/Auth', '/things']  # 20 Things: one page
    reported = thing(sim, ICCIDS[3])['IMEI']
    assert result['changes'][3] == {
        'iccid': ICCIDS[3], 'thing_id': tid(ICCIDS[3]),
        'before': {'LockMasterImei': False, 'MasterIMEI': '', 'state': 'ACTIVE'},
        'after': {'LockMasterImei': True, 'MasterIMEI': reported, 'state': 'SUSPENDED'}}
    assert result['changes'][4]['after'] == {'LockMasterImei': True, 'MasterIMEI': IMEI_A, 'state': 'ACTIVE'}
    # one diff entry per change, in the same order, headed by the Thing id
    assert result['diff'] == [{'before': c['before'], 'after': c['after'], 'before_header': c['thing_id'],
                               'after_header': c['thing_id']} for c in result['changes']]
    assert result['failures'] == []


def test_apply_writes_once_per_drifted_attribute_and_a_second_run_nothing(sim):
    desired = drifted(sim)
    result = execute(FLEET, params(sim, things=desired, concurrency=4), diff=True)
    assert result['changed'] is True and 'failed' not in result
    assert result['summary'] == {'things': 10, 'unchanged': 5, 'changed': 5, 'failed': 0}
    done = writes(sim)
    # five locks and one state change, each written once and answered 200; no read of any single Thing
    assert sorted(w[2] for w in done if w[1] == UPDATE) == sorted(tid(i) for i in ICCIDS[:5])
    assert [w[1] for w in done if w[1] != UPDATE] == ['/thing/%s/state/' % tid(ICCIDS[3])]
    assert all(w[3] == 200 for w in done) and len(done) == 6
    assert [e['path'] for e in sim.log() if not e['write']] == ['/Auth', '/things']
    stored = things(sim)
    for wish in desired:
        data = stored[tid(wish['iccid'])]
        assert data['LockMasterImei'] is True and data['State'] == wish['state']
        assert data['MasterIMEI'] == wish.get('imei', data['IMEI'])
    assert len(result['diff']) == 5
    sim.clear_log()
    again = execute(FLEET, params(sim, things=desired))
    assert again['changed'] is False and again['changes'] == [] and 'diff' not in again
    assert again['summary'] == {'things': 10, 'unchanged': 10, 'changed': 0, 'failed': 0}
    assert writes(sim) == [] and [e['path'] for e in sim.log()] == ['/things']
    assert again['api_calls']['requests'] == 1


def test_a_sim_that_fails_does_not_stop_the_others_and_a_rerun_converges(sim):
    sim.sim.apps['monogoto'].things[tid(ICCIDS[2])]['State'] = 'RETIRED'
    missing = '8944500100000009999'
    wishes = [{'iccid': i, 'state': 'SUSPENDED'} for i in ICCIDS[:4]] + [{'iccid': missing, 'lock': True}]
    result = execute(FLEET, params(sim, things=wishes, defaults={'lock': True}))
    assert result['failed'] is True and result['changed'] is True
    assert result['summary'] == {'things': 5, 'unchanged': 0, 'changed': 4, 'failed': 2}
    # the RETIRED SIM got its lock (written first) but not its state: changed and failed
    assert [c['iccid'] for c in result['changes']] == ICCIDS[:4]
    assert result['changes'][2]['before'] == {'LockMasterImei': False, 'MasterIMEI': ''}
    assert result['failures'] == [
        {'iccid': ICCIDS[2], 'msg': 'PUT /thing/%s/state/: HTTP 400 Bad Request: A RETIRED thing cannot change state'
                                    % tid(ICCIDS[2])},
        {'iccid': missing, 'msg': 'ICCID %s: not in the account (the listing GET /things holds 20 Things, none with '
                                  'this ICCID)' % missing}]
    assert result['msg'] == (
        '2 of 5 SIMs failed (4 changed, 0 unchanged): ICCID %s: PUT /thing/%s/state/: HTTP 400 Bad Request: A RETIRED '
        'thing cannot change state; ICCID %s: not in the account (the listing GET /things holds 20 Things, none with '
        'this ICCID)' % (ICCIDS[2], tid(ICCIDS[2]), missing))
    assert [thing(sim, i)['State'] for i in ICCIDS[:4]] == ['SUSPENDED', 'SUSPENDED', 'RETIRED', 'SUSPENDED']
    leaked = [s for s in sim.sim.apps['monogoto'].secrets() if s and s in json.dumps(result)]
    assert not leaked
    # Fixed: the rerun writes only what is still missing, once.
    sim.sim.apps['monogoto'].things[tid(ICCIDS[2])]['State'] = 'ACTIVE'
    sim.clear_log()
    again = execute(FLEET, params(sim, things=wishes[:4], defaults={'lock': True}))
    assert 'failed' not in again and again['summary'] == {'things': 4, 'unchanged': 3, 'changed': 1, 'failed': 0}
    assert writes(sim) == [('PUT', '/thing/%s/state/' % tid(ICCIDS[2]), None, 200)]


def test_a_stale_listing_costs_one_read_and_one_retry_for_that_sim_only(sim):
    """Another writer changes one Thing after the listing: its cas is out of date, the others' are not."""
    from ansible_collections.fleetops.ping.tests.simulator.control import SimControl
    p = params(sim, iccids=ICCIDS[:4], defaults={'lock': True, 'imei': IMEI_A}, concurrency=1)
    check_fleet_params(p)
    client = FLEET.client_factory(p, None)
    original = client.update_thing
    raced = []

    def update(body):
        if body['ThingId'] == tid(ICCIDS[1]) and not raced:
            raced.append(True)
            SimControl(sim.url).monogoto_lock([tid(ICCIDS[1])])  # locked to its own IMEI meanwhile
        return original(body)

    client.update_thing = update
    result = run_fleet(p, client)
    assert result['summary'] == {'things': 4, 'unchanged': 0, 'changed': 4, 'failed': 0}
    updates = [(w[2], w[3]) for w in writes(sim) if w[1] == UPDATE]
    assert updates.count((tid(ICCIDS[1]), 409)) == 1 and updates.count((tid(ICCIDS[1]), 200)) == 2  # theirs and ours
    assert [e['path'] for e in sim.log() if not e['write']].count('/thing/' + tid(ICCIDS[1])) == 1
    assert all(thing(sim, i)['MasterIMEI'] == IMEI_A for i in ICCIDS[:4])
    # The diff of the raced SIM starts from the Thing as read again.
    assert result['changes'][1]['before'] == {'LockMasterImei': True, 'MasterIMEI': thing(sim, ICCIDS[1])['IMEI']}
    assert len(client.http.warnings) == 1 and 'CAS conflict (HTTP 409)' in client.http.warnings[0]


def test_lock_to_the_reported_imei_fails_for_a_sim_that_reports_none(sim):
    sim.sim.apps['monogoto'].things[tid(ICCIDS[0])]['IMEI'] = ''
    result = execute(FLEET, params(sim, iccids=ICCIDS[:2], defaults={'lock': True}))
    assert result['failed'] is True and result['summary']['failed'] == 1 and result['summary']['changed'] == 1
    assert result['failures'][0]['msg'].startswith('ICCID %s: lock=true without imei locks to the IMEI the SIM reports'
                                                   % ICCIDS[0])
    assert [w[2] for w in writes(sim)] == [tid(ICCIDS[1])]


def test_a_listing_without_the_state_reads_it_per_sim(sim):
    listed = [dict(t) for t in things(sim).values()]
    for item in listed:
        del item['State']
    sim.fault(api='monogoto', method='GET', path='^/things$', status=200, body=listed, times=1)
    result = execute(FLEET, params(sim, iccids=ICCIDS[:3], defaults={'state': 'SUSPENDED'}), check_mode=True)
    assert result['summary'] == {'things': 3, 'unchanged': 0, 'changed': 3, 'failed': 0}
    assert sorted(e['path'] for e in sim.log() if e['path'].endswith('/state/')) == sorted(
        '/thing/%s/state/' % tid(i) for i in ICCIDS[:3])
    assert writes(sim) == []


# -- fake clients: what the simulator does not answer ------------------------------------------------------------


class FakeFleet:
    """A Monogoto account behind a fake client: Things by ICCID, a listing, and the writes; ``answers`` maps
    (iccid, call) to an exception the write raises, with or without carrying it out."""

    def __init__(self, count=6):
        self.things = {}
        for index in range(1, count + 1):
            iccid = make_iccid(index)
            self.things[iccid] = {'ThingId': tid(iccid), 'ExternalUniqueId': iccid, 'IMEI': IMEI_B,
                                  'MasterIMEI': '', 'LockMasterImei': False, 'State': 'ACTIVE', 'cas': '1'}
        self.calls = []
        self.answers = {}
        self.http = HttpClient('http://127.0.0.1:9')
        self.auth = self

    def token(self):
        return 'fake'

    def list_things(self, limit, offset):
        self.calls.append(('list', offset))
        return [dict(t) for t in list(self.things.values())[offset:offset + limit]]

    def get_thing(self, iccid):
        self.calls.append(('get', iccid))
        return dict(self.things[iccid])

    def get_state(self, iccid):
        self.calls.append(('get_state', iccid))
        return self.things[iccid]['State']

    def _write(self, iccid, call, apply):
        self.calls.append((call, iccid))
        exc, applied = self.answers.get((iccid, call), (None, True))
        if applied:
            apply()
        if exc is not None:
            raise exc

    def update_thing(self, body):
        iccid = body['ThingId'][len('ThingId_ICCID_'):]
        thing = self.things[iccid]
        if str(body['cas']) != thing['cas']:
            self.calls.append(('update', iccid))
            raise ApiError('PUT /thing/update/: HTTP 409 Conflict: cas mismatch', status=409)

        def apply():
            thing.update(LockMasterImei=body['LockMasterImei'], MasterIMEI=body['MasterIMEI'],
                         cas=str(int(thing['cas']) + 1))
        self._write(iccid, 'update', apply)
        return 'Thing undefined successfully saved.'

    def set_state(self, iccid, state):
        self._write(iccid, 'set_state', lambda: self.things[iccid].update(State=state))
        return 'Thing state updated successfully.'


def fake_params(**values):
    p = {'things': None, 'iccids': None, 'defaults': None, 'concurrency': 3}
    p.update(values)
    check_fleet_params(p)
    return p


def unconfirmed(path, found):
    return WriteNotConfirmed('PUT %s: HTTP 200, but the answer does not confirm the write; found: %s' % (path, found),
                             found=found, status=200, method='PUT', path=path)


def test_check_mode_never_calls_a_write():
    api = FakeFleet()
    for name in ('update_thing', 'set_state'):
        setattr(api, name, lambda *a: pytest.fail('a write in check mode'))
    result = run_fleet(fake_params(iccids=list(api.things), defaults={'lock': True, 'state': 'SUSPENDED'}), api,
                       check_mode=True)
    assert result['summary'] == {'things': 6, 'unchanged': 0, 'changed': 6, 'failed': 0}
    assert api.calls == [('list', 0)]


def test_unconfirmed_writes_count_only_when_the_thing_shows_them():
    api = FakeFleet()
    first, second, third = list(api.things)[:3]
    # first: the lock's answer is odd but the Thing shows it; second: the state's answer is odd and it did not happen
    api.answers[(first, 'update')] = (unconfirmed('/thing/update/', 'Thing saved?'), True)
    api.answers[(second, 'set_state')] = (unconfirmed('/thing/%s/state/' % tid(second), 'queued'), False)
    api.answers[(third, 'update')] = (unconfirmed('/thing/update/', 'Thing saved?'), True)
    warnings = []
    api.http = HttpClient('http://127.0.0.1:9', warn=warnings.append)
    with pytest.raises(ModuleFailure) as err:
        run_fleet(fake_params(iccids=[first, second, third], defaults={'lock': True, 'state': 'SUSPENDED'}), api)
    result = err.value.extra
    assert result['summary'] == {'things': 3, 'unchanged': 0, 'changed': 3, 'failed': 1}
    assert result['failures'] == [{'iccid': second, 'msg': (
        "ICCID %s: PUT /thing/%s/state/ answered without confirming the change (the answer: queued), and the Thing "
        "read again shows state='ACTIVE', not state='SUSPENDED'" % (second, tid(second)))}]
    assert result['changes'][1]['after'] == {'LockMasterImei': True, 'MasterIMEI': IMEI_B}  # its lock was written
    assert api.things[first]['LockMasterImei'] is True and api.things[second]['State'] == 'ACTIVE'
    # one warning for the two SIMs whose answer did not confirm the lock, naming the second of them
    assert warnings == ['ICCID %s: PUT /thing/update/ answered without confirming the change (the answer: Thing saved?); '
                        'the Thing read again shows it made (the same for 1 more SIM(s): ICCID %s)' % (first, third)]
    assert err.value.msg.startswith('1 of 3 SIMs failed (3 changed, 0 unchanged): ICCID %s: PUT' % second)


def test_a_cas_conflict_twice_fails_that_sim_only():
    api = FakeFleet()
    first, second = list(api.things)[:2]
    api.answers[(first, 'update')] = (ApiError('PUT /thing/update/: HTTP 412 Precondition Failed: stale', status=412),
                                      False)
    with pytest.raises(ModuleFailure) as err:
        run_fleet(fake_params(iccids=[first, second], defaults={'lock': True}), api)
    assert err.value.extra['failures'] == [{'iccid': first, 'msg': (
        'ICCID %s: the Thing changed again while it was being updated (CAS conflict twice); last answer: PUT '
        '/thing/update/: HTTP 412 Precondition Failed: stale' % first)}]
    assert api.calls.count(('update', first)) == 2 and api.calls.count(('get', first)) == 1
    assert api.things[second]['LockMasterImei'] is True


def test_many_failures_are_summed_up_in_one_line():
    api = FakeFleet(count=8)
    for iccid in api.things:
        api.answers[(iccid, 'set_state')] = (ApiError('PUT /thing/%s/state/: HTTP 400 Bad Request: no' % tid(iccid),
                                                      status=400), False)
    with pytest.raises(ModuleFailure) as err:
        run_fleet(fake_params(iccids=list(api.things), defaults={'state': 'SUSPENDED'}), api)
    assert err.value.msg.startswith('8 of 8 SIMs failed (0 changed, 0 unchanged): ICCID ')
    assert err.value.msg.endswith('; and 5 more (see failures)')
    assert err.value.msg.count('HTTP 400') == 3 and '\n' not in err.value.msg
    assert err.value.extra['changed'] is False and len(err.value.extra['failures']) == 8


def test_the_listing_failing_fails_the_task_before_any_write():
    api = FakeFleet()

    def broken(limit, offset):
        raise ApiError('GET /things: HTTP 500 Internal Server Error: down', status=500)
    api.list_things = broken
    with pytest.raises(ApiError, match='HTTP 500'):
        run_fleet(fake_params(iccids=list(api.things), defaults={'lock': True}), api)
    assert api.calls == []


def test_pages_that_never_end_fail_the_task_at_max_things_before_any_write(sim):
    sim.hostile('endless_pages', api='monogoto', path='^/things$', times=-1)
    result = execute(FLEET, params(sim, iccids=ICCIDS, defaults={'lock': True}, concurrency=4, max_things=200))
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('GET /things: more than max_things (200) Things, and the listing goes on')
    listing = [e for e in sim.log() if e['path'].rstrip('/') == '/things']
    assert len(listing) <= 200 // 50 + 4  # the read-ahead window at most
    assert writes(sim) == [w for w in writes(sim) if w[1] == '/Auth']  # a login at most, no write


def test_a_fleet_already_right_returns_the_summary_and_nothing_per_sim(sim):
    """An unchanged SIM has no entry anywhere: the result of a right fleet is the summary and two empty lists."""
    sim.monogoto_lock([tid(VENDOR_ICCID)])
    sim.clear_log()
    result = execute(FLEET, params(sim, iccids=[VENDOR_ICCID], defaults={'lock': True, 'state': 'ACTIVE'}))
    assert result == {'changed': False, 'summary': {'things': 1, 'unchanged': 1, 'changed': 0, 'failed': 0},
                      'changes': [], 'failures': [], 'api_calls': result['api_calls']}
