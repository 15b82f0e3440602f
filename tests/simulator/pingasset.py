# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PING asset customer API 1.0.13, as documented in shared/api (pingasset-customer-api-1.0.13.txt, README.md 3).

What the vendor documents is followed; what it does not is invented here only
so that the modules have something to talk to, and is marked as such:

* tokens: ``POST /auth/token/`` (JSON, client credentials) answers ``expires_in``
  as an integer (the vendor's sample shows a JWT-looking string there, a docs
  error). Tokens expire after ``token_ttl`` seconds; ``expire_tokens()`` drops them.
* every list is paged by 10: ``{"count", "num_pages", "results"}``, ``page`` from 1,
  404 ``{"detail": "Invalid page."}`` past the end (as Django REST framework does).
* configurations: draft and published; editing (PUT/PATCH) or publishing a
  published one answers 400 ``{"non_field_errors": ["Published configurations
  cannot be modified."]}``. Deleting is allowed in both states (the docs do not
  restrict it). The keys inside ``settings`` are invented (not documented).
* devices: the fields of a device are not documented (the docs copy stops inside
  the filters); the ones here are invented. A geogroup here is a circle (center
  and radius in meters), not the polygon the real API may use. ``geogroup_distance``
  follows one reading of the docs' example ("farther than 1000 meters of geo group
  with ID=7 boundary" for ``geogroup_inside=7&geogroup_distance=1000``): with
  ``geogroup_inside`` it keeps devices inside and farther than that from the
  boundary; with ``geogroup_outside``, outside and farther than that from it.
* events: ``GET /1.0/events/`` with ``imei`` (known from a public client only);
  the event fields are invented.
* password change: ``POST /1.0/customers/accounts/password/change/`` checks ``old_password`` against the
  user's password (``USER_PASSWORD`` after a reset), the new one as Django's default validators would (at least 8
  characters, not all digits) and ``password_confirmation``; it answers 400 with field errors
  (``{"old_password": ["..."]}``) or 204, and then the new password is the user's. The messages are Django's.
* applications: the docs' samples show ``client_secret`` in every answer, so the
  list and the details here carry it too; the modules must strip it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import hashlib
import json
import math
import random
import re
import time
import uuid

from .core import Reply, json_reply
from .monogoto import luhn_digit

PAGE_SIZE = 10
USER_PASSWORD = 'jon-doe-Pa55word-' + 'Vq7Rk2'
PASSWORD_CHANGE = '/1.0/customers/accounts/password/change/'
DEMO_CLIENT_ID = 'pingasset-demo-client'
DEMO_CLIENT_SECRET = 'pingasset-demo-secret-' + 'Zq8Lm3Vx7Rt2Nw5Kp9Hs4Jd6Fg1Bc0Ay5Ue8Oi3T'
VENDOR_APP_CLIENT_ID = 'tVjLAng6wRI4oAE1AAFVtqeB0oLZ65WstjIV32MU'
VENDOR_APP_SECRET = ('9u3La89Ai4SRkKfJZqhak8W6fVVD437ZnhHmySN4jKonVHHA9YGGtizsJfdqjs0gPOd8sfzy49jNbUDWTu7hqQYDKi39sy4'
                     'cfz6vDGvtqwKr5Q4lgsRilgNdRyPNQLKy')
GRANT_TYPES = ('authorization-code', 'implicit', 'client-credentials')
CONFIG_ORDERING = ('name', 'created_at', 'modified_at')
DEVICE_ORDERING = ('imei', 'mac', 'last_event_timestamp', 'last_event_created_at', 'created_at', 'modified_at')
PUBLISHED_READ_ONLY = 'Published configurations cannot be modified.'
TIMES_SQUARE = (40.758970, -73.984479)
CUSTOMER = {'id': 1, 'name': 'Fleetops Demo Logistics'}
EARTH_RADIUS_M = 6371008.8
CLOCK_START = datetime.datetime(2024, 6, 1, 8, 0, 0, tzinfo=datetime.timezone.utc).timestamp()
ID_PATH = re.compile(r'^(/1\.0/(?:configurations/customer|applications)/)(\d+)/(publish/)?$')
# A geogroup is a circle here (documented above): id -> (name, latitude, longitude, radius in meters).
GEOGROUPS = {
    7: ('Times Square', TIMES_SQUARE[0], TIMES_SQUARE[1], 5000),
    8: ('Newark depot', 40.735657, -74.172367, 3000),
    9: ('JFK cargo', 40.641311, -73.778139, 4000),
}


def haversine(lat1, lon1, lat2, lon2):
    """Great-circle distance in meters."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def stamp(seconds):
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def checksum(settings):
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode('utf-8')).hexdigest()[:8]


def invalid(**fields):
    return json_reply(dict((k, v if isinstance(v, list) else [v]) for k, v in fields.items()), 400)


def not_found():
    return json_reply({'detail': 'Not found.'}, 404)


class PingAssetApp:
    def __init__(self, seed=1, token_ttl=3600, devices=35):
        self.seed = seed
        self.token_ttl = token_ttl
        self.device_count = devices
        self.issued = []  # every access token ever issued, kept across resets for the secrecy checks
        self.passwords = [USER_PASSWORD]  # every password the user ever had, for the same checks
        self.reset()

    # -- state -------------------------------------------------------------
    def reset(self):
        self.rnd = random.Random(self.seed)
        self.tokens = {}
        self.user_password = USER_PASSWORD
        self.password_changes = 0
        # A clock of its own, one second per write from a fixed start, so that two runs from a reset
        # (in-process and as modules, for the parity tests) see the same timestamps.
        self.clock = CLOCK_START
        self.next_id = {'configuration': 1, 'application': 1}
        self.configurations = {}
        self.applications = {}
        self.devices = []
        self.events = []
        self._seed_configurations()
        self._seed_applications()
        self._seed_devices()

    def _now(self):
        self.clock += 1
        return stamp(self.clock)

    def _new_id(self, kind):
        value = self.next_id[kind]
        self.next_id[kind] += 1
        return value

    def _seed_configurations(self):
        # The vendor's example, as documented (its settings are shown collapsed in the docs: kept empty).
        self.configurations[1] = {
            'id': 1, 'name': 'Custom Configuration',
            'description': 'Custom configuration extending reporting frequency',
            'checksum': 'a7cd6c22', 'settings': {},
            'created_at': '2019-07-13T18:09:35Z', 'modified_at': '2019-07-13T18:09:35Z',
            'state': 'draft', 'customer': dict(CUSTOMER),
        }
        self.next_id['configuration'] = 2
        base = datetime.datetime(2023, 1, 10, 8, 0, 0, tzinfo=datetime.timezone.utc).timestamp()
        for index in range(1, 12):
            settings = {'reporting_interval': 300 * index, 'temperature_logging_interval': 600,
                        'shock_threshold': 2 + index % 3}
            cid = self._new_id('configuration')
            created = stamp(base + index * 86400)
            self.configurations[cid] = {
                'id': cid, 'name': 'Fleet profile %02d' % index, 'description': 'Seeded profile %d' % index,
                'checksum': checksum(settings), 'settings': settings, 'created_at': created, 'modified_at': created,
                'state': 'published' if index % 2 else 'draft', 'customer': dict(CUSTOMER),
            }

    def _seed_applications(self):
        self.applications[1] = {
            'id': 1, 'name': 'Backup event retriever', 'client_id': VENDOR_APP_CLIENT_ID,
            'client_secret': VENDOR_APP_SECRET, 'authorization_grant_type': 'authorization-code',
            'redirect_uris': 'https://myapiapp.localhost/',
            'created_at': '2019-07-13T18:09:35Z', 'modified_at': '2019-07-13T18:09:35Z',
        }
        self.next_id['application'] = 2

    def _seed_devices(self):
        base = datetime.datetime(2024, 3, 1, 0, 0, 0, tzinfo=datetime.timezone.utc).timestamp()
        centers = [TIMES_SQUARE, GEOGROUPS[8][1:3], GEOGROUPS[9][1:3], (41.308274, -72.927883)]
        event_id = 0
        for index in range(self.device_count):
            body = '35%012d' % (710000000 + index * 7919)
            imei = body + luhn_digit(body)
            mac = '00:A0:C9:%02X:%02X:%02X' % (index // 256, index % 256, (index * 37) % 256)
            center = centers[index % len(centers)]
            # Spread around the center: 0 to ~12 km away.
            distance = self.rnd.uniform(0, 12000)
            bearing = self.rnd.uniform(0, 2 * math.pi)
            lat = center[0] + (distance * math.cos(bearing)) / 111320.0
            lon = center[1] + (distance * math.sin(bearing)) / (111320.0 * math.cos(math.radians(center[0])))
            last_event = base + index * 3600
            device = {
                'id': index + 1, 'imei': imei, 'mac': mac, 'name': 'Tracker %03d' % (index + 1),
                'fault': index % 5 == 3, 'customer_group_id': 1 + index % 3,
                'latitude': round(lat, 6), 'longitude': round(lon, 6),
                'last_event_timestamp': stamp(last_event), 'last_event_created_at': stamp(last_event + 2),
                'created_at': stamp(base - 86400 * (100 - index)), 'modified_at': stamp(last_event),
            }
            self.devices.append(device)
            for number in range(3 if index else 25):
                event_id += 1
                when = last_event - number * 900
                self.events.append({
                    'id': event_id, 'imei': imei, 'type': ('position', 'temperature', 'shock')[number % 3],
                    'timestamp': stamp(when), 'created_at': stamp(when + 2),
                    'latitude': device['latitude'], 'longitude': device['longitude'],
                    'temperature': round(self.rnd.uniform(2, 8), 1),
                })

    def expire_tokens(self):
        self.tokens = {}

    def secrets(self):
        # Secrets of applications created through the API are left out on purpose: a module returns the
        # one of an application it creates (once, by design). The seeded application's is kept: the
        # API shows it in every answer and the modules must never return it.
        return [DEMO_CLIENT_SECRET, VENDOR_APP_SECRET] + list(self.issued) + list(self.passwords)

    def dump(self):
        return {'configurations': copy.deepcopy(self.configurations),
                'applications': dict((k, self._public_app(v)) for k, v in self.applications.items()),
                'devices': len(self.devices), 'events': len(self.events), 'tokens': len(self.tokens),
                'password_changes': self.password_changes}

    @staticmethod
    def _public_app(app):
        return dict((k, v) for k, v in app.items() if k != 'client_secret')

    # -- HTTP --------------------------------------------------------------
    def handle(self, request):
        if request.path == '/auth/token/':
            request.tag = 'login'
            request.read_only = True
            if request.method != 'POST':
                return json_reply({'detail': 'Method "%s" not allowed.' % request.method}, 405)
            return self.token(request)
        token = request.bearer()
        if token is None:
            return json_reply({'detail': 'Authentication credentials were not provided.'}, 401)
        expires = self.tokens.get(token)
        if expires is None or expires <= time.time():
            return json_reply({'detail': 'Invalid token.'}, 401)
        path = request.path
        method = request.method
        if path == '/1.0/customers/accounts/me/' and method == 'GET':
            return json_reply(self.account())
        if path == PASSWORD_CHANGE:
            if method == 'POST':
                return self.change_password(request)
            return self._not_allowed(method)
        if path == '/1.0/configurations/customer/':
            if method == 'GET':
                return self.list_configurations(request)
            if method == 'POST':
                return self.create_configuration(request)
            return self._not_allowed(method)
        if path == '/1.0/applications/':
            if method == 'GET':
                return self.page(request, [self.applications[k] for k in sorted(self.applications)])
            if method == 'POST':
                return self.create_application(request)
            return self._not_allowed(method)
        if path == '/1.0/devices/devices/' and method == 'GET':
            return self.list_devices(request)
        if path == '/1.0/events/' and method == 'GET':
            return self.list_events(request)
        match = ID_PATH.match(path)
        if match:
            item_id = int(match.group(2))
            if match.group(1) == '/1.0/applications/':
                return self.application(request, item_id) if not match.group(3) else not_found()
            return self.configuration(request, item_id, publish=bool(match.group(3)))
        return not_found()

    @staticmethod
    def _not_allowed(method):
        return json_reply({'detail': 'Method "%s" not allowed.' % method}, 405)

    def token(self, request):
        body = request.json
        if not isinstance(body, dict):
            return invalid(non_field_errors='The request body must be a JSON object.')
        missing = dict((k, 'This field is required.') for k in ('client_id', 'client_secret', 'grant_type')
                       if not body.get(k))
        if missing:
            return invalid(**missing)
        if body['grant_type'] != 'client_credentials':
            return json_reply({'error': 'unsupported_grant_type'}, 400)
        known = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        for app in self.applications.values():
            if app['authorization_grant_type'] == 'client-credentials':
                known[app['client_id']] = app['client_secret']
        if known.get(body['client_id']) != body['client_secret']:
            return json_reply({'error': 'invalid_client'}, 401)
        token = 'eyJ0eXAiOiJKV1Qi' + uuid.uuid4().hex + uuid.uuid4().hex
        self.tokens[token] = time.time() + self.token_ttl
        self.issued.append(token)
        return json_reply({'access_token': token, 'expires_in': self.token_ttl, 'token_type': 'Bearer',
                           'scope': 'read write'})

    def change_password(self, request):
        body = request.json
        if not isinstance(body, dict):
            return invalid(non_field_errors='The request body must be a JSON object.')
        errors = dict((k, 'This field is required.') for k in ('old_password', 'password', 'password_confirmation')
                      if not isinstance(body.get(k), str) or not body.get(k))
        if errors:
            return invalid(**errors)
        if body['old_password'] != self.user_password:
            errors['old_password'] = 'Your old password was entered incorrectly. Please enter it again.'
        new = body['password']
        weak = []
        if len(new) < 8:
            weak.append('This password is too short. It must contain at least 8 characters.')
        if new.isdigit():
            weak.append('This password is entirely numeric.')
        if weak:
            errors['password'] = weak
        if body['password_confirmation'] != new:
            errors['password_confirmation'] = "The two password fields didn't match."
        if errors:
            return invalid(**errors)
        self.user_password = new
        self.passwords.append(new)
        self.password_changes += 1
        return Reply(204)

    def account(self):
        return {'id': 1, 'username': 'jon.doe@example.org', 'first_name': 'Jon', 'last_name': 'Doe',
                'customer': dict(CUSTOMER), 'created_at': '2019-07-13T18:09:35Z',
                'modified_at': '2019-07-13T18:09:35Z'}

    # -- paging and ordering ----------------------------------------------------
    def page(self, request, items):
        raw = request.arg('page', '1')
        try:
            number = int(raw)
        except ValueError:
            return json_reply({'detail': 'Invalid page.'}, 404)
        size = PAGE_SIZE
        count = len(items)
        num_pages = max(1, (count + size - 1) // size) if count else 1
        if number < 1 or number > num_pages:
            return json_reply({'detail': 'Invalid page.'}, 404)
        return json_reply({'count': count, 'num_pages': num_pages,
                           'results': copy.deepcopy(items[(number - 1) * size:number * size])})

    @staticmethod
    def order(request, items, allowed):
        raw = request.arg('ordering')
        if not raw:
            return items
        fields = [f.strip() for f in raw.split(',') if f.strip()]
        # Django REST framework ignores fields it does not allow; so does this.
        fields = [f for f in fields if f.lstrip('-') in allowed]
        for field in reversed(fields):
            key = field.lstrip('-')
            items = sorted(items, key=lambda item: (item.get(key) is None, item.get(key) or ''),
                           reverse=field.startswith('-'))
        return items

    # -- configurations ----------------------------------------------------------
    def list_configurations(self, request):
        items = [self.configurations[k] for k in sorted(self.configurations)]
        names = request.arg('name')
        if names:
            wanted = set(n.strip() for n in names.split(','))
            items = [c for c in items if c['name'] in wanted]
        search = request.arg('search')
        if search:
            items = [c for c in items if search.lower() in c['name'].lower()]
        return self.page(request, self.order(request, items, CONFIG_ORDERING))

    def _config_fields(self, body, partial):
        errors = {}
        values = {}
        if not isinstance(body, dict):
            return None, {'non_field_errors': ['Invalid data. Expected a dictionary, but got %s.' % type(body).__name__]}
        if 'name' in body or not partial:
            name = body.get('name')
            if not isinstance(name, str) or not name.strip():
                errors['name'] = ['This field is required.' if name in (None, '') else 'Not a valid string.']
            elif len(name) > 100:
                errors['name'] = ['Ensure this field has no more than 100 characters.']
            else:
                values['name'] = name
        if 'description' in body:
            desc = body['description']
            if desc is not None and not isinstance(desc, str):
                errors['description'] = ['Not a valid string.']
            else:
                values['description'] = desc or ''
        if 'settings' in body:
            settings = body['settings']
            if not isinstance(settings, dict):
                errors['settings'] = ['Expected a dictionary of items but got type "%s".' % type(settings).__name__]
            else:
                values['settings'] = settings
        return values, errors

    def create_configuration(self, request):
        values, errors = self._config_fields(request.json, partial=False)
        if errors:
            return json_reply(errors, 400)
        now = self._now()
        cid = self._new_id('configuration')
        settings = values.get('settings', {})
        self.configurations[cid] = {
            'id': cid, 'name': values['name'], 'description': values.get('description', ''),
            'checksum': checksum(settings), 'settings': copy.deepcopy(settings), 'created_at': now,
            'modified_at': now, 'state': 'draft', 'customer': dict(CUSTOMER),
        }
        return json_reply(copy.deepcopy(self.configurations[cid]), 201)

    def configuration(self, request, cid, publish=False):
        config = self.configurations.get(cid)
        if config is None:
            return not_found()
        method = request.method
        if publish:
            if method != 'POST':
                return self._not_allowed(method)
            if config['state'] != 'draft':
                return invalid(non_field_errors=PUBLISHED_READ_ONLY)
            config['state'] = 'published'
            config['modified_at'] = self._now()
            return json_reply(copy.deepcopy(config))
        if method == 'GET':
            return json_reply(copy.deepcopy(config))
        if method in ('PUT', 'PATCH'):
            if config['state'] != 'draft':
                return invalid(non_field_errors=PUBLISHED_READ_ONLY)
            values, errors = self._config_fields(request.json, partial=method == 'PATCH')
            if errors:
                return json_reply(errors, 400)
            if method == 'PUT':
                values.setdefault('description', '')
                values.setdefault('settings', {})
            for key, value in values.items():
                config[key] = copy.deepcopy(value)
            config['checksum'] = checksum(config['settings'])
            config['modified_at'] = self._now()
            return json_reply(copy.deepcopy(config))
        if method == 'DELETE':
            del self.configurations[cid]
            return json_reply(None, 204)
        return self._not_allowed(method)

    # -- applications ---------------------------------------------------------------
    def _app_fields(self, body, partial):
        errors = {}
        values = {}
        if not isinstance(body, dict):
            return None, {'non_field_errors': ['Invalid data. Expected a dictionary, but got %s.' % type(body).__name__]}
        if 'name' in body or not partial:
            name = body.get('name')
            if not isinstance(name, str) or not name.strip():
                errors['name'] = ['This field is required.']
            else:
                values['name'] = name
        if 'authorization_grant_type' in body or not partial:
            grant = body.get('authorization_grant_type')
            if grant in (None, ''):
                errors['authorization_grant_type'] = ['This field is required.']
            elif grant not in GRANT_TYPES:
                errors['authorization_grant_type'] = ['"%s" is not a valid choice.' % grant]
            else:
                values['authorization_grant_type'] = grant
        if 'redirect_uris' in body:
            uris = body['redirect_uris']
            if uris is not None and not isinstance(uris, str):
                errors['redirect_uris'] = ['Not a valid string.']
            else:
                values['redirect_uris'] = uris or ''
        return values, errors

    def create_application(self, request):
        values, errors = self._app_fields(request.json, partial=False)
        if errors:
            return json_reply(errors, 400)
        now = self._now()
        aid = self._new_id('application')
        alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'
        app = {
            'id': aid, 'name': values['name'],
            'client_id': ''.join(self.rnd.choice(alphabet) for _index in range(40)),
            'client_secret': ''.join(self.rnd.choice(alphabet) for _index in range(128)),
            'authorization_grant_type': values['authorization_grant_type'],
            'redirect_uris': values.get('redirect_uris', ''), 'created_at': now, 'modified_at': now,
        }
        self.applications[aid] = app
        return json_reply(copy.deepcopy(app), 201)

    def application(self, request, aid):
        app = self.applications.get(aid)
        if app is None:
            return not_found()
        method = request.method
        if method == 'GET':
            return json_reply(copy.deepcopy(app))
        if method in ('PUT', 'PATCH'):
            values, errors = self._app_fields(request.json, partial=method == 'PATCH')
            if errors:
                return json_reply(errors, 400)
            app.update(values)
            app['modified_at'] = self._now()
            return json_reply(copy.deepcopy(app))
        if method == 'DELETE':
            del self.applications[aid]
            return json_reply(None, 204)
        return self._not_allowed(method)

    # -- devices and events -----------------------------------------------------------
    def list_devices(self, request):
        items = list(self.devices)
        errors = {}

        def number(name, kind=float):
            raw = request.arg(name)
            if raw in (None, ''):
                return None
            try:
                return kind(raw)
            except ValueError:
                errors[name] = ['Enter a number.' if kind is float else 'Enter a whole number.']
                return None

        imei = request.arg('imei')
        mac = request.arg('mac')
        search = request.arg('search')
        fault = request.arg('fault')
        group = number('customer_group_id', int)
        lat, lon = number('latitude'), number('longitude')
        r_lte, r_gte = number('radius__lte', int), number('radius__gte', int)
        inside, outside = number('geogroup_inside', int), number('geogroup_outside', int)
        distance = number('geogroup_distance', int)
        if fault not in (None, '') and fault.lower() not in ('true', 'false', '1', '0'):
            errors['fault'] = ['Select a valid choice. %s is not one of the available choices.' % fault]
        for name, value in (('geogroup_inside', inside), ('geogroup_outside', outside)):
            if value is not None and value not in GEOGROUPS:
                errors[name] = ['Select a valid choice. That choice is not one of the available choices.']
        if errors:
            return json_reply(errors, 400)
        if imei:
            items = [d for d in items if d['imei'] == imei]
        if mac:
            items = [d for d in items if d['mac'].lower() == mac.lower()]
        if search:
            items = [d for d in items if search.lower() in d['imei'] or search.lower() in d['mac'].lower()]
        if fault not in (None, ''):
            wanted = fault.lower() in ('true', '1')
            items = [d for d in items if d['fault'] is wanted]
        if group is not None:
            items = [d for d in items if d['customer_group_id'] == group]
        if lat is not None and lon is not None:
            # As documented: the radius filters take no effect without both latitude and longitude.
            if r_lte is not None:
                items = [d for d in items if haversine(lat, lon, d['latitude'], d['longitude']) <= r_lte]
            if r_gte is not None:
                items = [d for d in items if haversine(lat, lon, d['latitude'], d['longitude']) >= r_gte]
        margin = distance or 0
        if inside is not None:
            _name, glat, glon, radius = GEOGROUPS[inside]
            items = [d for d in items if haversine(glat, glon, d['latitude'], d['longitude']) <= radius - margin]
        if outside is not None:
            _name, glat, glon, radius = GEOGROUPS[outside]
            items = [d for d in items if haversine(glat, glon, d['latitude'], d['longitude']) > radius + margin]
        return self.page(request, self.order(request, items, DEVICE_ORDERING))

    def list_events(self, request):
        items = self.events
        imei = request.arg('imei')
        if imei:
            items = [e for e in items if e['imei'] == imei]
        return self.page(request, items)
