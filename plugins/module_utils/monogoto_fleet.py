# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic of ``monogoto_fleet``: bring a list of SIMs to their desired lock, name, description and state from one listing.

The task reads the whole account with the listing (``GET /things``, pages read ``concurrency`` at a time,
:func:`monogoto_things.list_all_things`), compares every SIM asked for against the Thing listed, with the rules
of the single-Thing modules (:mod:`monogoto_sync`), and writes only what differs, ``concurrency`` SIMs at a time,
through the one client (so the one shared rate limiter), with the ``cas`` of the listing. A SIM that cannot be
brought to its state does not stop the others: the task fails afterwards with a one-line summary.

Everything about the input is checked before any request (:func:`check_fleet_params`), by hand rather than by
the argument spec's sub-options, which would cost seconds over 100,000 entries and could not name the entry.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible.module_utils.common.validation import check_type_bool

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import monogoto_argument_spec, thing_id
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_sync import GROUPS, SETTABLE_STATES, write
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import (
    _iccid_of,
    _map,
    client_factory,
    MAX_THINGS,
    check_text,
    list_all_things,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, one_line
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_iccid, check_imei

WISH_KEYS = ('imei', 'lock', 'name', 'description', 'state')
ENTRY_KEYS = ('iccid',) + WISH_KEYS
# A name is one SIM's own: defaults would give every SIM the same one.
DEFAULT_KEYS = tuple(k for k in WISH_KEYS if k != 'name')
DEFAULT_CONCURRENCY = 8
MAX_CONCURRENCY = 32
SHOWN_FAILURES = 3      # failures named in the task's message
SHOWN_ALIKE = 5         # ICCIDs named in a warning that sums up many alike
ENTRIES = '_fleet_entries'  # where check_fleet_params leaves the checked entries for run_fleet (popped there)


# -- input ----------------------------------------------------------------------------------------------


def _wishes(raw, where):
    """The wishes of one entry (or of ``defaults``), checked and converted; a key not set is left out.

    ``lock`` is converted as Ansible converts a bool option (``"true"``, ``"yes"``, ``"1"`` ... from a CSV file);
    an empty ``lock`` or ``state`` (an empty CSV cell) is not set. ``imei: ""`` clears the master IMEI, as in
    ``monogoto_thing_imei``.
    """
    wish = {}
    imei = raw.get('imei')
    if imei is not None:
        wish['imei'] = '' if str(imei).strip() == '' else check_imei(imei, option=where + '.imei')
    lock = raw.get('lock')
    if lock is not None and lock != '':
        try:
            wish['lock'] = check_type_bool(lock)
        except TypeError:
            raise ModuleFailure('%s.lock: %r is not a boolean (true/false, yes/no, 1/0)' % (where, lock))
    for key in ('name', 'description'):
        # As in monogoto_thing, except that an empty value (an empty CSV cell) sets nothing: a file with a blank
        # description must not wipe the SIM's.
        value = raw.get(key)
        if value is not None and value != '':
            wish[key] = check_text(value, '%s.%s' % (where, key), allow_empty=key != 'name')
    state = raw.get('state')
    if state is not None and state != '':
        if state not in SETTABLE_STATES:
            raise ModuleFailure('%s.state: must be one of %s, found %r' % (where, ', '.join(SETTABLE_STATES), state))
        wish['state'] = state
    return wish


def _unknown_keys(raw, allowed, where):
    unknown = [str(k) for k in raw if k not in allowed]
    if unknown:
        raise ModuleFailure('%s: unknown key(s) %s; an entry may have %s' % (
            where, ', '.join(sorted(unknown)), ', '.join(allowed)))


def _shown(wish):
    return ', '.join('%s=%s' % (k, str(wish[k]).lower() if isinstance(wish[k], bool) else repr(wish[k]))
                     for k in WISH_KEYS if k in wish) or 'nothing'


def _check_entry(wish, where):
    iccid = wish['iccid']
    if wish.get('lock') is None and wish.get('imei') is not None:
        raise ModuleFailure('%s (ICCID %s): imei needs lock (true or false), as in monogoto_thing_imei; set lock in '
                            'the entry or in defaults' % (where, iccid))
    if wish.get('lock') and wish.get('imei') == '':
        raise ModuleFailure('%s (ICCID %s): an empty imei clears the master IMEI, which conflicts with lock=true; '
                            'give the IMEI to lock to, or leave imei out to lock to the one the SIM reports'
                            % (where, iccid))
    if all(wish.get(key) is None for key in ('lock', 'name', 'description', 'state')):
        raise ModuleFailure('%s (ICCID %s): nothing to manage; give lock, name, description or state, in the entry '
                            'or in defaults' % (where, iccid))


def check_fleet_params(params):
    """Check and merge ``things``, ``iccids`` and ``defaults`` into one list of entries, before any request."""
    concurrency = params.get('concurrency')
    if concurrency is None or not 1 <= concurrency <= MAX_CONCURRENCY:
        raise ModuleFailure('concurrency: must be between 1 and %d, found %s' % (MAX_CONCURRENCY, concurrency))
    if params.get('max_things') is not None and params['max_things'] < 1:
        raise ModuleFailure('max_things: must be 1 or more, found %s' % params['max_things'])
    raw_defaults = params.get('defaults') or {}
    if raw_defaults.get('name') not in (None, ''):
        raise ModuleFailure('defaults.name: a name is one SIM\'s own (defaults would give every SIM the same one); '
                            'give name in the entries of things')
    _unknown_keys(dict((k, v) for k, v in raw_defaults.items() if k != 'name'), DEFAULT_KEYS, 'defaults')
    defaults = _wishes(raw_defaults, 'defaults')
    entries, where_of = {}, {}

    def add(wish, where):
        iccid = wish['iccid']
        known = entries.get(iccid)
        if known is None:
            _check_entry(wish, where)
            entries[iccid] = wish
            where_of[iccid] = where
        elif known != wish:
            raise ModuleFailure('%s: ICCID %s is given twice with different wishes (%s: %s; %s: %s); give each SIM '
                                'once, or the same wishes each time' % (
                                    where, iccid, where_of[iccid], _shown(known), where, _shown(wish)))

    things = params.get('things') or []
    for index, raw in enumerate(things):
        where = 'things[%d]' % index
        if not isinstance(raw, dict):
            raise ModuleFailure('%s: expected a dict with iccid and any of imei, lock, name, description, state, found %s'
                                % (where, one_line(repr(raw), 80)))
        _unknown_keys(raw, ENTRY_KEYS, where)
        if raw.get('iccid') in (None, ''):
            raise ModuleFailure('%s: iccid is required' % where)
        wish = dict(defaults)
        wish.update(_wishes(raw, where))
        wish['iccid'] = check_iccid(raw['iccid'], option=where + '.iccid')
        add(wish, where)
    for index, raw in enumerate(params.get('iccids') or []):
        where = 'iccids[%d]' % index
        wish = dict(defaults)
        wish['iccid'] = check_iccid(raw, option=where)
        add(wish, where)
    if not entries:
        raise ModuleFailure('things, iccids: no SIM given; list the SIMs in things (dicts) or iccids (with defaults)')
    params[ENTRIES] = list(entries.values())


# -- the run --------------------------------------------------------------------------------------------


class Notes:
    """Warnings of many SIMs, summed up by kind at the end: one warning per kind, naming a few ICCIDs."""

    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = {}
        self.order = []

    def __call__(self, kind, iccid, msg):
        with self.lock:
            if kind not in self.kinds:
                self.kinds[kind] = []
                self.order.append(kind)
            self.kinds[kind].append((iccid, msg))

    def emit(self, warn):
        for kind in self.order:
            notes = self.kinds[kind]
            msg = notes[0][1]
            if len(notes) > 1:
                others = [iccid for iccid, _msg in notes[1:]]
                shown = ', '.join(others[:SHOWN_ALIKE])
                if len(others) > SHOWN_ALIKE:
                    shown += ' and %d more' % (len(others) - SHOWN_ALIKE)
                msg += ' (the same for %d more SIM(s): ICCID %s)' % (len(others), shown)
            warn(msg)


class SimResult:
    """One SIM's outcome: per group, the values compared last (before, after); whether a group changed (or, in
    check mode, would); the one-line errors of the groups that failed."""

    __slots__ = ('iccid', 'values', 'changed', 'errors')

    def __init__(self, iccid):
        self.iccid = iccid
        self.values = {}
        self.changed = False
        self.errors = []

    def record(self, group, before, after, changed):
        self.values[group.name] = (before, after)
        self.changed = self.changed or changed

    def diff(self):
        """(before, after) of every group compared without failure, under the keys the single-Thing modules' diffs use."""
        before, after = {}, {}
        for group in GROUPS:
            if group.name in self.values:
                before.update(self.values[group.name][0])
                after.update(self.values[group.name][1])
        return before, after


def _compare(entry, thing):
    """Compare without a request: (SimResult, work), where work lists the groups that differ or that the listing
    does not show, as (group, current, wanted); current None means the group must be read from the API.
    (None, []) when the SIM is as wanted: most SIMs of a fleet cost no object at all."""
    sim, work, same = None, [], []
    for group in GROUPS:
        if not group.manages(entry):
            continue
        current = group.current(thing)
        if current is None:
            work.append((group, None, None))
            continue
        try:
            wanted = group.desired(entry, thing, current)
        except ModuleFailure as exc:
            sim = sim or SimResult(entry['iccid'])
            sim.errors.append(exc.msg)
            continue
        if current != wanted:
            work.append((group, current, wanted))
        else:
            same.append((group, current, wanted))
    if sim is None and not work:
        return None, work
    sim = sim or SimResult(entry['iccid'])
    for group, current, wanted in same:
        sim.record(group, current, wanted, False)
    return sim, work


def _apply(client, entry, thing, sim, work, check_mode, note):
    """The groups of one SIM that need the API, in order: read where the listing did not show them, write what
    differs (not in check mode). A group that fails is recorded in ``sim.errors``; the next groups still run."""
    iccid = entry['iccid']
    wrote = False  # after a write, the listed cas is no longer the Thing's: a cas group reads the Thing first
    for group, current, wanted in work:
        try:
            if current is None or (group.uses_cas and wrote):
                read, current = group.read(client, iccid)
                thing = read if read is not None else thing
                wanted = group.desired(entry, thing, current)
            changed = current != wanted
            if changed and not check_mode:
                done = write(client, group, entry, thing, current, wanted, note)
                current, wanted, changed = done.before, done.after, done.changed
                thing = done.thing if done.thing is not None else thing
                wrote = wrote or done.changed
        except (ModuleFailure, ApiError) as exc:
            sim.errors.append(exc.msg)
            continue
        sim.record(group, current, wanted, changed)
    return sim


def run_fleet(params, client, check_mode=False, diff=False):
    entries = params.pop(ENTRIES)
    workers = params['concurrency']
    note = Notes()
    client.auth.token()  # log in once, before any worker thread starts
    listed = {}
    for thing in list_all_things(client, workers=workers, max_things=params.get('max_things')):
        iccid = _iccid_of(thing)
        if iccid is not None:
            listed.setdefault(iccid, thing)
    results, pending = [], []  # results: the SIMs that changed or failed (or may), in the order given
    for entry in entries:
        thing = listed.get(entry['iccid'])
        if thing is None:
            sim = SimResult(entry['iccid'])
            sim.errors.append('ICCID %s: not in the account (the listing GET /things holds %d Things, none with '
                              'this ICCID)' % (entry['iccid'], len(listed)))
        else:
            sim, work = _compare(entry, thing)
            if sim is None:
                continue
            if check_mode and all(current is not None for _g, current, _w in work):
                for group, current, wanted in work:  # the difference is known from the listing: nothing to send
                    sim.record(group, current, wanted, True)
            elif work:
                pending.append((entry, thing, sim, work))
        results.append(sim)
    _map(lambda job: _apply(client, job[0], job[1], job[2], job[3], check_mode, note), pending, workers)
    note.emit(client.http.warn)
    return _result(results, len(entries), diff, client.http.redact)


def _result(results, total, diff, redact):
    changes, failures, diffs = [], [], []
    for sim in results:
        if sim.changed:
            tid = thing_id(sim.iccid)
            before, after = sim.diff()
            changes.append({'iccid': sim.iccid, 'thing_id': tid, 'before': before, 'after': after})
            if diff:
                diffs.append({'before': before, 'after': after, 'before_header': tid, 'after_header': tid})
        if sim.errors:
            failures.append({'iccid': sim.iccid, 'msg': redact(one_line('; '.join(sim.errors)))})
    unchanged = total - sum(1 for sim in results if sim.changed or sim.errors)
    result = {
        'changed': bool(changes),
        'summary': {'things': total, 'unchanged': unchanged, 'changed': len(changes), 'failed': len(failures)},
        'changes': changes,
        'failures': failures,
    }
    if diff:
        result['diff'] = diffs
    if failures:
        shown = []
        for failure in failures[:SHOWN_FAILURES]:
            text = failure['msg']
            if not text.startswith('ICCID %s' % failure['iccid']):
                text = 'ICCID %s: %s' % (failure['iccid'], text)
            shown.append(one_line(text, 200))
        more = len(failures) - len(shown)
        msg = '%d of %d SIMs failed (%d changed, %d unchanged): %s%s' % (
            len(failures), total, len(changes), unchanged, '; '.join(shown),
            '; and %d more (see failures)' % more if more else '')
        raise ModuleFailure(one_line(msg, 1200), **result)
    return result


def fleet_client(params, warn):
    """The Monogoto client; when it cannot be made, the checked entries leave the parameters (which Ansible returns
    as the task's invocation) as they do when the run takes them."""
    try:
        return client_factory(params, warn)
    except Exception:
        params.pop(ENTRIES, None)
        raise


FLEET = ModuleDef(
    'monogoto_fleet',
    monogoto_argument_spec(
        # Entries are dicts checked by check_fleet_params (their keys are documented as sub-options): the argument
        # spec's own sub-option validation costs seconds over 100,000 entries and cannot name the entry at fault.
        things=dict(type='list', elements='dict'),
        iccids=dict(type='list', elements='str'),
        defaults=dict(type='dict'),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
        max_things=dict(type='int', default=MAX_THINGS),
    ),
    run_fleet,
    client_factory=fleet_client,
    check_params=check_fleet_params,
)
