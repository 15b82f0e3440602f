# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import time

from ansible_collections.fleetops.ping.plugins.module_utils.monogoto_fleet import FLEET
from ansible_collections.fleetops.ping.plugins.module_utils.token_cache import cache_dir
from ansible_collections.fleetops.ping.plugins.plugin_utils.inprocess import WRITTEN_DIR, InProcessAction, note_write
from ansible_collections.fleetops.ping.plugins.plugin_utils.inventory import plain


class ActionModule(InProcessAction):
    """Runs monogoto_fleet in-process on the controller (or as a module elsewhere), then records every SIM it
    changed, or failed to change, in the collection's write record: a later task of the run that would compare
    against the inventory's reading of one of those SIMs reads it from the API instead (docs/monogoto.md)."""

    MODULE = FLEET
    LARGE = ('things', 'iccids', 'defaults')

    def run_in_process(self, args=None):
        """The templated arguments of a task carry Ansible's data tags (ansible-core 2.19 and later) on every string:
        copying 100,000 tagged ICCIDs, as the argument validation and the no_log masking of the result do, takes
        seconds where plain strings take milliseconds. The module's logic needs none of the tags."""
        args = dict(self._task.args if args is None else args)
        for key in self.LARGE:
            if key in args:
                args[key] = plain(args[key])
        return super(ActionModule, self).run_in_process(args)

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if self._play_context.check_mode:
            return result
        iccids = [item.get('iccid') for key in ('changes', 'failures') for item in result.get(key) or []
                  if isinstance(item, dict)]
        when = time.time()
        unrecorded = [i for i in iccids if i and not note_write('monogoto-thing:%s' % i, when)]
        if unrecorded:
            result.setdefault('warnings', []).append(
                'the writes to %d SIM(s) could not be recorded in %s; a later task of this run may compare against '
                'the inventory reading from before them (set reading_max_age=0 to avoid that)'
                % (len(unrecorded), os.path.join(cache_dir(), WRITTEN_DIR)))
        return result
