# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stateful simulator of the Monogoto, ping.pl and PING asset APIs, for the demo and the tests."""
