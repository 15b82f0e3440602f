# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One comparison and write path for a Monogoto Thing, by attribute group.

What a module manages on a Thing comes in groups, each written by one documented call:

- ``imei`` (:data:`IMEI`): ``LockMasterImei`` and ``MasterIMEI``, written with ``PUT /thing/update/`` and the
  Thing's ``cas``;
- ``name`` (:data:`NAME`) and ``description`` (:data:`DESCRIPTION`): ``ThingName`` and ``ThingDescription``, each
  written with its own ``PUT /thing/update/`` body and the Thing's ``cas`` (Monogoto's "Update Thing Name" and
  "Update Thing Description");
- ``state`` (:data:`STATE`): the lifecycle state, written with ``PUT /thing/<id>/state/``, which carries no ``cas``.

``monogoto_thing_imei``, ``monogoto_thing``, ``monogoto_thing_state`` and ``monogoto_fleet`` compare with a
group's :meth:`Group.desired` and write with :func:`write`. Another group is one more :class:`Group` subclass:
``keys``, ``current``, ``desired``, ``read`` and ``send``.

The rules every write holds to, in :func:`write`:

- A write that sends the ``cas`` (``Group.uses_cas``) and meets a CAS conflict (HTTP 409 or 412; Monogoto does
  not document its answer) reads that one Thing again (``GET /thing/<id>``), compares again and retries once. When
  the HTTP layer had resent the write (a gateway error or a timeout after the first send) and the Thing read
  again shows the desired values, the conflict was with our own first send: the change counts.
- A write answered with a success status but not with what Monogoto's documentation gives for success
  (:class:`transport.WriteNotConfirmed`) is checked by reading the Thing again: when it shows the desired
  values the change counts, with one warning that the answer did not confirm it; otherwise the write fails with
  one line naming what the answer said. A change is never reported on faith.

Warnings go to ``note(kind, iccid, msg)``: a single-Thing module turns each into a warning, the fleet sums up
those of one kind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import find_key, thing_id
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError, WriteNotConfirmed, one_line

CAS_CONFLICT = (409, 412)
MANAGED_IMEI_KEYS = ('LockMasterImei', 'MasterIMEI')
SETTABLE_STATES = ('ACTIVE', 'SUSPENDED')


# -- the imei group's rules --------------------------------------------------------------------------------

def imei_state(thing):
    _k, locked = find_key(thing, 'LockMasterImei')
    _k, master = find_key(thing, 'MasterIMEI')
    if isinstance(locked, str):
        locked = locked.strip().lower() == 'true'
    return {'LockMasterImei': bool(locked), 'MasterIMEI': '' if master is None else str(master)}


def desired_imei_state(params, thing, current):
    """What ``lock`` and ``imei`` ask for, given the Thing as it stands.

    ``lock: true`` without ``imei`` locks to the IMEI the SIM reports, keeps an existing master IMEI, and fails
    when the SIM reports none; ``lock: false`` without ``imei`` keeps the master IMEI; ``imei: ""`` clears it.
    """
    imei = params.get('imei')
    if imei is None:
        if params['lock']:
            if current['MasterIMEI']:
                master = current['MasterIMEI']
            else:
                _k, reported = find_key(thing, 'IMEI')
                if not reported:
                    raise ModuleFailure('ICCID %s: lock=true without imei locks to the IMEI the SIM reports, '
                                        'but the Thing reports none (IMEI is %r); give imei explicitly'
                                        % (params['iccid'], reported))
                master = str(reported)
        else:
            master = current['MasterIMEI']
    else:
        master = imei
    return {'LockMasterImei': bool(params['lock']), 'MasterIMEI': master}


def takes_the_reported_imei(params, current):
    """True when the desired master IMEI is the one the SIM reports (lock=true, no imei, no master IMEI yet)."""
    return params.get('imei') is None and params['lock'] and not current['MasterIMEI']


def thing_cas(thing, iccid):
    _k, cas = find_key(thing, 'cas')
    if cas in (None, ''):
        keys = ', '.join(sorted(str(k) for k in thing)) if isinstance(thing, dict) else type(thing).__name__
        raise ModuleFailure('ICCID %s: the Thing carries no "cas" value, which an update must send back; '
                            'found keys: %s' % (iccid, keys))
    return cas


def describe(values):
    """``{'LockMasterImei': True, 'MasterIMEI': ''}`` as ``LockMasterImei=true, MasterIMEI=''`` for messages."""
    parts = []
    for key in sorted(values):
        value = values[key]
        parts.append('%s=%s' % (key, str(value).lower() if isinstance(value, bool) else repr(value)))
    return ', '.join(parts)


# -- attribute groups ---------------------------------------------------------------------------------------

class Group:
    """What one kind of write changes on a Thing.

    ``keys`` are the attributes, under the names the diffs use. ``current(thing)`` is their value as a Thing
    shows it, or None when it does not show them; ``desired(wish, thing, current)`` what the wish asks for
    (``ModuleFailure`` when that cannot be decided); ``read(client, iccid)`` reads them from the API and returns
    ``(thing or None, current)``; ``send(client, iccid, thing, after)`` writes them and returns the answer.
    """

    name = None
    keys = ()
    uses_cas = False

    def manages(self, wish):
        raise NotImplementedError  # pragma: no cover

    def current(self, thing):
        raise NotImplementedError  # pragma: no cover

    def desired(self, wish, thing, current):
        raise NotImplementedError  # pragma: no cover

    def read(self, client, iccid):
        raise NotImplementedError  # pragma: no cover

    def send(self, client, iccid, thing, after):
        raise NotImplementedError  # pragma: no cover


class ImeiGroup(Group):
    name = 'imei'
    keys = MANAGED_IMEI_KEYS
    uses_cas = True
    call = 'PUT /thing/update/'

    def manages(self, wish):
        return wish.get('lock') is not None

    def current(self, thing):
        if find_key(thing, 'LockMasterImei')[0] is None:
            return None
        return imei_state(thing)

    def desired(self, wish, thing, current):
        return desired_imei_state(wish, thing, current)

    def read(self, client, iccid):
        thing = client.get_thing(iccid)
        return thing, imei_state(thing)

    def send(self, client, iccid, thing, after):
        body = {'cas': thing_cas(thing, iccid), 'ThingId': thing_id(iccid),
                'LockMasterImei': after['LockMasterImei'], 'MasterIMEI': after['MasterIMEI']}
        return client.update_thing(body)


class StateGroup(Group):
    name = 'state'
    keys = ('state',)
    uses_cas = False
    call = 'PUT /thing/<id>/state/'

    def manages(self, wish):
        return wish.get('state') is not None

    def current(self, thing):
        _k, state = find_key(thing, 'State')
        return {'state': state} if isinstance(state, str) and state else None

    def desired(self, wish, thing, current):
        return {'state': wish['state']}

    def read(self, client, iccid):
        return None, {'state': client.get_state(iccid)}

    def send(self, client, iccid, thing, after):
        return client.set_state(iccid, after['state'])


class AttributeGroup(Group):
    """One plain text attribute of the Thing (``ThingName``, ``ThingDescription``), written alone with the ``cas``.

    The option that asks for it is ``option`` (``name``, ``description``). A Thing read from the API that does not
    carry the attribute (or carries null) has it empty; a listed Thing that does not carry it shows nothing
    (``current`` None), so that the fleet reads it from the API.
    """

    uses_cas = True
    call = 'PUT /thing/update/'

    def __init__(self, name, key, option):
        self.name = name
        self.key = key
        self.keys = (key,)
        self.option = option

    def manages(self, wish):
        return wish.get(self.option) is not None

    def values(self, thing):
        _k, value = find_key(thing, self.key)
        return {self.key: '' if value is None else str(value)}

    def current(self, thing):
        if find_key(thing, self.key)[0] is None:
            return None
        return self.values(thing)

    def desired(self, wish, thing, current):
        return {self.key: wish[self.option]}

    def read(self, client, iccid):
        thing = client.get_thing(iccid)
        return thing, self.values(thing)

    def send(self, client, iccid, thing, after):
        body = {'cas': thing_cas(thing, iccid), 'ThingId': thing_id(iccid), self.key: after[self.key]}
        return client.update_thing(body)


IMEI = ImeiGroup()
NAME = AttributeGroup('name', 'ThingName', 'name')
DESCRIPTION = AttributeGroup('description', 'ThingDescription', 'description')
STATE = StateGroup()
# The order a Thing's groups are written in: the cas writes first (each one reads the Thing again for the
# cas the one before spent), the state last.
GROUPS = (IMEI, NAME, DESCRIPTION, STATE)


# -- the write ----------------------------------------------------------------------------------------------

class Outcome:
    """What :func:`write` did. ``before``/``after``: the values compared last (after a CAS conflict, the Thing
    read again); ``thing``: the Thing read last (None for a group read without it); ``read_after``: ``thing``
    was read after the write, so it shows the write; ``answer``: the API's answer to the write."""

    def __init__(self, before, after, thing, changed, answer=None, read_after=False):
        self.before = before
        self.after = after
        self.thing = thing
        self.changed = changed
        self.answer = answer
        self.read_after = read_after


def warn_each(client):
    """The ``note`` of a single-Thing module: every note is a warning of the task."""
    return lambda kind, iccid, msg: client.http.warn(msg)


def write(client, group, wish, thing, before, after, note, stale=''):
    """Bring ``group`` of the Thing ``wish['iccid']`` from ``before`` to ``after`` (they differ); an :class:`Outcome`.

    ``thing`` is the Thing the comparison came from: a cas group sends its ``cas``. ``stale`` says, in the
    warning of a CAS conflict, why that Thing may have been out of date (an inventory reading's age).
    """
    iccid = wish['iccid']
    for attempt in (1, 2):
        try:
            return Outcome(before, after, thing, True, answer=group.send(client, iccid, thing, after))
        except WriteNotConfirmed as exc:
            return _confirm(client, group, iccid, before, after, exc, note)
        except ApiError as exc:
            if exc.unsure:
                return _confirm(client, group, iccid, before, after, exc, note)
            resent = client.http.last_attempts > 1
            if not group.uses_cas or exc.status not in CAS_CONFLICT:
                raise
            if attempt == 2:
                raise ModuleFailure('ICCID %s: the Thing changed again while it was being updated (CAS conflict '
                                    'twice); last answer: %s' % (iccid, exc.msg), status=exc.status)
            note('conflict', iccid, 'ICCID %s: the update met a CAS conflict (HTTP %s)%s%s; reading the Thing again '
                 'and retrying once' % (iccid, exc.status, ' after it was resent' if resent else '', stale))
        thing, current = group.read(client, iccid)
        after = group.desired(wish, thing, current)
        if current == after:
            # Done already: by our own first send when the HTTP layer resent it, else by the other writer.
            return Outcome(before if resent else current, after, thing, resent)
        before = current
    raise AssertionError('unreachable')  # pragma: no cover


def _confirm(client, group, iccid, before, after, exc, note):
    """A write whose answer did not confirm it, or that got no complete answer (``exc.unsure``): read again, and
    count it only when the Thing shows it."""
    call = '%s %s' % (exc.method, exc.path) if exc.method and exc.path else group.call
    if isinstance(exc, WriteNotConfirmed):
        said = exc.found if exc.found not in (None, '') else exc.msg
        head = 'ICCID %s: %s answered without confirming the change (the answer: %s)' % (iccid, call, one_line(said, 160))
    else:
        said = exc.msg
        head = 'ICCID %s: %s got no complete answer, so it may or may not have been carried out (%s)' % (
            iccid, call, one_line(said, 200))
    try:
        thing, current = group.read(client, iccid)
    except (ApiError, ModuleFailure) as err:
        raise ModuleFailure('%s, and reading the Thing again failed: %s' % (head, err.msg), status=exc.status)
    if current != after:
        raise ModuleFailure('%s, and the Thing read again shows %s, not %s' % (head, describe(current), describe(after)),
                            status=exc.status)
    note('unconfirmed', iccid, '%s; the Thing read again shows it made' % head)
    return Outcome(before, after, thing, True, answer=said, read_after=True)
