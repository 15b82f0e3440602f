# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_things import THING
from ansible_collections.fleetops.ping.plugins.module_utils.reading import MONOGOTO_THING
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import InProcessAction


class ActionModule(InProcessAction):
    MODULE = THING
    READING = MONOGOTO_THING
