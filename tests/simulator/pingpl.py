# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ping.pl API 1.0, as documented in shared/api (pingpl-api-1.0.txt and README.md section 2).

Seeded with the vendor's example data (monitors 3009, 3118, 3254; outages 43900,
43712, 43376 and 47017; contacts 123 and 456; the account), plus a paused, a
deleted and a blocked monitor, tags, and two monitors that share one name.
Every call is GET or POST to ``/1.0/<method>`` with the key as ``token`` (query
or form body). Failures keep the API's quirk: HTTP 200 with a header status
other than ``OK`` and the error text in the header.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import datetime
import random

from .core import json_reply

PINGPL_KEY = 'pingpl-demo-key-7f3a9c'
PREFIX = '/1.0/'
MONITOR_STATUSES = ('ACTIVE', 'INACTIVE', 'DELETED', 'BLOCKED')
MAX_DATA_DAYS = 366
OUTAGES_LIMIT_DEFAULT = 50
OUTAGES_LIMIT_MAX = 200

# The vendor's own example of get-data for monitor 3009 on 2016-01-01, hours 00 to 06.
EXAMPLE_DATA = {
    (3009, '2016-01-01 00:00:00'): (100, 0.576122),
    (3009, '2016-01-01 01:00:00'): (100, 0.586275),
    (3009, '2016-01-01 02:00:00'): (100, 0.581229),
    (3009, '2016-01-01 03:00:00'): (100, 0.585643),
    (3009, '2016-01-01 04:00:00'): (100, 0.579071),
    (3009, '2016-01-01 05:00:00'): (100, 0.59766),
    (3009, '2016-01-01 06:00:00'): (100, 0.595221),
}

SEED_MONITORS = [
    # The vendor's example of get-monitors, as published (no note or tags on these), plus tags on 3009.
    {'id': 3009, 'status': 'ACTIVE', 'type': 'WWW', 'name': 'Sklep - strona główna', 'isShared': 0,
     'note': '', 'tags': ['sklep', 'www']},
    {'id': 3118, 'status': 'ACTIVE', 'type': 'WWW', 'name': 'Sklep - rejestracja', 'currentOutageId': 47017,
     'isShared': 0},
    {'id': 3254, 'status': 'ACTIVE', 'type': 'PING', 'name': 'Sklep - serwer pocztowy', 'isShared': 1},
    # Added for the tests.
    {'id': 3301, 'status': 'INACTIVE', 'type': 'WWW_HEALTH', 'name': 'API - healthcheck', 'isShared': 0,
     'note': 'Paused by hand', 'tags': ['api', 'prod']},
    {'id': 3302, 'status': 'DELETED', 'type': 'WWW', 'name': 'Stary blog', 'isShared': 0,
     'note': '', 'tags': ['www']},
    {'id': 3303, 'status': 'BLOCKED', 'type': 'DNS', 'name': 'DNS - fleetops.example', 'isShared': 0,
     'note': 'Blocked: plan limit', 'tags': ['dns', 'prod']},
    {'id': 3304, 'status': 'ACTIVE', 'type': 'TCP_UDP', 'name': 'Brama MQTT', 'isShared': 0,
     'note': 'mqtt.fleetops.example:8883', 'tags': ['api', 'iot', 'prod']},
    {'id': 3305, 'status': 'ACTIVE', 'type': 'MAIL', 'name': 'Kopia zapasowa', 'isShared': 0,
     'note': 'primary', 'tags': ['backup']},
    {'id': 3306, 'status': 'ACTIVE', 'type': 'PING', 'name': 'Kopia zapasowa', 'isShared': 0,
     'note': 'secondary', 'tags': ['backup']},
    {'id': 3307, 'status': 'ACTIVE', 'type': 'WWW_FULL', 'name': 'Panel klienta', 'isShared': 0,
     'note': '', 'tags': ['www', 'prod']},
]

SEED_CONTACTS = [
    # The vendor's example of get-contacts, as published (locale in lower case there).
    {'id': 123, 'status': 'ACTIVE', 'locale': 'pl', 'email': 'user@example.com', 'isTimeMaskEnabled': 0},
    {'id': 456, 'status': 'ACTIVE', 'locale': 'en', 'email': 'user2@example.com', 'phoneNumber': '123123123',
     'isTimeMaskEnabled': 1, 'timeMaskWeekdaysFrom': '08:00:00', 'timeMaskWeekdaysTo': '15:00:00',
     'timeMaskWeekendsFrom': '10:30:00', 'timeMaskWeekendsTo': '14:30:00'},
    # Added for the tests.
    {'id': 789, 'status': 'INACTIVE', 'locale': 'EN', 'name': 'Night shift', 'email': 'night@fleetops.example',
     'phoneNumber': '48600100200', 'isTimeMaskEnabled': 0},
    {'id': 790, 'status': 'ACTIVE', 'locale': 'PL', 'name': 'On-call (SMS)', 'email': 'oncall@fleetops.example',
     'phoneNumber': '48600300400', 'isTimeMaskEnabled': 0},
    {'id': 791, 'status': 'ACTIVE', 'locale': 'PL', 'name': 'On-call (mail)', 'email': 'OnCall@fleetops.example',
     'isTimeMaskEnabled': 0},
]

SEED_OUTAGES = [
    # The vendor's example of get-outages for monitor 3009, and of get-outage 47017 (monitor 3118, ongoing).
    {'id': 43900, 'monitorId': 3009, 'reason': 'KEYWORDS_MUST_EXIST', 'startedAt': '2017-03-23 06:43:51',
     'endedAt': '2017-03-23 06:51:50', 'reasonDetails': '<h1>Dołącz do nas!</h1>'},
    {'id': 43712, 'monitorId': 3009, 'reason': 'HTTP_CODE_500', 'startedAt': '2017-03-19 00:02:51',
     'endedAt': '2017-03-19 07:26:55'},
    {'id': 43376, 'monitorId': 3009, 'reason': 'HTTP_CODE_500', 'startedAt': '2017-03-11 23:58:52',
     'endedAt': '2017-03-12 00:08:50'},
    {'id': 47017, 'monitorId': 3118, 'reason': 'KEYWORDS_MUST_EXIST', 'startedAt': '2017-06-30 10:21:00',
     'reasonDetails': '<h1>Dołącz do nas!</h1>',
     '_tests': [
         {'status': 'KEYWORDS_MUST_EXIST', 'responseTime': 15.0011, 'date': '2017-06-30 10:22:01',
          'location': 'Warszawa'},
         {'status': 'KEYWORDS_MUST_EXIST', 'responseTime': 15.0011, 'date': '2017-06-30 10:21:01',
          'location': 'Gdańsk'},
         {'status': 'KEYWORDS_MUST_EXIST', 'responseTime': 15.0001, 'date': '2017-06-30 10:21:00',
          'location': 'Poznań'},
     ],
     '_notifications': [
         {'event': 'DOWN', 'type': 'SMS', 'receiver': '000000000', 'date': '2017-06-30 10:26:00'},
         {'event': 'DOWN', 'type': 'EMAIL', 'receiver': 'admin@ping.pl', 'date': '2017-06-06 10:26:00'},
     ],
     '_example': True},
    # Added for the tests.
    {'id': 48001, 'monitorId': 3304, 'reason': 'CONNECTION_TIMEOUT', 'startedAt': '2024-02-10 03:15:00',
     'endedAt': '2024-02-10 03:41:12'},
    {'id': 48002, 'monitorId': 3304, 'reason': 'CONNECTION_REFUSED', 'startedAt': '2024-02-12 22:05:30',
     'endedAt': '2024-02-12 22:09:02'},
    {'id': 48003, 'monitorId': 3304, 'reason': 'CONNECTION_TIMEOUT', 'startedAt': '2024-03-01 11:00:00',
     'endedAt': '2024-03-01 11:20:00'},
]

ACCOUNT = {
    'email': 'admin@ping.pl',
    'locale': 'PL',
    'planName': 'Plan Platynowy',
    'planExpireAt': '2018-01-01',
    'lastLoginAt': '2017-06-14 13:51:30',
    'lastLoginIp': '79.133.201.36',
    'credits': 429,
    'extraCredits': 100,
}

LOCATIONS = ('Warszawa', 'Gdańsk', 'Poznań', 'Kraków', 'Wrocław')


def ok(data=None):
    body = {'header': {'status': 'OK'}}
    if data is not None:
        body['data'] = data
    return json_reply(body)


def error(message, status=200, code=None):
    header = {'status': 'ERROR', 'message': message}
    if code is not None:
        header['code'] = code
    return json_reply({'header': header}, status)


def parse_date(text):
    try:
        return datetime.datetime.strptime(str(text), '%Y-%m-%d').date()
    except ValueError:
        return None


class PingPlApp:
    def __init__(self, seed=1):
        self.seed = seed
        self.keys = {PINGPL_KEY: 'admin@ping.pl'}
        self.reset()

    # -- state -------------------------------------------------------------
    def reset(self):
        self.monitors = dict((m['id'], copy.deepcopy(m)) for m in SEED_MONITORS)
        self.order = [m['id'] for m in SEED_MONITORS]
        self.contacts = dict((c['id'], copy.deepcopy(c)) for c in SEED_CONTACTS)
        self.contact_order = [c['id'] for c in SEED_CONTACTS]
        self.outages = dict((o['id'], copy.deepcopy(o)) for o in SEED_OUTAGES)
        self.account = dict(ACCOUNT)

    def expire_tokens(self):
        """ping.pl keys are static: they do not expire."""

    def secrets(self):
        return list(self.keys)

    def dump(self):
        return {'monitors': [dict(self.monitors[i]) for i in self.order],
                'contacts': [dict(self.contacts[i]) for i in self.contact_order],
                'outages': sorted(self.outages)}

    # -- HTTP --------------------------------------------------------------
    @staticmethod
    def prepare(request):
        """Name the API method of a request and mark the reads (get-*) read-only, for the request log.

        Also safe to call before a fault is injected, so that a faulted read is not logged as a write.
        """
        method = request.path[len(PREFIX):].strip('/') if request.path.startswith(PREFIX) else ''
        if method.startswith('get-'):
            request.read_only = True
        request.tag = method or None
        return method

    def handle(self, request):
        if request.method not in ('GET', 'POST'):
            return error('Unsupported HTTP method %s' % request.method, status=405)
        if not request.path.startswith(PREFIX):
            return error('Unknown API version or path %s' % request.path, status=404)
        method = self.prepare(request)
        handler = getattr(self, 'm_' + method.replace('-', '_'), None)
        if handler is None or not method.replace('-', '').isalpha():
            return error('Unknown method "%s"' % method, status=404)
        params = request.form
        token = params.get('token')
        if not token:
            return error('Missing parameter "token"', code=401)
        if token not in self.keys:
            return error('Invalid token', code=401)
        return handler(params)

    # -- helpers -----------------------------------------------------------
    def _id(self, params, *names):
        for name in names:
            value = params.get(name)
            if value not in (None, ''):
                if not str(value).strip().isdigit():
                    return None, error('Parameter "%s" must be an integer, got "%s"' % (name, value), code=400)
                return int(str(value).strip()), None
        return None, error('Missing parameter "%s"' % names[0], code=400)

    def _monitor(self, params):
        mid, err = self._id(params, 'monitorId')
        if err is not None:
            return None, err
        monitor = self.monitors.get(mid)
        if monitor is None:
            return None, error('Monitor %d does not exist' % mid, code=404)
        return monitor, None

    def _contact(self, params):
        cid, err = self._id(params, 'contactId', 'contact')
        if err is not None:
            return None, err
        contact = self.contacts.get(cid)
        if contact is None:
            return None, error('Contact %d does not exist' % cid, code=404)
        return contact, None

    @staticmethod
    def _dates(params, required):
        found = {}
        for name in ('dateFrom', 'dateTo'):
            value = params.get(name)
            if value in (None, ''):
                if required:
                    return None, error('Missing parameter "%s"' % name, code=400)
                found[name] = None
                continue
            parsed = parse_date(value)
            if parsed is None:
                return None, error('Parameter "%s" must be a date yyyy-mm-dd, got "%s"' % (name, value), code=400)
            found[name] = parsed
        if found['dateFrom'] and found['dateTo'] and found['dateFrom'] > found['dateTo']:
            return None, error('dateFrom is after dateTo', code=400)
        return found, None

    # -- methods -----------------------------------------------------------
    def m_get_account_info(self, params):
        return ok(dict(self.account))

    def m_get_monitors(self, params):
        return ok({'monitors': [dict(self.monitors[i]) for i in self.order]})

    def _set_monitor(self, params, status):
        monitor, err = self._monitor(params)
        if err is not None:
            return err
        if monitor['status'] in ('DELETED', 'BLOCKED'):
            return error('Monitor %d is %s' % (monitor['id'], monitor['status']), code=409)
        monitor['status'] = status
        return ok()

    def m_pause_monitor(self, params):
        return self._set_monitor(params, 'INACTIVE')

    def m_start_monitor(self, params):
        return self._set_monitor(params, 'ACTIVE')

    def m_get_data(self, params):
        monitor, err = self._monitor(params)
        if err is not None:
            return err
        dates, err = self._dates(params, required=True)
        if err is not None:
            return err
        days = (dates['dateTo'] - dates['dateFrom']).days + 1
        if days > MAX_DATA_DAYS:
            return error('The date range may span at most %d days' % MAX_DATA_DAYS, code=400)
        data = []
        for day in range(days):
            date = dates['dateFrom'] + datetime.timedelta(days=day)
            for hour in range(24):
                data.append(self._sample(monitor['id'], '%s %02d:00:00' % (date.isoformat(), hour)))
        return ok({'data': data})

    def _sample(self, mid, stamp):
        if (mid, stamp) in EXAMPLE_DATA:
            uptime, response = EXAMPLE_DATA[(mid, stamp)]
        else:
            rnd = random.Random('%s|%s|%s' % (self.seed, mid, stamp))
            uptime = 100 if rnd.random() > 0.08 else round(rnd.uniform(60, 99.9), 2)
            response = round(0.2 + (mid % 7) * 0.05 + rnd.random() * 0.3, 6)
        return {'date': stamp, 'uptime': uptime, 'responseTime': response}

    @staticmethod
    def public_outage(outage, details=False):
        result = dict((k, v) for k, v in outage.items() if not k.startswith('_'))
        if not details:
            result.pop('monitorId', None)
            return result
        if outage.get('_example'):
            # As published: the example of get-outage carries no monitorId.
            result.pop('monitorId', None)
        return result

    def m_get_outage(self, params):
        oid, err = self._id(params, 'outageId')
        if err is not None:
            return err
        outage = self.outages.get(oid)
        if outage is None:
            return error('Outage %d does not exist' % oid, code=404)
        data = self.public_outage(outage, details=True)
        data['tests'] = copy.deepcopy(outage.get('_tests') or self._tests(outage))
        data['notifications'] = copy.deepcopy(outage.get('_notifications') or self._notifications(outage))
        return ok(data)

    def _tests(self, outage):
        start = datetime.datetime.strptime(outage['startedAt'], '%Y-%m-%d %H:%M:%S')
        rnd = random.Random('%s|%s' % (self.seed, outage['id']))
        tests = []
        for index in range(3):
            tests.append({'status': outage['reason'], 'responseTime': round(rnd.uniform(5, 30), 4),
                          'date': (start + datetime.timedelta(minutes=index)).strftime('%Y-%m-%d %H:%M:%S'),
                          'location': LOCATIONS[(outage['id'] + index) % len(LOCATIONS)]})
        return list(reversed(tests))

    @staticmethod
    def _notifications(outage):
        start = datetime.datetime.strptime(outage['startedAt'], '%Y-%m-%d %H:%M:%S')
        found = [{'event': 'DOWN', 'type': 'EMAIL', 'receiver': 'user@example.com',
                  'date': (start + datetime.timedelta(minutes=5)).strftime('%Y-%m-%d %H:%M:%S')}]
        if outage.get('endedAt'):
            found.append({'event': 'UP', 'type': 'EMAIL', 'receiver': 'user@example.com',
                          'date': outage['endedAt']})
        return found

    def m_get_outages(self, params):
        monitor, err = self._monitor(params)
        if err is not None:
            return err
        dates, err = self._dates(params, required=False)
        if err is not None:
            return err
        limit = params.get('limit')
        if limit in (None, ''):
            limit = OUTAGES_LIMIT_DEFAULT
        elif not str(limit).isdigit() or not 1 <= int(limit) <= OUTAGES_LIMIT_MAX:
            return error('Parameter "limit" must be an integer from 1 to %d, got "%s"' % (OUTAGES_LIMIT_MAX, limit),
                         code=400)
        limit = int(limit)
        found = []
        for outage in self.outages.values():
            if outage['monitorId'] != monitor['id']:
                continue
            started = datetime.datetime.strptime(outage['startedAt'], '%Y-%m-%d %H:%M:%S').date()
            if dates['dateFrom'] and started < dates['dateFrom']:
                continue
            if dates['dateTo'] and started > dates['dateTo']:
                continue
            found.append(outage)
        found.sort(key=lambda o: o['startedAt'], reverse=True)
        return ok({'outages': [self.public_outage(o) for o in found[:limit]]})

    def m_get_contacts(self, params):
        return ok({'contacts': [dict(self.contacts[i]) for i in self.contact_order]})

    def m_activate_contact(self, params):
        contact, err = self._contact(params)
        if err is not None:
            return err
        contact['status'] = 'ACTIVE'
        return ok()

    def m_deactivate_contact(self, params):
        contact, err = self._contact(params)
        if err is not None:
            return err
        contact['status'] = 'INACTIVE'
        return ok()
