# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""meta/execution-environment.yml names every Python package the plugins import.

ansible-builder reads that file (``ansible-builder introspect``, and every execution environment build
that installs this collection) to install the collection's Python requirements into the image. A plugin
that imports a package the file does not name would work on a developer's controller and fail in AWX.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Import name -> distribution name, where they differ.
DISTRIBUTIONS = {'yaml': 'pyyaml', 'jinja2': 'jinja2'}
# Provided by ansible-core itself, which every execution environment has.
WITH_ANSIBLE_CORE = {'ansible', 'ansible_collections', 'jinja2', 'yaml'}


def ee_file():
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml')) as handle:
        return yaml.safe_load(handle)


def python_requirements():
    path = os.path.join(ROOT, ee_file()['dependencies']['python'])
    names = set()
    with open(path) as handle:
        for line in handle:
            line = line.split('#', 1)[0].strip()
            if line:
                names.add(re.match(r'[A-Za-z0-9_.\-]+', line).group(0).lower().replace('_', '-'))
    return names


def third_party_imports():
    """{top-level import name: [files]} for every import in plugins/ that is not the standard library."""
    found = {}
    for path in glob.glob(os.path.join(ROOT, 'plugins', '**', '*.py'), recursive=True):
        with open(path) as handle:
            tree = ast.parse(handle.read(), path)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split('.')[0]
                if top in sys.stdlib_module_names or top == '__future__' or top in WITH_ANSIBLE_CORE:
                    continue
                found.setdefault(top, []).append(os.path.relpath(path, ROOT))
    return found


def test_the_ee_file_is_what_ansible_builder_reads():
    data = ee_file()
    assert data['version'] == 1
    assert set(data['dependencies']) <= {'python', 'system'}
    for entry in data['dependencies'].values():
        assert not os.path.isabs(entry), 'ansible-builder wants paths relative to the collection root'
        assert os.path.isfile(os.path.join(ROOT, entry)), entry


def test_every_package_the_plugins_import_is_a_requirement():
    imports = third_party_imports()
    assert 'requests' in imports, 'the import scan found no requests import: it is not reading the plugins'
    wanted = set(DISTRIBUTIONS.get(name, name).lower().replace('_', '-') for name in imports)
    missing = sorted(wanted - python_requirements())
    assert not missing, 'imported by plugins but not in the EE python requirements: %s (%s)' % (
        missing, dict((m, imports[m]) for m in missing if m in imports))


def test_the_requirements_name_nothing_the_plugins_do_not_import():
    wanted = set(DISTRIBUTIONS.get(name, name).lower().replace('_', '-') for name in third_party_imports())
    extra = sorted(python_requirements() - wanted)
    assert not extra, 'EE python requirements that no plugin imports: %s' % extra
