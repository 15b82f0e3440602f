# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find the deprecation warnings that Ansible printed, and tell this collection's own from the others.

conftest.py runs every ``ansible*`` command of the integration tests with the settings of :data:`ENV`:
deprecation warnings on, a traceback shown with each (ansible-core 2.19 and newer; older releases ignore the
setting), and Ansible's log in a file of its own. Each entry of that log is one message as Ansible displayed
it, with its origin and its traceback, so a deprecation warning is read whole, without guessing where it
ends in the interleaved output of the workers.

A deprecation is **this collection's** when its message, its origin or its traceback names the collection
(``fleetops.ping``, ``ansible_collections/fleetops/ping``) or a file of this checkout (a test playbook, an
inventory configuration): the collection deprecates something itself, a module or plugin of the collection
calls an API that ansible-core deprecated (the traceback runs through the collection's files, also inside a
module's AnsiballZ payload), or a playbook or inventory file of this checkout uses a deprecated feature (the
origin names the file). Anything else, such as ansible-core calling one of its own deprecated APIs, is
ansible-core's own.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = '[DEPRECATION WARNING]'

# What conftest.py sets for every ansible command (LOG_PATH_VAR is filled per command).
LOG_PATH_VAR = 'ANSIBLE_LOG_PATH'
ENV = {
    'ANSIBLE_DEPRECATION_WARNINGS': '1',
    'ANSIBLE_DISPLAY_TRACEBACK': 'deprecated,deprecated_value',
}

# The start of one entry of Ansible's log file: '2026-12-01 10:00:00,123 p=42 u=root n=ansible | ' (2.16 to 2.20)
# or '... n=ansible WARNING| ' (2.21).
LOG_ENTRY = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ p=\d+ u=\S* n=\S+ ?[A-Z]*\| ', re.M)


def collection_markers(root=ROOT):
    """The strings that attribute a message to this collection."""
    markers = ['fleetops.ping', 'ansible_collections/fleetops/ping']
    for path in set((root, os.path.realpath(root))):
        markers.append(path.rstrip(os.sep) + os.sep)
    return markers


def log_entries(text):
    """The messages of an Ansible log file, each with every line it spans."""
    starts = [m.end() for m in LOG_ENTRY.finditer(text)]
    ends = [m.start() for m in LOG_ENTRY.finditer(text)][1:] + [len(text)]
    return [text[s:e].rstrip('\n') for s, e in zip(starts, ends)]


def deprecations(log_text):
    """Every deprecation warning of a log, whole (message, origin, traceback)."""
    return [entry for entry in log_entries(log_text) if entry.lstrip().startswith(MARKER)]


def is_collections(warning, root=ROOT):
    """True when the deprecation names this collection or a file of this checkout (see the module's docstring)."""
    return any(marker in warning for marker in collection_markers(root))


def split(log_text, root=ROOT):
    """(this collection's deprecation warnings, the others) of one log."""
    ours, others = [], []
    for warning in deprecations(log_text):
        (ours if is_collections(warning, root) else others).append(warning)
    return ours, others


def shown_but_not_logged(output, log_text):
    """True when the output shows a deprecation warning that the log does not hold: the check would be blind."""
    return MARKER in (output or '') and not deprecations(log_text)
