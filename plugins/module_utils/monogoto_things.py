# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic and argument specs of the Monogoto modules, free of Ansible plumbing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.fleetops.ping.plugins.module_utils.transport import one_line
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import (
    STATUS_PAGE,
    MonogotoClient,
    find_key,
    monogoto_argument_spec,
    thing_id,
)
from ansible_collections.fleetops.ping.plugins.module_utils import reading as _reading
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_sync import (
    DESCRIPTION,
    IMEI,
    NAME,
    SETTABLE_STATES,
    STATE,
    imei_state,
    takes_the_reported_imei,
    warn_each,
    write,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.validate import check_iccid, check_imei, check_ip

# The most Things a listing reads before it fails: the listing announces no total, so a bound is needed.
MAX_THINGS = 1000000


def client_factory(params, warn):
    return MonogotoClient.from_params(params, warn=warn)


def _chunks(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- monogoto_thing_imei --------------------------------------------------------

def check_imei_params(params):
    params['iccid'] = check_iccid(params['iccid'])
    imei = params.get('imei')
    if imei is not None and imei != '':
        params['imei'] = check_imei(imei)
    if params['lock'] and imei == '':
        raise ModuleFailure('imei: an empty IMEI clears the master IMEI, which conflicts with lock=true; '
                            'give the IMEI to lock to, or omit imei to lock to the one the SIM reports now')
    _reading.check_max_age(params)


def thing_reading(params):
    """The inventory reading of this task's Thing, when it may stand in for ``GET /thing/<id>``; else None.

    The Thing must name the task's ICCID (``ExternalUniqueId``, else the ``ThingId`` suffix) and carry a
    ``cas``, which any write made from it sends back.
    """
    iccid = params['iccid']

    def accept(thing):
        if not isinstance(thing, dict):
            return None
        _k, external = find_key(thing, 'ExternalUniqueId')
        _k, tid = find_key(thing, 'ThingId')
        if str(external or '') != iccid and tid != thing_id(iccid):
            return None
        _k, cas = find_key(thing, 'cas')
        return thing if cas not in (None, '') else None
    return _reading.take(params, _reading.MONOGOTO_THING, accept)


def run_thing_imei(params, client, check_mode=False, diff=False):
    iccid = params['iccid']
    reading = thing_reading(params)
    thing = reading.object if reading is not None else client.get_thing(iccid)
    before = imei_state(thing)
    try:
        after = IMEI.desired(params, thing, before)
    except ModuleFailure:
        if reading is None:
            raise
        # The reading shows no IMEI to lock to: whether the SIM reports one now is for the API to say.
        reading = None
        thing, before = IMEI.read(client, iccid)
        after = IMEI.desired(params, thing, before)
    changed = before != after
    if changed and not check_mode and reading is not None and takes_the_reported_imei(params, before):
        # The reported IMEI changes with the device, maybe without changing cas: lock to the one the SIM
        # reports now, not to the one it reported when the inventory read it.
        reading = None
        thing, before = IMEI.read(client, iccid)
        after = IMEI.desired(params, thing, before)
        changed = before != after
    if changed and not check_mode:
        stale = ' (the inventory reading of %.0fs ago was out of date)' % reading.age if reading is not None else ''
        done = write(client, IMEI, params, thing, before, after, warn_each(client), stale=stale)
        before, after, thing, changed = done.before, done.after, done.thing, done.changed
        if changed and reading is None and not done.read_after:
            thing, after = IMEI.read(client, iccid)
        elif changed and not done.read_after:
            # Compared against the inventory reading: no read after the write. The cas shown is the reading's.
            thing = dict(thing)
            thing.update(after)
    elif changed:
        thing = dict(thing)
        thing.update(after)
    result = {'changed': changed, 'thing': thing}
    result['reading'] = reading.info() if reading is not None else _reading.api_info()
    if diff:
        result['diff'] = {'before': before, 'after': after,
                          'before_header': thing_id(iccid), 'after_header': thing_id(iccid)}
    return result


THING_IMEI = ModuleDef(
    'monogoto_thing_imei',
    monogoto_argument_spec(
        iccid=dict(type='str', required=True),
        imei=dict(type='str'),
        lock=dict(type='bool', required=True),
        **_reading.reading_argument_spec()
    ),
    run_thing_imei,
    client_factory=client_factory,
    check_params=check_imei_params,
)


# -- monogoto_thing_state -----------------------------------------------------------

def check_state_params(params):
    params['iccid'] = check_iccid(params['iccid'])
    _reading.check_max_age(params)


def run_thing_state(params, client, check_mode=False, diff=False):
    iccid = params['iccid']
    reading = thing_reading(params)
    before = STATE.current(reading.object) if reading is not None else None
    if before is None:
        reading = None
        _thing, before = STATE.read(client, iccid)
    after = STATE.desired(params, None, before)
    result = {'changed': before != after, 'previous_state': before['state'], 'state': after['state'],
              'thing_id': thing_id(iccid)}
    if result['changed'] and not check_mode:
        done = write(client, STATE, params, None, before, after, warn_each(client))
        result['api_message'] = one_line(done.answer or '')
    if not result['changed']:
        result['state'] = before['state']
    result['reading'] = reading.info() if reading is not None else _reading.api_info()
    if diff:
        result['diff'] = {'before': {'state': before['state']}, 'after': {'state': result['state']},
                          'before_header': thing_id(iccid), 'after_header': thing_id(iccid)}
    return result


THING_STATE = ModuleDef(
    'monogoto_thing_state',
    monogoto_argument_spec(
        iccid=dict(type='str', required=True),
        state=dict(type='str', required=True, choices=list(SETTABLE_STATES)),
        **_reading.reading_argument_spec()
    ),
    run_thing_state,
    client_factory=client_factory,
    check_params=check_state_params,
)


# -- monogoto_thing (name and description) ------------------------------------------

ATTRIBUTE_GROUPS = (NAME, DESCRIPTION)


def check_text(value, option, allow_empty=True):
    """A name or description: text (a number is taken as its text), no length bound (Monogoto documents none)."""
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ModuleFailure('%s: must be a string, found %s' % (option, type(value).__name__))
    text = str(value)
    if not allow_empty and not text.strip():
        raise ModuleFailure('%s: must not be empty (a Thing keeps a name; give the one it should have)' % option)
    return text


def check_thing_params(params):
    params['iccid'] = check_iccid(params['iccid'])
    if params.get('name') is None and params.get('description') is None:
        raise ModuleFailure('name, description: give at least one of them (what the task manages)')
    if params.get('name') is not None:
        params['name'] = check_text(params['name'], 'name', allow_empty=False)
    if params.get('description') is not None:
        params['description'] = check_text(params['description'], 'description')
    _reading.check_max_age(params)


def run_thing(params, client, check_mode=False, diff=False):
    """Bring ThingName and ThingDescription to what the task asks, one ``PUT /thing/update/`` each that differs.

    The comparison comes from the inventory reading when it is young enough and shows every attribute managed,
    else from one ``GET /thing/<id>``. Each write sends the ``cas`` of the Thing it compared against; a second write
    reads the Thing again first, since the first one changed its ``cas``.
    """
    iccid = params['iccid']
    groups = [g for g in ATTRIBUTE_GROUPS if g.manages(params)]
    reading = thing_reading(params)
    if reading is not None and any(g.current(reading.object) is None for g in groups):
        reading = None  # the listing does not show an attribute managed: read the Thing
    thing = reading.object if reading is not None else client.get_thing(iccid)
    stale = ' (the inventory reading of %.0fs ago was out of date)' % reading.age if reading is not None else ''
    before, after = {}, {}
    changed = wrote = read_after = False
    for group in groups:
        if wrote:
            # The write before changed the cas: compare and write with the Thing as it is now.
            thing, current = group.read(client, iccid)
            read_after = True
        else:
            current = group.values(thing)
        wanted = group.desired(params, thing, current)
        differs = current != wanted
        if differs and not check_mode:
            done = write(client, group, params, thing, current, wanted, warn_each(client), stale=stale)
            current, wanted, differs = done.before, done.after, done.changed
            thing = done.thing if done.thing is not None else thing
            read_after = done.read_after
            wrote = wrote or done.changed
            if done.changed and not done.read_after:
                thing = dict(thing)
                thing.update(wanted)
                read_after = False
        before.update(current)
        after.update(wanted)
        changed = changed or differs
    if wrote and reading is None and not read_after:
        thing = client.get_thing(iccid)
    elif changed:
        thing = dict(thing)
        thing.update(after)
    result = {'changed': changed, 'thing': thing}
    result['reading'] = reading.info() if reading is not None else _reading.api_info()
    if diff:
        result['diff'] = {'before': before, 'after': after,
                          'before_header': thing_id(iccid), 'after_header': thing_id(iccid)}
    return result


THING = ModuleDef(
    'monogoto_thing',
    monogoto_argument_spec(
        iccid=dict(type='str', required=True),
        name=dict(type='str'),
        description=dict(type='str'),
        **_reading.reading_argument_spec()
    ),
    run_thing,
    client_factory=client_factory,
    check_params=check_thing_params,
    required_one_of=[['name', 'description']],
)


# -- monogoto_thing_info --------------------------------------------------------

def check_info_params(params):
    iccids = params.get('iccids') or []
    params['iccids'] = [check_iccid(i, option='iccids') for i in iccids]
    if len(set(params['iccids'])) != len(params['iccids']):
        seen, dupes = set(), []
        for i in params['iccids']:
            if i in seen:
                dupes.append(i)
            seen.add(i)
        raise ModuleFailure('iccids: each ICCID may appear once; repeated: %s' % ', '.join(sorted(set(dupes))))
    if params['concurrency'] < 1 or params['concurrency'] > 32:
        raise ModuleFailure('concurrency: must be between 1 and 32, found %s' % params['concurrency'])
    if params.get('max_things') is not None and params['max_things'] < 1:
        raise ModuleFailure('max_things: must be 1 or more, found %s' % params['max_things'])


def _map(func, items, workers):
    if workers <= 1 or len(items) <= 1:
        return [func(i) for i in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(func, items))


def _iccid_of(thing):
    _k, value = find_key(thing, 'ExternalUniqueId')
    if value:
        return str(value)
    _k, tid = find_key(thing, 'ThingId')
    if isinstance(tid, str) and tid.startswith('ThingId_ICCID_'):
        return tid[len('ThingId_ICCID_'):]
    return None


def _listing_key(thing):
    _k, tid = find_key(thing, 'ThingId')
    return tid or _iccid_of(thing) or repr(thing)


def list_all_things(client, page_size=STATUS_PAGE, workers=1, max_things=None):
    """Every Thing once, page after page until a short page: the total is not known beforehand.

    The first page is read alone; when it is full and ``workers`` > 1, the next pages are read that many at
    once, ahead of knowing whether they exist, so at most ``workers - 1`` requests go past the end of the list.
    The listing call is not documented and announces no total, so paging is bounded by what it shows: a Thing
    seen on an earlier page (the list shifted while it was read) is not repeated, but a page that is more than
    half made of Things already listed (an API that ignores ``offset``, or pages that repeat) fails, and so does
    a listing that goes on past ``max_things`` Things (default :data:`MAX_THINGS`): never a loop, never
    duplicates, never a silent drop.
    """
    bound = MAX_THINGS if max_things is None else max_things
    things, seen, offset = [], set(), 0
    window = 1  # the first page alone: a small account costs one request
    while True:
        offsets = [offset + i * page_size for i in range(window)]
        for page_offset, page in zip(offsets, _map(lambda o: client.list_things(page_size, o), offsets, workers)):
            fresh = 0
            for thing in page:
                key = _listing_key(thing)
                if key in seen:
                    continue
                seen.add(key)
                things.append(thing)
                fresh += 1
            if not fresh and page:
                raise ModuleFailure('GET /things: the page at offset %d holds only Things already listed (does the '
                                    'API ignore offset?); stopped after %d Things' % (page_offset, len(things)))
            if (len(page) - fresh) * 2 > len(page):
                raise ModuleFailure('GET /things: %d of the %d Things of the page at offset %d were listed on earlier '
                                    'pages (the pages repeat); stopped after %d Things'
                                    % (len(page) - fresh, len(page), page_offset, len(things)))
            if len(things) > bound:
                raise ModuleFailure('GET /things: more than max_things (%d) Things, and the listing goes on; stopped '
                                    'at offset %d (raise max_things if the account is that large)'
                                    % (bound, page_offset))
            if len(page) < page_size:
                return things
        offset = offsets[-1] + page_size
        window = max(1, workers)


def thing_statuses(client, iccids, workers=1):
    """Data-session status of every ICCID given (None ones are skipped), keyed by ThingId.

    One ``GET /thing/status`` per page of 50, ``workers`` pages at a time: never a call per Thing. Things the
    answers hold no entry for are left without a status, and one warning says how many.
    """
    known = [i for i in iccids if i]
    statuses = {}
    for page in _map(client.thing_status, _chunks(known, STATUS_PAGE), workers):
        statuses.update(page)
    missing = len(set(known)) - len(statuses)
    if missing > 0:
        client.http.warn_once('thing_status', 'GET /thing/status: no status for %d of the %d Things asked for; they '
                              'are left without one' % (missing, len(set(known))))
    return statuses


def run_thing_info(params, client, check_mode=False, diff=False):
    workers = params['concurrency']
    client.auth.token()  # log in once before any worker thread starts
    if params['iccids']:
        iccids = params['iccids']
        things = _map(client.get_thing, iccids, workers)
    else:
        things = list_all_things(client, workers=workers, max_things=params.get('max_things'))
        iccids = [_iccid_of(t) for t in things]
    statuses = thing_statuses(client, iccids, workers) if params['include_status'] else {}
    merged = []
    for iccid, thing in zip(iccids, things):
        item = dict(thing)
        status = statuses.get(thing_id(iccid)) if iccid else None
        if status:
            for key, value in status.items():
                item.setdefault(key, value)
        item['iccid'] = iccid
        merged.append(item)
    return {'changed': False, 'things': merged}


THING_INFO = ModuleDef(
    'monogoto_thing_info',
    monogoto_argument_spec(
        iccids=dict(type='list', elements='str', aliases=['iccid']),
        include_status=dict(type='bool', default=True),
        concurrency=dict(type='int', default=4),
        max_things=dict(type='int', default=MAX_THINGS),
    ),
    run_thing_info,
    client_factory=client_factory,
    check_params=check_info_params,
)


# -- monogoto_thing_ping --------------------------------------------------------

_TIME = re.compile(r'^\s*([0-9]*\.?[0-9]+)\s*(ms|s|us|µs)?\s*$', re.IGNORECASE)
_SCALE = {'ms': 1.0, 's': 1000.0, 'us': 0.001, 'µs': 0.001, None: 1.0}


def parse_ms(value):
    """``"82ms"`` -> 82.0; ``"1.5s"`` -> 1500.0; None when there is no time (a lost packet)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = _TIME.match(str(value))
    if not match:
        return None
    unit = match.group(2).lower() if match.group(2) else None
    return float(match.group(1)) * _SCALE[unit]


def _number(value):
    if value is None or value == '':
        return None
    try:
        number = float(str(value).strip().rstrip('%'))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def parse_samples(data, warn):
    if not isinstance(data, list):
        raise ModuleFailure('the ping answer is not a list of samples; found: %s' % one_line(data, 160))
    samples = []
    for raw in data:
        if not isinstance(raw, dict):
            raise ModuleFailure('a ping sample is not an object; found: %s' % one_line(raw, 160))
        sample = {
            'host': raw.get('host'),
            'size': _number(raw.get('size')),
            'ttl': _number(raw.get('ttl')),
            'time_ms': parse_ms(raw.get('time')),
            'sent': _number(raw.get('sent')),
            'received': _number(raw.get('received')),
            'packet_loss': _number(raw.get('packetLoss')),
            'raw': raw,
        }
        if raw.get('time') not in (None, '') and sample['time_ms'] is None:
            warn('ping sample time %r could not be read as a duration; it is left out of the RTT summary' % raw.get('time'))
        samples.append(sample)
    return samples


def summarize(samples):
    times = [s['time_ms'] for s in samples if s['time_ms'] is not None]
    counters = [s for s in samples if s['sent'] is not None]
    if counters:
        sent = max(s['sent'] for s in counters)
        received = max(s['received'] or 0 for s in counters)
    else:
        sent = len(samples)
        received = len(times)
    loss = round(100.0 * (sent - received) / sent, 2) if sent else None
    return {
        'sent': sent,
        'received': received,
        'loss_percent': loss,
        'rtt_min_ms': min(times) if times else None,
        'rtt_avg_ms': round(sum(times) / len(times), 3) if times else None,
        'rtt_max_ms': max(times) if times else None,
    }


def check_ping_params(params):
    params['iccid'] = check_iccid(params['iccid'])
    if params.get('ip'):
        params['ip'] = check_ip(params['ip'])


def thing_ip(thing, iccid):
    _k, ips = find_key(thing, 'IPs')
    if isinstance(ips, list):
        for entry in ips:
            _k, value = find_key(entry, 'IP')
            if value:
                return check_ip(value, option='IPs[].IP of the Thing')
    _k, value = find_key(thing, 'IPv4')
    if value:
        return check_ip(value, option='IPv4 of the Thing')
    raise ModuleFailure('ICCID %s: the Thing reports no IP address (no IPs[].IP nor IPv4); give ip explicitly' % iccid)


def run_thing_ping(params, client, check_mode=False, diff=False):
    iccid = params['iccid']
    if check_mode:
        return {'changed': False, 'skipped_ping': True, 'samples': [], 'summary': {},
                'msg': 'check mode: the ping was not sent'}
    thing = None
    ip = params.get('ip')
    if not ip:
        thing = client.get_thing(iccid)
        ip = thing_ip(thing, iccid)
    apikey = client.apikey(thing)
    warnings = []
    samples = parse_samples(client.ping(iccid, ip, apikey), warnings.append)
    if warnings:
        # One warning per task, however many samples share the gap.
        client.http.warn(warnings[0] + ('' if len(warnings) == 1 else ' (and %d more sample(s) like it)'
                                        % (len(warnings) - 1)))
    return {'changed': False, 'ip': ip, 'samples': samples, 'summary': summarize(samples)}


THING_PING = ModuleDef(
    'monogoto_thing_ping',
    monogoto_argument_spec(
        iccid=dict(type='str', required=True),
        ip=dict(type='str'),
    ),
    run_thing_ping,
    client_factory=client_factory,
    check_params=check_ping_params,
)
