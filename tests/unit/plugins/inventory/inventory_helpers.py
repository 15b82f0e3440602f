# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs an inventory plugin of the collection in-process, as ansible-inventory would, for the unit tests."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys

import yaml

from ansible import context
from ansible.inventory.data import InventoryData
from ansible.module_utils.common.collections import ImmutableDict
from ansible.parsing.dataloader import DataLoader
from ansible.utils import vars as ansible_vars

HERE = os.path.dirname(os.path.abspath(__file__))


def ensure_collection_loader():
    """ansible-test installs the collection loader; a bare pytest run (PYTHONPATH=<dir>) needs it installed here."""
    if any(type(finder).__name__ == '_AnsibleCollectionFinder' for finder in sys.meta_path):
        return
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder  # pylint: disable=import-outside-toplevel
    root = HERE
    for _level in range(6):  # tests/unit/plugins/inventory -> the dir holding ansible_collections
        root = os.path.dirname(root)
    _AnsibleCollectionFinder(paths=[root])._install()  # pylint: disable=protected-access
    # What was imported before the finder came (by plain sys.path) is imported again through it, so that the plugin
    # loader finds the collection's metadata; the test modules themselves are kept.
    for name in list(sys.modules):
        if name in ('ansible_collections', 'ansible_collections.fleetops', 'ansible_collections.fleetops.ping') or \
                name.startswith('ansible_collections.fleetops.ping.plugins'):
            del sys.modules[name]


class Run:
    """The outcome of one parse: the inventory, the plugin and the warnings it gave."""

    def __init__(self, inventory, plugin, warnings):
        self.inventory = inventory
        self.plugin = plugin
        self.warnings = warnings

    @property
    def hosts(self):
        return sorted(self.inventory.hosts)

    def hostvars(self, name):
        return self.inventory.get_host(name).get_vars()

    def group(self, name):
        return sorted(h.name for h in self.inventory.groups[name].get_hosts())


def parse(tmp_path, plugin_name, config, extra_vars=None, cache=True, monkeypatch=None, filename=None, vault_password=None):
    """Write ``config`` (a dict, or YAML text) to ``<tmp>/<filename>`` and parse it with ``fleetops.ping.<plugin_name>``."""
    ensure_collection_loader()
    from ansible.plugins.loader import inventory_loader  # pylint: disable=import-outside-toplevel
    path = str(tmp_path / (filename or 'test.%s.yml' % plugin_name))
    with open(path, 'w') as handle:
        if isinstance(config, dict):
            yaml.safe_dump(dict(config, plugin='fleetops.ping.' + plugin_name), handle)
        else:
            handle.write('plugin: fleetops.ping.%s\n%s' % (plugin_name, config))
    monkeypatch.setattr(context, 'CLIARGS', ImmutableDict(extra_vars=[json.dumps(extra_vars or {})]))
    monkeypatch.setattr(ansible_vars.load_extra_vars, 'extra_vars', None, raising=False)
    plugin = inventory_loader.get('fleetops.ping.' + plugin_name)
    warnings = []
    monkeypatch.setattr(plugin.display, 'warning', lambda msg, *a, **k: warnings.append(msg))
    inventory = InventoryData()
    loader = DataLoader()
    if vault_password is not None:
        from ansible.parsing import vault  # pylint: disable=import-outside-toplevel
        secrets = [('default', vault.VaultSecret(vault_password.encode('utf-8')))]
        loader.set_vault_secrets(secrets)
        context_class = getattr(vault, 'VaultSecretsContext', None)  # ansible-core 2.19: what the CLI sets up
        if context_class is not None:
            monkeypatch.setattr(context_class, '_current', context_class(secrets))
    plugin.parse(inventory, loader, path, cache=cache)
    if getattr(plugin, '_cache', None) is not None:
        plugin.update_cache_if_changed()
    return Run(inventory, plugin, warnings)
