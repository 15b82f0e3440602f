# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monogoto console API, as documented in shared/api (monogoto-*.md and README.md).

What the docs do not give is invented here and marked as such: ``PUT /thing/update/`` takes ``ThingName`` and
``ThingDescription`` (strings) beside the IMEI lock, with the same ``cas`` check and a new ``cas`` after each
update; ``POST /thing/<id>/sms`` with ``{"Message", "From"}`` answers the SMS id as a JSON string (the docs say
"an SMS id string"), refuses an empty message (400), and records every SMS sent, visible in ``/_sim/state/monogoto``
under ``sms``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import random
import re
import time
import uuid

from .core import json_reply, text_reply

USERNAME = 'demo@fleetops.example'
PASSWORD = 'demo-password'
CUSTOMER_ID = 'cid_c256463da-742-491b-911b-8850177ef5121'
VENDOR_ICCID = '8912372646888991'
STATES = ('PROVISIONED', 'TEST_ACTIVE', 'SUSPENDED', 'ACTIVE', 'RETIRED')
LIST_LIMIT = 50
THING_RE = re.compile(r'^/thing/(ThingId_ICCID_\d+)(/.*)?$')


def luhn_digit(body):
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def make_imei(rnd):
    body = '35' + ''.join(rnd.choice('0123456789') for _digit in range(12))
    return body + luhn_digit(body)


def make_iccid(index):
    body = '894450010%09d' % index
    return body + luhn_digit(body)


class MonogotoApp:
    def __init__(self, things=20, seed=1, token_ttl=3600, locked=False, unlocked_every=None, suspended_every=None):
        self.count = things
        self.seed = seed
        self.token_ttl = token_ttl
        self.issued = []  # every token ever issued, kept across resets for the secrecy checks
        self.locked = locked
        self.unlocked_every = unlocked_every
        self.suspended_every = suspended_every
        self.reset()

    def seed_fleet(self, locked=False, unlocked_every=None, suspended_every=None):
        """How the generated Things start, from now on and after every reset (the fleet benchmark's drift).

        ``locked``: every generated Thing starts locked to the IMEI it reports, except every
        ``unlocked_every``-th; every ``suspended_every``-th starts SUSPENDED (counted from 1 over the generated
        Things; the vendor's example Thing is left as it is). Then the app is reset.
        """
        self.locked = bool(locked)
        self.unlocked_every = unlocked_every or None
        self.suspended_every = suspended_every or None
        self.reset()

    # -- state -------------------------------------------------------------
    def reset(self):
        self.rnd = random.Random(self.seed)
        self.tokens = {}
        self.things = {}
        self.order = []
        self.sms = []
        self._add(VENDOR_ICCID, name='ICCID %s' % VENDOR_ICCID,
                  description="Operator's inventor (not associated with any customer)",
                  imsi='123456789101112', msisdn='+4420412389916', ip='10.140.90.211', connected=True)
        for index in range(1, self.count):
            iccid = make_iccid(index)
            self._add(iccid, name='ICCID %s' % iccid, description='Tracker SIM %d' % index,
                      imsi='2340%011d' % index, msisdn='+44770%07d' % index,
                      ip='10.%d.%d.%d' % (140 + index // 65536 % 100, index // 256 % 256, index % 256),
                      connected=index % 3 != 0)
            thing = self.things[self.order[-1]]
            if self.locked and not (self.unlocked_every and index % self.unlocked_every == 0):
                thing.update(LockMasterImei=True, MasterIMEI=thing['IMEI'])
            if self.suspended_every and index % self.suspended_every == 0:
                thing['State'] = 'SUSPENDED'

    def _add(self, iccid, name, description, imsi, msisdn, ip, connected):
        tid = 'ThingId_ICCID_' + iccid
        self.things[tid] = {
            'ThingId': tid,
            'ThingName': name,
            'ThingDescription': description,
            'ThingsGroupId': 'ThingsGroupId_default',
            'CustomerId': CUSTOMER_ID,
            'ExternalUniqueId': iccid,
            'IMEI': make_imei(self.rnd),
            'MasterIMEI': '',
            'LockMasterImei': False,
            'IMSI': imsi,
            'MSISDN': msisdn,
            'State': 'ACTIVE',
            'IPs': [{'IP': ip, 'IPAllocationPolicy': 'STATIC', 'IPLock': False, 'IPvType': 'IPv4'}],
            'ThingTag': [],
            'cas': self._new_cas(),
            '_connected': connected,
        }
        self.order.append(tid)

    def _new_cas(self):
        return str(self.rnd.randrange(10 ** 18, 10 ** 19))

    def expire_tokens(self):
        self.tokens = {}

    def secrets(self):
        return [PASSWORD] + list(self.issued)

    def dump(self):
        return {'things': dict((k, self.public(v)) for k, v in self.things.items()),
                'tokens': len(self.tokens), 'sms': [dict(m) for m in self.sms]}

    @staticmethod
    def public(thing):
        return dict((k, v) for k, v in thing.items() if not k.startswith('_'))

    # -- HTTP --------------------------------------------------------------
    def authorized(self, request):
        token = request.bearer()
        expires = self.tokens.get(token)
        return expires is not None and expires > time.time()

    def handle(self, request):
        path = request.path.rstrip('/') or '/'
        if path == '/Auth' and request.method == 'POST':
            request.tag = 'login'
            request.read_only = True
            return self.login(request)
        if not self.authorized(request):
            return json_reply({'Message': 'Authorization has been denied for this request.'}, 401)
        if path == '/thing/update' and request.method == 'PUT':
            return self.update(request)
        if path == '/thing/status' and request.method == 'GET':
            return self.status(request)
        if path == '/things' and request.method == 'GET':
            return self.list_things(request)
        match = THING_RE.match(path)
        if match:
            tid, rest = match.group(1), (match.group(2) or '')
            thing = self.things.get(tid)
            if thing is None:
                return json_reply({'Message': 'Thing %s not found' % tid}, 404)
            if rest == '' and request.method == 'GET':
                return json_reply(self.public(thing))
            if rest == '/ping' and request.method == 'POST':
                request.read_only = True
                return self.ping(request, thing)
            if rest == '/sms' and request.method == 'POST':
                return self.send_sms(request, thing)
            if rest == '/state' and request.method == 'GET':
                return json_reply({'ThingId': tid, 'state': thing['State']})
            if rest == '/state' and request.method == 'PUT':
                return self.set_state(request, thing)
        return json_reply({'Message': 'No HTTP resource was found that matches the request URI %s %s'
                           % (request.method, request.path)}, 404)

    def login(self, request):
        body = request.json or {}
        if body.get('UserName') != USERNAME or body.get('Password') != PASSWORD:
            return json_reply({'Message': 'Invalid user name or password'}, 401)
        token = 'eyJ' + uuid.uuid4().hex + uuid.uuid4().hex
        self.tokens[token] = time.time() + self.token_ttl
        refresh = uuid.uuid4().hex
        self.issued.extend([token, refresh])
        return json_reply({'token': token, 'refreshToken': refresh, 'CustomerId': CUSTOMER_ID,
                           'UserId': 'UserId_89b9c8a2-5ea4-4c8a-13f0-432ad17c5e11', 'Role': 'admin'})

    def update(self, request):
        body = request.json
        if not isinstance(body, dict):
            return json_reply({'Message': 'Invalid input data: the body must be a JSON object'}, 400)
        tid = str(body.get('ThingId', '')).strip()
        if tid.startswith('/thing/'):
            tid = tid[len('/thing/'):]
        thing = self.things.get(tid)
        if thing is None:
            return json_reply({'Message': 'Thing %s not found' % (tid or '(no ThingId)')}, 404)
        if not body.get('cas'):
            return json_reply({'Message': 'Invalid input data: cas is required'}, 400)
        if str(body['cas']) != thing['cas']:
            return json_reply({'Message': 'The Thing was modified by another request (cas mismatch)'}, 409)
        if 'LockMasterImei' in body:
            if not isinstance(body['LockMasterImei'], bool):
                return json_reply({'Message': 'Invalid input data: LockMasterImei must be true or false'}, 400)
            thing['LockMasterImei'] = body['LockMasterImei']
        for key in ('ThingName', 'ThingDescription'):
            if key in body and not isinstance(body[key], str):
                return json_reply({'Message': 'Invalid input data: %s must be a string' % key}, 400)
        if 'MasterIMEI' in body:
            thing['MasterIMEI'] = str(body['MasterIMEI'] or '')
        for key in ('ThingName', 'ThingDescription'):
            if key in body:
                thing[key] = body[key]
        thing['cas'] = self._new_cas()
        return text_reply('Thing undefined successfully saved.')

    def status(self, request):
        ids = [i for i in (request.arg('ThingIds') or '').split(',') if i]
        try:
            limit = min(int(request.arg('limit', LIST_LIMIT)), LIST_LIMIT)
            offset = int(request.arg('offset', 0))
        except ValueError:
            return json_reply({'Success': False, 'Message': 'limit and offset must be integers', 'Data': []}, 400)
        data = []
        for tid in ids[offset:offset + limit]:
            thing = self.things.get(tid)
            if thing is None:
                continue
            connected = thing['_connected'] and thing['State'] == 'ACTIVE'
            data.append({
                'ThingId': tid,
                'CustomerId': CUSTOMER_ID,
                'ThingName': thing['ThingName'],
                'ThingDescription': thing['ThingDescription'],
                'ProvisionStatus': thing['State'],
                'ConnectionStatus': 'CONNECTED' if connected else 'DISCONNECTED',
                'ActiveSessions': [],
                'ActiveIMSI': thing['IMSI'],
                'LastConnectionTime': None,
                'LastDisconnectionTime': None,
                'MSISDN': thing['MSISDN'],
            })
        return json_reply({'Success': True, 'Message': 'Operation succeeded', 'Data': data})

    def list_things(self, request):
        try:
            limit = min(int(request.arg('limit', LIST_LIMIT)), LIST_LIMIT)
            offset = int(request.arg('offset', 0))
        except ValueError:
            return json_reply({'Message': 'limit and offset must be integers'}, 400)
        imei = request.arg('filterBy[IMEI]')
        if imei is None:
            tids = self.order[offset:offset + limit]  # a page costs a page, not the whole fleet
        else:
            tids = [t for t in self.order if self.things[t]['IMEI'] == imei][offset:offset + limit]
        return json_reply([self.public(self.things[t]) for t in tids])

    def ping(self, request, thing):
        apikey = request.headers.get('apikey')
        if apikey is not None and apikey != CUSTOMER_ID:
            return json_reply({'Message': 'Invalid apikey'}, 401)
        body = request.json or {}
        address = body.get('IPAddress')
        if not address:
            return json_reply({'Message': 'Invalid input data: IPAddress is required'}, 400)
        connected = thing['_connected'] and thing['State'] == 'ACTIVE'
        samples = []
        received = 0
        for index in range(1, 4):
            if connected:
                received += 1
            samples.append({
                'host': address,
                'size': '56',
                'ttl': str(self.rnd.choice((60, 63, 73))) if connected else '',
                'time': '%dms' % self.rnd.randint(55, 95) if connected else '',
                'sent': str(index),
                'received': str(received),
                'packetLoss': str(int(round(100.0 * (index - received) / index))),
            })
        return json_reply(samples)

    def send_sms(self, request, thing):
        body = request.json
        if not isinstance(body, dict) or not isinstance(body.get('Message'), str) or not body['Message']:
            return json_reply({'Message': 'Invalid input data: Message is required'}, 400)
        sender = body.get('From')
        if sender is not None and not isinstance(sender, str):
            return json_reply({'Message': 'Invalid input data: From must be a string'}, 400)
        sms_id = 'SMS_%s' % uuid.UUID(int=self.rnd.getrandbits(128)).hex
        self.sms.append({'id': sms_id, 'ThingId': thing['ThingId'], 'Message': body['Message'], 'From': sender})
        return json_reply(sms_id)

    def set_state(self, request, thing):
        body = request.json or {}
        state = body.get('state')
        if state not in STATES:
            return json_reply({'Message': 'Invalid input data: state must be one of %s' % ', '.join(STATES)}, 400)
        if thing['State'] == 'RETIRED':
            return json_reply({'Message': 'A RETIRED thing cannot change state'}, 400)
        thing['State'] = state
        thing['cas'] = self._new_cas()
        return text_reply('Thing state updated successfully.')
