#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: monogoto_thing_sms
short_description: Send an SMS to a Monogoto SIM (Thing)
version_added: 0.2.0
description:
  - Sends one SMS to the device of the SIM with C(POST /thing/ThingId_ICCID_<iccid>/sms), the body carrying
    C(Message) (O(msg)) and C(From) (O(sender)), and returns the SMS id the API answers.
  - Sending is an action, not a state, so the task reports a change every time it sends. Run it under a condition
    (C(when:)) or from a handler when the SMS must go only on some runs, for example to configure or wake a tracker
    after its configuration changed.
  - The SMS is never sent twice by a retry. The request is not resent once it may have reached the API (a timeout or
    a dropped connection after sending); the task then fails, saying that the SMS may have been sent.
  - Monogoto documents neither a message limit nor a character set. The module measures the message as GSM networks
    carry it. Characters of the GSM 03.38 default alphabet and its extension table go as GSM 7-bit, 160 to one SMS,
    an extension character (caret, braces, brackets, backslash, tilde, vertical bar, euro sign, form feed)
    counting 2. A message with any other
    character goes as UCS-2, 70 characters to one SMS.
  - A longer message gets a warning that it may be split into parts or refused, and is sent as it is, never cut.
    C(encoding), C(length) and C(parts) are returned.
  - The answer is documented only as "an SMS id string". A JSON string, a plain-text id, or a JSON object with an
    id-like field (C(SmsId), C(MessageId), C(Id), at the top level or under C(Data)) are accepted. Any other answer
    fails the task in one line naming what was found, with C(changed=true), since the SMS may have been sent.
  - There is no paired C(_info) module. Monogoto documents no call that reads sent SMS back, so there is nothing to read.
author:
  - fleetops.ping maintainers (@fleetops)
options:
  iccid:
    description:
      - ICCID of the SIM, digits only, 16 to 22 long. The Thing id is C(ThingId_ICCID_<iccid>).
    type: str
    required: true
  msg:
    description:
      - The text of the SMS. It must not be empty nor only blanks.
      - Named C(msg) as in the SMS modules of C(community.general); Ansible reserves the name C(message).
      - Sent as given. See the description for how its length is judged.
    type: str
    required: true
  sender:
    description:
      - The sender the device sees (C(From) of the body). Omitted, the body carries no C(From) and Monogoto's default
        applies.
      - It must be what GSM allows as an originator, else the task fails before any request. That is up to 11
        ASCII letters, digits and spaces, not all digits (an alphanumeric sender), or up to 15 digits with an
        optional leading C(+) (a number).
    type: str
extends_documentation_fragment:
  - fleetops.ping.monogoto
  - fleetops.ping.connection
attributes:
  check_mode:
    support: full
    description: In check mode nothing is sent; the task reports C(changed=true) ("would send") and the message's
      C(encoding), C(length) and C(parts).
  diff_mode:
    support: none
    description: An SMS is not a state; there is nothing to compare.
  platform:
    support: full
    platforms: all
    description: Runs wherever C(requests) is installed; in-process on the controller.
seealso:
  - module: fleetops.ping.monogoto_thing_info
  - module: fleetops.ping.monogoto_thing_ping
'''

EXAMPLES = r'''
- name: Ask a tracker for its position now
  fleetops.ping.monogoto_thing_sms:
    iccid: "8944500102198304826"
    msg: "WHERE#"
    sender: FleetOps
  delegate_to: localhost
  register: sms

- name: Show the SMS id
  ansible.builtin.debug:
    msg: "SMS {{ sms.sms_id }} sent"

# Reconfigure the reporting interval of every tracker of the inventory, only when its configuration changed.
- name: Render the tracker's configuration
  ansible.builtin.template:
    src: tracker.conf.j2
    dest: "/srv/trackers/{{ inventory_hostname }}.conf"
    mode: "0644"
  delegate_to: localhost
  notify: Send the new interval

# In the handlers of the play:
- name: Send the new interval
  fleetops.ping.monogoto_thing_sms:
    iccid: "{{ monogoto_iccid }}"
    msg: "TIMER,{{ report_interval_s }}#"
  delegate_to: localhost
'''

RETURN = r'''
sms_id:
  description: The id of the SMS, as the API answered it.
  returned: success, not in check mode
  type: str
  sample: SMS_4f1c2a9e0b7d4c3e8a61f25b9d0e7c44
thing_id:
  description: The Thing the SMS went to.
  returned: always
  type: str
  sample: ThingId_ICCID_8944500102198304826
encoding:
  description: How the message goes, V(gsm7) (GSM 03.38 default alphabet and extension) or V(ucs2).
  returned: success
  type: str
  sample: gsm7
length:
  description: The message's length in GSM septets (an extension character counts 2) or in UCS-2 code units.
  returned: success
  type: int
  sample: 6
parts:
  description:
    - How many SMS the message takes when concatenated (153 GSM or 67 UCS-2 characters a part past one SMS).
    - Whether the network and Monogoto split or refuse a longer message is not documented.
  returned: success
  type: int
  sample: 1
msg:
  description: In check mode, what would have been sent where.
  returned: check mode
  type: str
  sample: "check mode: would send the SMS to ThingId_ICCID_8944500102198304826"
api_calls:
  description:
    - What the API calls of the task cost, retries and logins included. See C(docs/rate-limits.md) in the collection.
  returned: always
  type: dict
  contains:
    requests:
      description: Requests sent to the API (every attempt, retries and logins included).
      type: int
      sample: 2
    throttled:
      description: Answers that throttled the task (HTTP 429, or HTTP 503 with C(Retry-After)).
      type: int
      sample: 0
    waited_s:
      description: Seconds the task waited, in the rate limiter shared by every fork and between retries.
      type: float
      sample: 0.0
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_sms import THING_SMS
from ansible_collections.fleetops.ping.plugins.module_utils.runner import run_module


def main():
    run_module(AnsibleModule(**THING_SMS.module_kwargs()), THING_SMS)


if __name__ == '__main__':
    main()
