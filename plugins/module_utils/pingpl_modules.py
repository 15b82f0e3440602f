# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic and argument specs of the ping.pl modules, free of Ansible plumbing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.fleetops.ping.plugins.module_utils.pingpl import (
    CONTACT_STATUSES,
    MONITOR_STATUSES,
    MONITOR_TYPES,
    OUTAGES_LIMIT_DEFAULT,
    OUTAGES_LIMIT_MAX,
    PingPlClient,
    as_int,
    check_date,
    pingpl_argument_spec,
    with_iso,
)
from ansible_collections.fleetops.ping.plugins.module_utils import reading as _reading
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure

MONITOR_STATE_TO_STATUS = {'active': 'ACTIVE', 'paused': 'INACTIVE'}
CONTACT_STATE_TO_STATUS = {'active': 'ACTIVE', 'inactive': 'INACTIVE'}
UNWRITABLE_MONITOR = ('DELETED', 'BLOCKED')
MAX_CONCURRENCY = 16


def client_factory(params, warn):
    return PingPlClient.from_params(params, warn=warn)


def _map(func, items, workers):
    if workers <= 1 or len(items) <= 1:
        return [func(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(func, items))


def _positive(value, option):
    if value is not None and value < 1:
        raise ModuleFailure('%s: must be a positive integer, found %s' % (option, value))


def _dupes(values):
    seen, dupes = set(), []
    for value in values:
        if value in seen and value not in dupes:
            dupes.append(value)
        seen.add(value)
    return dupes


def _check_dates(params, required=False):
    """Validate date_from/date_to (yyyy-mm-dd, from <= to); date_to defaults to date_from."""
    if params.get('date_from') is not None:
        params['date_from'] = check_date(params['date_from'], 'date_from')
    elif required:
        raise ModuleFailure(required)
    if params.get('date_to') is not None:
        params['date_to'] = check_date(params['date_to'], 'date_to')
    if params.get('date_from') and params.get('date_to') and params['date_from'] > params['date_to']:
        raise ModuleFailure('date_from: %s is after date_to %s' % (params['date_from'], params['date_to']))


def _check_limit(params, option):
    limit = params.get(option)
    if limit is not None and not 1 <= limit <= OUTAGES_LIMIT_MAX:
        raise ModuleFailure('%s: must be from 1 to %d (the API returns at most %d outages), found %s'
                            % (option, OUTAGES_LIMIT_MAX, OUTAGES_LIMIT_MAX, limit))


# -- lookup --------------------------------------------------------------------

def monitor_label(monitor):
    return '%s (%r)' % (monitor.get('id'), monitor.get('name'))


def find_monitor(monitors, monitor_id=None, name=None):
    """The one monitor with this id, or with exactly this name; fails when none or several match."""
    if monitor_id is not None:
        for monitor in monitors:
            if as_int(monitor.get('id')) == monitor_id:
                return monitor
        raise ModuleFailure('monitor_id: no monitor with id %s among the %d monitors of this account'
                            % (monitor_id, len(monitors)))
    matches = [m for m in monitors if m.get('name') == name]
    if not matches:
        raise ModuleFailure('name: no monitor is named exactly %r (names are compared exactly, case included)' % name)
    if len(matches) > 1:
        raise ModuleFailure('name: %d monitors are named %r, ids %s; give monitor_id instead'
                            % (len(matches), name, ', '.join(str(m.get('id')) for m in matches)),
                            monitor_ids=[as_int(m.get('id')) for m in matches])
    return matches[0]


def find_contact(contacts, contact_id=None, email=None):
    """The one contact with this id, or with this email (case-insensitive); fails when none or several match."""
    if contact_id is not None:
        for contact in contacts:
            if as_int(contact.get('id')) == contact_id:
                return contact
        raise ModuleFailure('contact_id: no contact with id %s among the %d contacts of this account'
                            % (contact_id, len(contacts)))
    wanted = email.strip().lower()
    matches = [c for c in contacts if str(c.get('email') or '').strip().lower() == wanted]
    if not matches:
        raise ModuleFailure('email: no contact has the email address %r' % email)
    if len(matches) > 1:
        raise ModuleFailure('email: %d contacts have the email address %r, ids %s; give contact_id instead'
                            % (len(matches), email, ', '.join(str(c.get('id')) for c in matches)),
                            contact_ids=[as_int(c.get('id')) for c in matches])
    return matches[0]


def _set_status(client, kind, item, label, wanted, write, read_again, check_mode, diff):
    """Shared by monitors and contacts: write only when the status differs, read the item back, diff the status.

    The write's answer (header status OK) is not taken on faith: the item read back must show the new status,
    or the task fails with what it shows, and reports no change when it shows the old one.
    """
    before = item.get('status')
    result = {'changed': before != wanted, 'previous_status': before}
    if result['changed'] and not check_mode:
        write()
        item = read_again()
        if item.get('status') != wanted:
            raise ModuleFailure('%s: the API answered OK, but the %s now reports %s, not %s: the change is not '
                                'confirmed' % (label, kind, item.get('status'), wanted),
                                changed=item.get('status') != before, **{kind: with_iso(item)})
    elif result['changed']:
        item = dict(item)
        item['status'] = wanted
    result['status'] = item.get('status')
    result[kind] = with_iso(item)
    if diff:
        result['diff'] = {'before': {'status': before}, 'after': {'status': result['status']},
                          'before_header': label, 'after_header': label}
    return result


# -- pingpl_monitor_state ------------------------------------------------------

def check_monitor_state_params(params):
    _positive(params.get('monitor_id'), 'monitor_id')
    if params.get('name') is not None and not params['name'].strip():
        raise ModuleFailure('name: must not be empty')
    _reading.check_max_age(params)


def monitor_reading(params):
    """The inventory reading of the task's monitor (same id, or exactly the given name), when it is ACTIVE or
    INACTIVE and may stand in for ``get-monitors``; else None."""
    def accept(monitor):
        if not isinstance(monitor, dict) or monitor.get('status') not in MONITOR_STATE_TO_STATUS.values():
            return None
        mid = as_int(monitor.get('id'))
        if mid is None:
            return None
        if params.get('monitor_id') is not None:
            return monitor if mid == params['monitor_id'] else None
        return monitor if monitor.get('name') == params.get('name') else None
    return _reading.take(params, _reading.PINGPL_MONITOR, accept)


def _from_reading(item, wanted):
    """What a read after the write would show, taken from the reading: no request."""
    item = dict(item)
    item['status'] = wanted
    return item


def run_monitor_state(params, client, check_mode=False, diff=False):
    reading = monitor_reading(params)
    if reading is not None:
        monitor = reading.object
    else:
        monitor = find_monitor(client.get_monitors(), params.get('monitor_id'), params.get('name'))
    mid = as_int(monitor.get('id'))
    before = monitor.get('status')
    wanted = MONITOR_STATE_TO_STATUS[params['state']]
    if before in UNWRITABLE_MONITOR:
        raise ModuleFailure('monitor %s is %s: ping.pl cannot pause or start it, nothing was sent'
                            % (monitor_label(monitor), before), monitor=with_iso(monitor))
    if before not in MONITOR_STATUSES:
        raise ModuleFailure('monitor %s reports the status %r, which is not one the API documents (%s); '
                            'nothing was sent' % (monitor_label(monitor), before, ', '.join(MONITOR_STATUSES)),
                            monitor=with_iso(monitor))
    write = client.pause_monitor if wanted == 'INACTIVE' else client.start_monitor

    def read_again():
        if reading is not None:
            return _from_reading(monitor, wanted)
        return find_monitor(client.get_monitors(), monitor_id=mid)
    result = _set_status(client, 'monitor', monitor, 'monitor %s' % monitor_label(monitor), wanted,
                         lambda: write(mid), read_again, check_mode, diff)
    result['reading'] = reading.info() if reading is not None else _reading.api_info()
    return result


MONITOR_STATE = ModuleDef(
    'pingpl_monitor_state',
    pingpl_argument_spec(
        monitor_id=dict(type='int'),
        name=dict(type='str'),
        state=dict(type='str', required=True, choices=['active', 'paused']),
        **_reading.reading_argument_spec()
    ),
    run_monitor_state,
    client_factory=client_factory,
    check_params=check_monitor_state_params,
    mutually_exclusive=[('monitor_id', 'name')],
    required_one_of=[('monitor_id', 'name')],
)


# -- pingpl_contact_state ------------------------------------------------------

def check_contact_state_params(params):
    _positive(params.get('contact_id'), 'contact_id')
    email = params.get('email')
    if email is not None and '@' not in email:
        raise ModuleFailure('email: %r is not an email address' % email)
    _reading.check_max_age(params)


def contact_reading(params):
    """The task's contact found in the inventory's reading of ``get-contacts`` (one match, ACTIVE or INACTIVE),
    when it may stand in for ``get-contacts``; else None (no match or several: the API decides)."""
    def accept(contacts):
        if not isinstance(contacts, list):
            return None
        try:
            contact = find_contact([c for c in contacts if isinstance(c, dict)],
                                   params.get('contact_id'), params.get('email'))
        except ModuleFailure:
            return None
        if contact.get('status') not in CONTACT_STATUSES or as_int(contact.get('id')) is None:
            return None
        return contact
    return _reading.take(params, _reading.PINGPL_CONTACTS, accept)


def run_contact_state(params, client, check_mode=False, diff=False):
    reading = contact_reading(params)
    if reading is not None:
        contact = reading.object
    else:
        contact = find_contact(client.get_contacts(), params.get('contact_id'), params.get('email'))
    cid = as_int(contact.get('id'))
    wanted = CONTACT_STATE_TO_STATUS[params['state']]
    write = client.deactivate_contact if wanted == 'INACTIVE' else client.activate_contact
    label = 'contact %s (%s)' % (cid, contact.get('email') or contact.get('name') or 'no email')

    def read_again():
        if reading is not None:
            return _from_reading(contact, wanted)
        return find_contact(client.get_contacts(), contact_id=cid)
    result = _set_status(client, 'contact', contact, label, wanted, lambda: write(cid), read_again, check_mode, diff)
    result['reading'] = reading.info() if reading is not None else _reading.api_info()
    return result


CONTACT_STATE = ModuleDef(
    'pingpl_contact_state',
    pingpl_argument_spec(
        contact_id=dict(type='int'),
        email=dict(type='str'),
        state=dict(type='str', required=True, choices=['active', 'inactive']),
        **_reading.reading_argument_spec()
    ),
    run_contact_state,
    client_factory=client_factory,
    check_params=check_contact_state_params,
    mutually_exclusive=[('contact_id', 'email')],
    required_one_of=[('contact_id', 'email')],
)


# -- pingpl_monitor_info -------------------------------------------------------

def check_monitor_info_params(params):
    ids = params.get('ids') or []
    for value in ids:
        _positive(value, 'ids')
    dupes = _dupes(ids)
    if dupes:
        raise ModuleFailure('ids: each id may appear once; repeated: %s' % ', '.join(str(d) for d in dupes))
    if params['include_data']:
        _check_dates(params, required='date_from: required when include_data is true (get-data needs a date range)')
        if params.get('date_to') is None:
            params['date_to'] = params['date_from']
    else:
        _check_dates(params)
    _check_limit(params, 'outages_limit')
    if not 1 <= params['concurrency'] <= MAX_CONCURRENCY:
        raise ModuleFailure('concurrency: must be from 1 to %d, found %s' % (MAX_CONCURRENCY, params['concurrency']))


def select_monitors(monitors, ids=None, names=None, types=None, statuses=None, tags=None, tags_match='all'):
    """Monitors chosen by id or name (either matches), then kept when they pass every other filter.

    Returns (selected, missing_ids, missing_names).
    """
    ids = list(ids or [])
    names = list(names or [])
    if ids or names:
        chosen = [m for m in monitors if as_int(m.get('id')) in ids or m.get('name') in names]
    else:
        chosen = list(monitors)
    found_ids = set(as_int(m.get('id')) for m in monitors)
    found_names = set(m.get('name') for m in monitors)
    missing_ids = [i for i in ids if i not in found_ids]
    missing_names = [n for n in names if n not in found_names]
    if types:
        chosen = [m for m in chosen if m.get('type') in types]
    if statuses:
        chosen = [m for m in chosen if m.get('status') in statuses]
    if tags:
        wanted = set(tags)
        if tags_match == 'any':
            chosen = [m for m in chosen if wanted & set(m.get('tags') or [])]
        else:
            chosen = [m for m in chosen if wanted <= set(m.get('tags') or [])]
    return chosen, missing_ids, missing_names


def summarize_data(samples):
    """The range's mean uptime (%) and mean response time (s) over the samples that carry them."""
    uptimes = [float(s['uptime']) for s in samples
               if isinstance(s.get('uptime'), (int, float)) and not isinstance(s.get('uptime'), bool)]
    times = [float(s['responseTime']) for s in samples
             if isinstance(s.get('responseTime'), (int, float)) and not isinstance(s.get('responseTime'), bool)]
    return {
        'samples': len(samples),
        'uptime_percent': round(sum(uptimes) / len(uptimes), 4) if uptimes else None,
        'response_time_mean': round(sum(times) / len(times), 6) if times else None,
    }


def run_monitor_info(params, client, check_mode=False, diff=False):
    monitors, missing_ids, missing_names = select_monitors(
        client.get_monitors(), ids=params.get('ids'), names=params.get('names'), types=params.get('types'),
        statuses=params.get('statuses'), tags=params.get('tags'), tags_match=params['tags_match'])
    if missing_ids or missing_names:
        parts = []
        if missing_ids:
            parts.append('ids: no monitor with id %s' % ', '.join(str(i) for i in missing_ids))
        if missing_names:
            parts.append('names: no monitor named %s' % ', '.join(repr(n) for n in missing_names))
        raise ModuleFailure('; '.join(parts), missing_ids=missing_ids, missing_names=missing_names)

    def details(monitor):
        item = with_iso(monitor)
        mid = as_int(monitor.get('id'))
        item.setdefault('tags', [])
        if params['include_data']:
            samples = client.get_data(mid, params['date_from'], params['date_to'])
            item['data'] = with_iso(samples)
            item['data_summary'] = summarize_data(samples)
        if params['include_outages']:
            item['outages'] = with_iso(client.get_outages(mid, params.get('date_from'), params.get('date_to'),
                                                          params['outages_limit']))
        return item

    needs_calls = params['include_data'] or params['include_outages']
    items = _map(details, monitors, params['concurrency'] if needs_calls else 1)
    return {'changed': False, 'monitors': items}


MONITOR_INFO = ModuleDef(
    'pingpl_monitor_info',
    pingpl_argument_spec(
        ids=dict(type='list', elements='int'),
        names=dict(type='list', elements='str'),
        types=dict(type='list', elements='str', choices=list(MONITOR_TYPES)),
        statuses=dict(type='list', elements='str', choices=list(MONITOR_STATUSES)),
        tags=dict(type='list', elements='str'),
        tags_match=dict(type='str', default='all', choices=['all', 'any']),
        include_data=dict(type='bool', default=False),
        include_outages=dict(type='bool', default=False),
        date_from=dict(type='str'),
        date_to=dict(type='str'),
        outages_limit=dict(type='int', default=OUTAGES_LIMIT_DEFAULT),
        concurrency=dict(type='int', default=4),
    ),
    run_monitor_info,
    client_factory=client_factory,
    check_params=check_monitor_info_params,
)


# -- pingpl_outage_info --------------------------------------------------------

def check_outage_info_params(params):
    _positive(params.get('outage_id'), 'outage_id')
    _positive(params.get('monitor_id'), 'monitor_id')
    if params.get('outage_id') is not None:
        given = [o for o in ('date_from', 'date_to', 'limit') if params.get(o) is not None]
        if given:
            raise ModuleFailure('%s: only applies to the outages of a monitor (monitor_id), not to one outage '
                                '(outage_id)' % ', '.join(given))
    _check_dates(params)
    _check_limit(params, 'limit')


def run_outage_info(params, client, check_mode=False, diff=False):
    if params.get('outage_id') is not None:
        outage = client.get_outage(params['outage_id'])
        outage = dict(outage)
        outage.setdefault('id', params['outage_id'])
        outage.setdefault('tests', [])
        outage.setdefault('notifications', [])
        outage = with_iso(outage)
        return {'changed': False, 'outage': outage, 'outages': [outage]}
    outages = client.get_outages(params['monitor_id'], params.get('date_from'), params.get('date_to'),
                                 params.get('limit'))
    return {'changed': False, 'outages': with_iso(outages)}


OUTAGE_INFO = ModuleDef(
    'pingpl_outage_info',
    pingpl_argument_spec(
        outage_id=dict(type='int'),
        monitor_id=dict(type='int'),
        date_from=dict(type='str'),
        date_to=dict(type='str'),
        limit=dict(type='int'),
    ),
    run_outage_info,
    client_factory=client_factory,
    check_params=check_outage_info_params,
    mutually_exclusive=[('outage_id', 'monitor_id')],
    required_one_of=[('outage_id', 'monitor_id')],
)


# -- pingpl_contact_info -------------------------------------------------------

def check_contact_info_params(params):
    for value in params.get('ids') or []:
        _positive(value, 'ids')


def run_contact_info(params, client, check_mode=False, diff=False):
    contacts = client.get_contacts()
    ids = params.get('ids') or []
    emails = [e.strip().lower() for e in params.get('emails') or []]
    if ids or emails:
        missing_ids = [i for i in ids if i not in set(as_int(c.get('id')) for c in contacts)]
        known = set(str(c.get('email') or '').strip().lower() for c in contacts)
        missing = [e for e in params.get('emails') or [] if e.strip().lower() not in known]
        if missing_ids or missing:
            parts = []
            if missing_ids:
                parts.append('ids: no contact with id %s' % ', '.join(str(i) for i in missing_ids))
            if missing:
                parts.append('emails: no contact with the address %s' % ', '.join(repr(e) for e in missing))
            raise ModuleFailure('; '.join(parts))
        contacts = [c for c in contacts
                    if as_int(c.get('id')) in ids or str(c.get('email') or '').strip().lower() in emails]
    if params.get('statuses'):
        contacts = [c for c in contacts if c.get('status') in params['statuses']]
    return {'changed': False, 'contacts': with_iso(contacts)}


CONTACT_INFO = ModuleDef(
    'pingpl_contact_info',
    pingpl_argument_spec(
        ids=dict(type='list', elements='int'),
        emails=dict(type='list', elements='str'),
        statuses=dict(type='list', elements='str', choices=list(CONTACT_STATUSES)),
    ),
    run_contact_info,
    client_factory=client_factory,
    check_params=check_contact_info_params,
)


# -- pingpl_account_info -------------------------------------------------------

def run_account_info(params, client, check_mode=False, diff=False):
    return {'changed': False, 'account': with_iso(client.get_account_info())}


ACCOUNT_INFO = ModuleDef(
    'pingpl_account_info',
    pingpl_argument_spec(),
    run_account_info,
    client_factory=client_factory,
)
