# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Logic and argument specs of the PING asset modules, free of Ansible plumbing."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import re

from ansible_collections.fleetops.ping.plugins.module_utils.answers import same
from ansible_collections.fleetops.ping.plugins.module_utils.pingasset import (
    PingAssetClient,
    as_int,
    pingasset_argument_spec,
)
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure
from ansible_collections.fleetops.ping.plugins.module_utils.transport import ApiError

CONFIG_ORDERING = ('name', 'created_at', 'modified_at')
DEVICE_ORDERING = ('imei', 'mac', 'last_event_timestamp', 'last_event_created_at', 'created_at', 'modified_at')
GRANT_TYPES = ('authorization-code', 'implicit', 'client-credentials')
DRAFT = 'draft'
PUBLISHED = 'published'
EVENTS_DEFAULT_LIMIT = 100


def client_factory(params, warn):
    return PingAssetClient.from_params(params, warn=warn)


# -- shared helpers --------------------------------------------------------------

def check_ordering(params, allowed, option='ordering'):
    """Each field of ``ordering`` must be one the vendor documents as orderable (a leading ``-`` reverses)."""
    fields = params.get(option)
    if not fields:
        params[option] = None
        return
    cleaned = []
    for field in fields:
        text = str(field).strip()
        if text.lstrip('-') not in allowed:
            raise ModuleFailure('%s: %r is not an orderable field; the documented ones are %s (prefix - to reverse)'
                                % (option, text, ', '.join(allowed)))
        cleaned.append(text)
    params[option] = ','.join(cleaned)


def check_positive(params, option, minimum=1):
    value = params.get(option)
    if value is not None and value < minimum:
        raise ModuleFailure('%s: must be %d or more, found %s' % (option, minimum, value))


class _CountingWrites:
    """The client, counting the writes that went through, so that a task failing after one reports the change."""

    WRITES = ('create_', 'patch_', 'publish_', 'delete_')

    def __init__(self, client):
        self._client = client
        self.writes = 0

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if not name.startswith(self.WRITES):
            return attr

        def write(*args, **kwargs):
            result = attr(*args, **kwargs)
            self.writes += 1
            return result
        return write


def reporting_partial_writes(run):
    """``run`` with a failure after a write (a publish not confirmed after the draft was created, the second of
    two deletions) reported as a change: the API did change, whatever failed next."""
    def wrapper(params, client, check_mode=False, diff=False):
        counted = _CountingWrites(client)
        try:
            return run(params, counted, check_mode=check_mode, diff=diff)
        except ApiError as exc:
            if not counted.writes:
                raise
            extra = {'changed': True}
            if exc.status is not None:
                extra['status'] = exc.status
            raise ModuleFailure(exc.msg, **extra)
        except ModuleFailure as exc:
            if counted.writes:
                exc.extra['changed'] = True
            raise
    return wrapper


def newest_first_key(item):
    """Sort key: oldest first by created_at then id (so the newest is last)."""
    return (str(item.get('created_at') or ''), as_int(item.get('id')) or 0)


# -- pingasset_configuration ------------------------------------------------------------

def check_configuration_params(params):
    if params.get('name') is not None:
        params['name'] = params['name'].strip()
        if not params['name']:
            raise ModuleFailure('name: must not be empty')
    if params.get('id') is not None and params['id'] < 1:
        raise ModuleFailure('id: must be a positive integer, found %s' % params['id'])
    if params.get('delete_superseded') and params['state'] != 'published':
        raise ModuleFailure('delete_superseded: only applies with state=published, found state=%s' % params['state'])


def config_kind(config, warn_unknown):
    state = config.get('state')
    if state == DRAFT:
        return DRAFT
    if state != PUBLISHED:
        warn_unknown(state, config)
    return PUBLISHED


def managed(config):
    """The part of a configuration the module manages: description and settings."""
    if not config:
        return {}
    return {'description': config.get('description') or '',
            'settings': copy.deepcopy(config.get('settings') if config.get('settings') is not None else {})}


def config_changes(config, desired):
    """What differs between ``config`` and what was asked (only the keys that were given)."""
    current = managed(config)
    changes = {}
    for key, value in desired.items():
        if not same(current.get(key), value):
            changes[key] = copy.deepcopy(value)
    return changes


def summary(config):
    keep = ('id', 'name', 'description', 'checksum', 'settings', 'state', 'created_at', 'modified_at')
    return dict((k, config.get(k)) for k in keep if k in config)


def run_configuration(params, client, check_mode=False, diff=False):
    state = params['state']
    desired = {}
    if params.get('description') is not None:
        desired['description'] = params['description']
    if params.get('settings') is not None:
        desired['settings'] = params['settings']
    warned = set()

    def warn_unknown(value, config):
        if value not in warned:
            warned.add(value)
            client.http.warn('configuration %s has state %r, which the docs do not name; it is treated as '
                             'published (read-only)' % (config.get('id'), value))

    if params.get('id') is not None:
        target = client.get_configuration(params['id'])
        if target is None:
            if state == 'absent':
                return _config_result(False, None, [], [], diff, {}, {})
            raise ModuleFailure('id: no configuration with id %s (GET answered HTTP 404); give name instead to create '
                                'one' % params['id'])
        name = target.get('name')
        candidates = [target]
    else:
        name = params['name']
        listed, _meta = client.list_configurations(name=name)
        candidates = [c for c in listed if isinstance(c, dict) and c.get('name') == name]
    candidates.sort(key=newest_first_key)
    drafts = [c for c in candidates if config_kind(c, warn_unknown) == DRAFT]
    published = [c for c in candidates if config_kind(c, warn_unknown) == PUBLISHED]

    if state == 'absent':
        return _configuration_absent(client, candidates, check_mode, diff)
    if state == 'draft':
        return _configuration_draft(client, params, name, desired, drafts, published, check_mode, diff)
    return _configuration_published(client, params, name, desired, drafts, published, check_mode, diff)


def _config_result(changed, configuration, actions, superseded, diff, before, after, header=None):
    result = {'changed': changed, 'configuration': configuration, 'actions': actions,
              'superseded': [summary(c) for c in superseded]}
    if diff:
        result['diff'] = {'before': before, 'after': after}
        if header:
            result['diff']['before_header'] = result['diff']['after_header'] = header
    return result


def _configuration_absent(client, candidates, check_mode, diff):
    actions = []
    for config in candidates:
        actions.append('delete %s' % config.get('id'))
        if not check_mode:
            client.delete_configuration(config.get('id'))
    before = managed(candidates[-1]) if candidates else {}
    header = candidates[-1].get('name') if candidates else None
    return _config_result(bool(actions), None, actions, [], diff, before, {}, header)


def _configuration_draft(client, params, name, desired, drafts, published, check_mode, diff):
    if params.get('id') is not None and not drafts:
        raise ModuleFailure('id: configuration %s (%s) is published, and published configurations are read-only; '
                            'state=draft cannot apply to it (use state=published, or name to keep a draft beside it)'
                            % (params['id'], name))
    actions = []
    if drafts:
        current = drafts[-1]
        if len(drafts) > 1:
            client.http.warn('%d drafts are named %r (ids %s); the newest, %s, is the one managed'
                             % (len(drafts), name, ', '.join(str(d.get('id')) for d in drafts), current.get('id')))
        before = managed(current)
        changes = config_changes(current, desired)
        if changes:
            actions.append('edit %s' % current.get('id'))
            if check_mode:
                current = dict(current, **copy.deepcopy(changes))
            else:
                current = client.patch_configuration(current.get('id'), changes)
        configuration = current
    else:
        before = {}
        body = {'name': name}
        body.update(copy.deepcopy(desired))
        actions.append('create')
        if check_mode:
            configuration = dict(body, id=None, state=DRAFT)
            configuration.setdefault('description', '')
            configuration.setdefault('settings', {})
        else:
            configuration = client.create_configuration(body)
    return _config_result(bool(actions), configuration, actions, [], diff, before, managed(configuration), name)


def _configuration_published(client, params, name, desired, drafts, published, check_mode, diff):
    actions = []
    current = published[-1] if published else None
    if current is not None and not config_changes(current, desired):
        configuration = current
        superseded = published[:-1]
        before = managed(current)
    else:
        superseded = list(published)
        if params.get('id') is not None and not drafts:
            source = None  # by id, a published one with other values: a new configuration replaces it
        else:
            source = drafts[-1] if drafts else None
        before = managed(current or source)
        if source is not None:
            if len(drafts) > 1:
                client.http.warn('%d drafts are named %r (ids %s); the newest, %s, is the one published'
                                 % (len(drafts), name, ', '.join(str(d.get('id')) for d in drafts), source.get('id')))
            changes = config_changes(source, desired)
            config_id = source.get('id')
            if changes:
                actions.append('edit %s' % config_id)
                if not check_mode:
                    source = client.patch_configuration(config_id, changes)
                else:
                    source = dict(source, **copy.deepcopy(changes))
        else:
            body = {'name': name}
            # What was not given is carried over from the published configuration being replaced.
            inherited = managed(current)
            for key in ('description', 'settings'):
                if key in desired:
                    body[key] = copy.deepcopy(desired[key])
                elif key in inherited:
                    body[key] = inherited[key]
            actions.append('create')
            if check_mode:
                source = dict(body, id=None, state=DRAFT)
                source.setdefault('description', '')
                source.setdefault('settings', {})
            else:
                source = client.create_configuration(body)
            config_id = source.get('id')
        actions.append('publish %s' % config_id if config_id is not None else 'publish')
        if check_mode:
            configuration = dict(source, state=PUBLISHED)
        else:
            configuration = client.publish_configuration(config_id)
    if params.get('delete_superseded'):
        for config in superseded:
            actions.append('delete %s' % config.get('id'))
            if not check_mode:
                client.delete_configuration(config.get('id'))
    return _config_result(bool(actions), configuration, actions, superseded, diff, before,
                          managed(configuration), name)


run_configuration = reporting_partial_writes(run_configuration)

CONFIGURATION = ModuleDef(
    'pingasset_configuration',
    pingasset_argument_spec(
        name=dict(type='str'),
        id=dict(type='int'),
        description=dict(type='str'),
        settings=dict(type='dict'),
        state=dict(type='str', default='draft', choices=['draft', 'published', 'absent']),
        delete_superseded=dict(type='bool', default=False),
    ),
    run_configuration,
    client_factory=client_factory,
    check_params=check_configuration_params,
    mutually_exclusive=[('name', 'id')],
    required_one_of=[('name', 'id')],
)


# -- pingasset_configuration_info --------------------------------------------------------

def check_configuration_info_params(params):
    check_ordering(params, CONFIG_ORDERING)
    names = [n.strip() for n in (params.get('name') or []) if n and n.strip()]
    for value in names:
        if ',' in value:
            raise ModuleFailure('name: %r holds a comma, which the API reads as a separator of names' % value)
    params['name'] = names or None


def run_configuration_info(params, client, check_mode=False, diff=False):
    names = params.get('name')
    items, meta = client.list_configurations(name=','.join(names) if names else None, search=params.get('search'),
                                             ordering=params.get('ordering'))
    if names:
        # The API filters by these names; an exact match is kept whatever the API's matching rules are.
        items = [c for c in items if isinstance(c, dict) and c.get('name') in names]
    return {'changed': False, 'configurations': items, 'count': len(items)}


CONFIGURATION_INFO = ModuleDef(
    'pingasset_configuration_info',
    pingasset_argument_spec(
        name=dict(type='list', elements='str'),
        search=dict(type='str'),
        ordering=dict(type='list', elements='str'),
    ),
    run_configuration_info,
    client_factory=client_factory,
    check_params=check_configuration_info_params,
)


# -- pingasset_device_info -----------------------------------------------------------------

_DIGITS = re.compile(r'^[0-9]+$')
_MAC = re.compile(r'^[0-9A-Fa-f]{2}([:-]?[0-9A-Fa-f]{2}){5}$')


def check_imei_filter(params):
    """An IMEI to filter by: digits only, 14 to 16 long; no Luhn check: the vendor's own example,
    990000862471854, fails it."""
    imei = params.get('imei')
    if imei is not None:
        imei = str(imei).strip()
        if not _DIGITS.match(imei) or not 14 <= len(imei) <= 16:
            raise ModuleFailure('imei: %r is not an IMEI: it must be 14 to 16 digits' % params['imei'])
        params['imei'] = imei


def check_device_info_params(params):
    check_ordering(params, DEVICE_ORDERING)
    check_imei_filter(params)
    mac = params.get('mac')
    if mac is not None:
        mac = str(mac).strip()
        if not _MAC.match(mac):
            raise ModuleFailure('mac: %r is not a MAC address (six hexadecimal pairs, e.g. 00:A0:C9:14:C8:29)'
                                % params['mac'])
        params['mac'] = mac
    lat, lon = params.get('latitude'), params.get('longitude')
    if lat is not None and not -90.0 <= lat <= 90.0:
        raise ModuleFailure('latitude: must be between -90 and 90, found %s' % lat)
    if lon is not None and not -180.0 <= lon <= 180.0:
        raise ModuleFailure('longitude: must be between -180 and 180, found %s' % lon)
    for option in ('radius__lte', 'radius__gte'):
        if params.get(option) is not None:
            if lat is None or lon is None:
                raise ModuleFailure('%s: needs latitude and longitude (the API ignores a radius without them)' % option)
            check_positive(params, option, 0)
    if params.get('geogroup_distance') is not None:
        if params.get('geogroup_inside') is None and params.get('geogroup_outside') is None:
            raise ModuleFailure('geogroup_distance: needs geogroup_inside or geogroup_outside, as in the documented '
                                'example geogroup_inside=7&geogroup_distance=1000')
        check_positive(params, 'geogroup_distance', 0)
    for option in ('customer_group_id', 'geogroup_inside', 'geogroup_outside'):
        check_positive(params, option)
    check_positive(params, 'limit')


def _query_number(value):
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def device_query(params):
    query = {}
    for option in ('imei', 'mac', 'search', 'ordering'):
        if params.get(option) not in (None, ''):
            query[option] = params[option]
    if params.get('fault') is not None:
        query['fault'] = 'true' if params['fault'] else 'false'
    for option in ('customer_group_id', 'latitude', 'longitude', 'radius__lte', 'radius__gte',
                   'geogroup_inside', 'geogroup_outside', 'geogroup_distance'):
        if params.get(option) is not None:
            query[option] = _query_number(params[option])
    return query


def listing_result(key, items, meta):
    """The result of a capped listing: the items under ``key``, with what the API said about the whole list."""
    return {'changed': False, key: items, 'count': meta['count'], 'truncated': meta['truncated'],
            'pages_read': meta['pages_read']}


def run_device_info(params, client, check_mode=False, diff=False):
    return listing_result('devices', *client.list_devices(device_query(params), limit=params.get('limit')))


DEVICE_INFO = ModuleDef(
    'pingasset_device_info',
    pingasset_argument_spec(
        imei=dict(type='str'),
        mac=dict(type='str'),
        search=dict(type='str'),
        fault=dict(type='bool'),
        customer_group_id=dict(type='int'),
        latitude=dict(type='float'),
        longitude=dict(type='float'),
        radius__lte=dict(type='int'),
        radius__gte=dict(type='int'),
        geogroup_inside=dict(type='int'),
        geogroup_outside=dict(type='int'),
        geogroup_distance=dict(type='int'),
        ordering=dict(type='list', elements='str'),
        limit=dict(type='int'),
    ),
    run_device_info,
    client_factory=client_factory,
    check_params=check_device_info_params,
    required_together=[('latitude', 'longitude')],
)


# -- pingasset_event_info ------------------------------------------------------------------

def check_event_info_params(params):
    check_imei_filter(params)
    check_positive(params, 'limit', 0)


def run_event_info(params, client, check_mode=False, diff=False):
    query = {'imei': params.get('imei')} if params.get('imei') else {}
    return listing_result('events', *client.list_events(query, limit=params.get('limit') or None))


EVENT_INFO = ModuleDef(
    'pingasset_event_info',
    pingasset_argument_spec(
        imei=dict(type='str'),
        limit=dict(type='int', default=EVENTS_DEFAULT_LIMIT),
    ),
    run_event_info,
    client_factory=client_factory,
    check_params=check_event_info_params,
)


# -- pingasset_account_info ------------------------------------------------------------------

def run_account_info(params, client, check_mode=False, diff=False):
    return {'changed': False, 'account': client.account()}


ACCOUNT_INFO = ModuleDef(
    'pingasset_account_info',
    pingasset_argument_spec(),
    run_account_info,
    client_factory=client_factory,
)


# -- pingasset_account_password ------------------------------------------------------------------

def check_password_params(params):
    for option in ('old_password', 'new_password'):
        if not params.get(option):
            raise ModuleFailure('%s: must not be empty' % option)
    if params['old_password'] == params['new_password']:
        raise ModuleFailure('new_password: it is the same as old_password; a rotation needs a new password')


def run_account_password(params, client, check_mode=False, diff=False):
    """Change the password of the user the credentials act as; changed every time it is sent (a password cannot be
    read, so there is nothing to compare). Check mode sends nothing."""
    if check_mode:
        return {'changed': True, 'msg': 'check mode: the password change was not sent'}
    try:
        client.change_password(params['old_password'], params['new_password'])
    except ApiError as exc:
        if exc.unsure:
            raise ModuleFailure('%s; the password may or may not have been changed' % exc.msg, changed=True)
        raise
    return {'changed': True, 'msg': 'the password was changed (HTTP 204)'}


ACCOUNT_PASSWORD = ModuleDef(
    'pingasset_account_password',
    pingasset_argument_spec(
        old_password=dict(type='str', required=True, no_log=True),
        new_password=dict(type='str', required=True, no_log=True),
    ),
    run_account_password,
    client_factory=client_factory,
    check_params=check_password_params,
)


# -- pingasset_application and pingasset_application_info -------------------------------------

def public_application(app):
    """An application without its client secret (which the API may show in any answer)."""
    return dict((k, v) for k, v in app.items() if k != 'client_secret')


def split_uris(value):
    """The API's comma separated ``redirect_uris`` as a list (whitespace is tolerated as a separator too)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part for part in re.split(r'[,\s]+', str(value)) if part]


def check_application_params(params):
    params['name'] = (params.get('name') or '').strip()
    if not params['name']:
        raise ModuleFailure('name: must not be empty')
    uris = params.get('redirect_uris')
    if uris is not None:
        cleaned = []
        for uri in uris:
            uri = str(uri).strip()
            if not re.match(r'^[A-Za-z][A-Za-z0-9+.-]*://\S+$', uri) or ',' in uri:
                raise ModuleFailure('redirect_uris: %r is not an absolute URI without commas' % uri)
            cleaned.append(uri)
        params['redirect_uris'] = cleaned


def application_view(app):
    return {'name': app.get('name'), 'authorization_grant_type': app.get('authorization_grant_type'),
            'redirect_uris': split_uris(app.get('redirect_uris'))}


def run_application(params, client, check_mode=False, diff=False):
    name = params['name']
    apps, _meta = client.list_applications()
    matches = [a for a in apps if isinstance(a, dict) and a.get('name') == name]
    result = {'changed': False, 'actions': []}
    if params['state'] == 'absent':
        for app in matches:
            result['actions'].append('delete %s' % app.get('id'))
            if not check_mode:
                client.delete_application(app.get('id'))
        result['changed'] = bool(matches)
        result['application'] = None
        if diff:
            result['diff'] = {'before': application_view(matches[0]) if matches else {}, 'after': {},
                              'before_header': name, 'after_header': name}
        return result
    if len(matches) > 1:
        raise ModuleFailure('name: %d applications are named %r (ids %s); delete the extra ones or rename them'
                            % (len(matches), name, ', '.join(str(a.get('id')) for a in matches)))
    wanted = {'authorization_grant_type': params['authorization_grant_type']}
    if params.get('redirect_uris') is not None:
        wanted['redirect_uris'] = params['redirect_uris']
    if not matches:
        body = {'name': name, 'authorization_grant_type': wanted['authorization_grant_type']}
        if 'redirect_uris' in wanted:
            body['redirect_uris'] = ','.join(wanted['redirect_uris'])
        result['actions'].append('create')
        result['changed'] = True
        before = {}
        if check_mode:
            app = dict(body, id=None, client_id=None)
        else:
            created = client.create_application(body)
            # Returned here, once: the module never returns it again.
            result['client_secret'] = created.get('client_secret')
            app = created
    else:
        app = matches[0]
        before = application_view(app)
        changes = {}
        if app.get('authorization_grant_type') != wanted['authorization_grant_type']:
            changes['authorization_grant_type'] = wanted['authorization_grant_type']
        if 'redirect_uris' in wanted and split_uris(app.get('redirect_uris')) != wanted['redirect_uris']:
            changes['redirect_uris'] = ','.join(wanted['redirect_uris'])
        if changes:
            result['actions'].append('update %s' % app.get('id'))
            result['changed'] = True
            if check_mode:
                app = dict(app, **changes)
            else:
                app = client.patch_application(app.get('id'), changes)
    result['application'] = public_application(app)
    if diff:
        result['diff'] = {'before': before, 'after': application_view(app), 'before_header': name,
                          'after_header': name}
    return result


run_application = reporting_partial_writes(run_application)

APPLICATION = ModuleDef(
    'pingasset_application',
    pingasset_argument_spec(
        name=dict(type='str', required=True),
        authorization_grant_type=dict(type='str', choices=list(GRANT_TYPES)),
        redirect_uris=dict(type='list', elements='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ),
    run_application,
    client_factory=client_factory,
    check_params=check_application_params,
    required_if=[('state', 'present', ['authorization_grant_type'])],
)


def run_application_info(params, client, check_mode=False, diff=False):
    apps, _meta = client.list_applications()
    names = params.get('name')
    apps = [public_application(a) for a in apps if isinstance(a, dict) and (not names or a.get('name') in names)]
    return {'changed': False, 'applications': apps, 'count': len(apps)}


APPLICATION_INFO = ModuleDef(
    'pingasset_application_info',
    pingasset_argument_spec(
        name=dict(type='list', elements='str'),
    ),
    run_application_info,
    client_factory=client_factory,
)
