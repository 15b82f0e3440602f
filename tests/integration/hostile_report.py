# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sum up the figures tests/integration/test_hostile.py wrote to tests/output/hostile/: per class of hostile
answer, how many cases tried it, the worst wall time and the most requests of any case, per kind of run.

    python tests/integration/hostile_report.py [tests/output/hostile]

Wall times of modules are measured by the simulator from a case's start to its end (the task alone); those of
inventories are the whole ansible-inventory command, Ansible's start included. Request counts are exact.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import sys


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    folder = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(here), 'output', 'hostile')
    rows = {}
    for name in sorted(glob.glob(os.path.join(folder, '*.json'))):
        with open(name) as handle:
            for case in json.load(handle)['cases']:
                key = (case['class'], case['path'])
                row = rows.setdefault(key, {'cases': 0, 'wall_s': 0.0, 'requests': 0, 'worst': ''})
                row['cases'] += 1
                if case['wall_s'] >= row['wall_s']:
                    row['wall_s'], row['worst'] = case['wall_s'], '%s (%s)' % (case['name'], case['api'])
                row['requests'] = max(row['requests'], case['requests'])
    if not rows:
        print('no figures in %s: run pytest tests/integration/test_hostile.py first' % folder)
        return 1
    print('| class of answer | run | cases | worst wall time | most requests | slowest case |')
    print('|---|---|---|---|---|---|')
    for (klass, path), row in sorted(rows.items()):
        print('| %s | %s | %d | %.2f s | %d | %s |'
              % (klass, path, row['cases'], row['wall_s'], row['requests'], row['worst']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
