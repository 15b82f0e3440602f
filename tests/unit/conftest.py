# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the unit tests: one simulator per session, reset before each test that uses it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetops.ping.tests.simulator.control import fresh_control
from ansible_collections.fleetops.ping.tests.simulator.core import start


@pytest.fixture(scope='session')
def _simulator():
    server, sim, url = start(port=0, things=20)
    yield sim, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def sim(_simulator, tmp_path, monkeypatch):
    """The running simulator, reset; the token cache points at a fresh directory."""
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'cache'))
    return fresh_control(*_simulator)
