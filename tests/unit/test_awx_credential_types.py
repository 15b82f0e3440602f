# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX / Automation Controller credential types in extensions/awx/credential_types.

What the plugins read is taken from the code itself: the ``env_fallback`` lists of every module's
argument spec (every ``ModuleDef`` in plugins/module_utils), the ``env:`` entries of every inventory
plugin's DOCUMENTATION (with the collection's own doc fragments merged in), and the ``FLEETOPS_PING_*``
names the plugins read from the environment directly. The credential types must inject only variables
that something reads, every variable a secret option falls back to, mark those inputs ``secret``, pass
the checks AWX applies when a type is created, and behave, once injected the way AWX injects (an input
left empty becomes an empty value), exactly as if only the given inputs had been set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import glob
import importlib
import itertools
import os
import re

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.fleetops.ping.plugins.module_utils import transport
from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef, ModuleFailure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TYPES_DIR = os.path.join(ROOT, 'extensions', 'awx', 'credential_types')
TYPE_FILES = sorted(glob.glob(os.path.join(TYPES_DIR, '*.yml')))
API_PREFIXES = ('MONOGOTO_', 'PINGPL_', 'PINGASSET_')
# The fields AWX accepts in a custom credential type's inputs (the schema of its CredentialTypeInputField,
# without the keys only recent AWX versions know, so the files load on older controllers too).
FIELD_KEYS = {'id', 'label', 'type', 'help_text', 'multiline', 'secret', 'ask_at_runtime', 'choices'}
ENV_NAME = re.compile(r'^[a-zA-Z_]+[a-zA-Z0-9_]*$')
# Option names that hold a credential, whatever the plugin type (inventory DOCUMENTATION has no no_log).
SECRET_WORDS = re.compile(r'(token|password|secret|key)$')


def load_type(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def injected_env(cred_type):
    return cred_type.get('injectors', {}).get('env', {})


# -- what the code reads -------------------------------------------------------------------------------

def module_defs():
    defs = []
    for path in sorted(glob.glob(os.path.join(ROOT, 'plugins', 'module_utils', '*.py'))):
        name = os.path.basename(path)[:-3]
        if name == '__init__':
            continue
        mod = importlib.import_module('ansible_collections.fleetops.ping.plugins.module_utils.' + name)
        defs.extend(obj for obj in vars(mod).values() if isinstance(obj, ModuleDef))
    return defs


def spec_env(spec):
    """{env var: (option, no_log)} for every option of an argument spec (suboptions too) with an env fallback."""
    found = {}
    for option, desc in spec.items():
        fallback = desc.get('fallback')
        if fallback and fallback[0] is env_fallback:
            for var in fallback[1]:
                found[var] = (option, bool(desc.get('no_log')))
        if desc.get('options'):
            found.update(spec_env(desc['options']))
    return found


def literal_assign(path, name):
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return ast.literal_eval(node.value)
    return None


def fragment_options(reference):
    """Options of one of this collection's doc fragments (``fleetops.ping.name[.var]``); {} for others."""
    parts = reference.split('.')
    if parts[:2] != ['fleetops', 'ping'] or len(parts) < 3:
        return {}
    path = os.path.join(ROOT, 'plugins', 'doc_fragments', parts[2] + '.py')
    var = parts[3].upper() if len(parts) > 3 else 'DOCUMENTATION'
    doc = literal_assign(path, var)
    assert doc is not None, 'doc fragment %s: no %s in %s' % (reference, var, path)
    return (yaml.safe_load(doc) or {}).get('options') or {}


def inventory_env():
    """{env var: (plugin, option)} from the DOCUMENTATION of every inventory plugin."""
    found = {}
    for path in sorted(glob.glob(os.path.join(ROOT, 'plugins', 'inventory', '*.py'))):
        if os.path.basename(path) == '__init__.py':
            continue
        doc = yaml.safe_load(literal_assign(path, 'DOCUMENTATION') or '') or {}
        options = {}
        for reference in doc.get('extends_documentation_fragment') or []:
            options.update(fragment_options(reference))
        options.update(doc.get('options') or {})
        for option, desc in options.items():
            for entry in (desc or {}).get('env') or []:
                found[entry['name']] = (os.path.basename(path)[:-3], option)
    return found


def direct_env():
    """FLEETOPS_PING_* names the plugins' Python code names in a string (read from os.environ)."""
    found = set()
    for path in glob.glob(os.path.join(ROOT, 'plugins', '**', '*.py'), recursive=True):
        if os.sep + 'doc_fragments' + os.sep in path:
            continue
        with open(path) as handle:
            text = handle.read()
        found.update(re.findall(r'''['"](FLEETOPS_PING_[A-Z0-9_]+)['"]''', text))
    return found


DEFS = module_defs()
MODULE_ENV = {}
for _defn in DEFS:
    for _var, (_option, _no_log) in spec_env(_defn.argument_spec).items():
        _known = MODULE_ENV.get(_var, (_option, False))
        MODULE_ENV[_var] = (_option, _known[1] or _no_log)
INVENTORY_ENV = inventory_env()
DIRECT_ENV = direct_env()
READ = set(MODULE_ENV) | set(INVENTORY_ENV) | DIRECT_ENV
NO_LOG_OPTIONS = set(option for option, no_log in MODULE_ENV.values() if no_log)
SECRET_ENV = set(var for var, (_o, no_log) in MODULE_ENV.items() if no_log) | set(
    var for var, (_p, option) in INVENTORY_ENV.items() if option in NO_LOG_OPTIONS or SECRET_WORDS.search(option))
# The connection options of issue 8 (CONTRACT.md); until they are merged, the rate limit type has no reader.
RATE_LIMIT_MERGED = 'max_requests_per_second' in transport.connection_argument_spec()


def test_the_collection_ships_credential_types_for_the_three_apis():
    assert DEFS, 'no ModuleDef found in plugins/module_utils'
    injected = set()
    for path in TYPE_FILES:
        injected.update(injected_env(load_type(path)))
    for prefix in API_PREFIXES:
        assert any(var.startswith(prefix) for var in injected), 'no credential type injects %s* variables' % prefix


@pytest.mark.parametrize('path', TYPE_FILES, ids=[os.path.basename(p) for p in TYPE_FILES])
def test_awx_accepts_the_type(path):
    """The checks AWX applies when a custom credential type is created."""
    cred = load_type(path)
    assert set(cred) <= {'name', 'kind', 'description', 'inputs', 'injectors'}, sorted(cred)
    assert isinstance(cred['name'], str) and cred['name']
    assert cred['kind'] in ('cloud', 'net')
    fields = cred['inputs']['fields']
    assert set(cred['inputs']) <= {'fields', 'required'}
    ids = [f['id'] for f in fields]
    assert len(ids) == len(set(ids)), 'field ids must be unique'
    for field in fields:
        assert set(field) <= FIELD_KEYS, 'field %s has keys AWX rejects: %s' % (field['id'], sorted(set(field) - FIELD_KEYS))
        assert ENV_NAME.match(field['id']) and field['id'] != 'tower'
        assert isinstance(field['label'], str) and field['label']
        assert field.get('type', 'string') in ('string', 'boolean')
        if field.get('type') == 'boolean':
            assert not {'choices', 'multiline', 'format', 'secret'} & set(field)
    assert set(cred['inputs'].get('required', [])) <= set(ids)
    injectors = cred['injectors']
    assert set(injectors) <= {'env', 'extra_vars', 'file'} and injected_env(cred)
    namespace = dict((i, 'EXAMPLE') for i in ids)
    sandbox = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for var, template in injected_env(cred).items():
        assert ENV_NAME.match(var) and not var.startswith('ANSIBLE_'), var
        assert isinstance(template, str) and all(ord(c) < 128 for c in template)
        sandbox.from_string(template).render(namespace)  # an undefined field raises, as in AWX


@pytest.mark.parametrize('path', TYPE_FILES, ids=[os.path.basename(p) for p in TYPE_FILES])
def test_every_injected_variable_is_read(path):
    cred = load_type(path)
    unread = sorted(set(injected_env(cred)) - READ)
    if unread and os.path.basename(path) == 'rate_limit.yml' and not RATE_LIMIT_MERGED:
        pytest.skip('the rate limit options of issue 8 are not in transport.connection_argument_spec() yet')
    assert not unread, '%s injects variables that no module or inventory plugin reads: %s' % (os.path.basename(path), unread)


@pytest.mark.parametrize('prefix', API_PREFIXES)
def test_every_secret_and_connection_variable_of_an_api_is_injected(prefix):
    """Every variable a module option falls back to, and every secret one an inventory plugin reads."""
    wanted = set(v for v in MODULE_ENV if v.startswith(prefix)) | set(v for v in SECRET_ENV if v.startswith(prefix))
    assert wanted, 'nothing reads %s* variables' % prefix
    types = [load_type(p) for p in TYPE_FILES]
    injecting = [t for t in types if any(v.startswith(prefix) for v in injected_env(t))]
    assert len(injecting) == 1, 'exactly one credential type per API: %s' % [t['name'] for t in injecting]
    missing = sorted(wanted - set(injected_env(injecting[0])))
    assert not missing, '%s does not inject %s' % (injecting[0]['name'], missing)


@pytest.mark.parametrize('path', TYPE_FILES, ids=[os.path.basename(p) for p in TYPE_FILES])
def test_secret_inputs_are_marked_secret(path):
    cred = load_type(path)
    fields = dict((f['id'], f) for f in cred['inputs']['fields'])
    for var, template in injected_env(cred).items():
        used = [i for i in fields if re.search(r'\b%s\b' % re.escape(i), template)]
        assert len(used) == 1, '%s: %s uses %s' % (os.path.basename(path), var, used)
        field = fields[used[0]]
        if var in SECRET_ENV:
            assert field.get('secret') is True, '%s: input %s feeds the secret %s but is not secret: true' % (
                os.path.basename(path), field['id'], var)
        else:
            assert not field.get('secret'), '%s: input %s is secret but %s is not a secret option' % (
                os.path.basename(path), field['id'], var)


# -- injected as AWX injects ---------------------------------------------------------------------------

def awx_inject(cred, inputs):
    """The environment AWX gives a job for a credential with these inputs (empty ones are not in the namespace)."""
    namespace = dict((k, v) for k, v in inputs.items() if v)
    sandbox = ImmutableSandboxedEnvironment()
    return dict((var, sandbox.from_string(tmpl).render(**namespace)) for var, tmpl in injected_env(cred).items())


def field_of(cred):
    """{env var: the input field its template uses}."""
    return dict((var, re.search(r'\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)', tmpl).group(1)) for var, tmpl in injected_env(cred).items())


def plain_env(cred, inputs):
    """What a user would export by hand for the same inputs: only the variables of the inputs given."""
    return dict((var, inputs[field]) for var, field in field_of(cred).items() if inputs.get(field))


def outcome(defn, env, monkeypatch, tmp_path):
    """Validated connection options and what building the client gives, with exactly ``env`` set."""
    for var in READ:
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    monkeypatch.setenv('FLEETOPS_PING_CACHE_DIR', str(tmp_path / 'cache'))
    spec = dict((k, v) for k, v in defn.argument_spec.items() if spec_env({k: v}))
    result = ArgumentSpecValidator(spec).validate({})
    assert not result.error_messages, '%s: %s' % (defn.name, result.error_messages)
    params = dict((k, v if v != '' else None) for k, v in result.validated_parameters.items())
    full = dict(params)
    for key, desc in defn.argument_spec.items():
        full.setdefault(key, desc.get('default'))
    if defn.client_factory is None:
        return params, None
    try:
        client = defn.client_factory(full, None)
    except (ModuleFailure, transport.ApiError) as exc:
        return params, 'failed: %s' % exc
    return params, 'client for %s' % client.http.base_url


NUMBER = re.compile(r'^[0-9]+(\.[0-9]+)?$')
SAMPLE = {'api_url': 'https://api.example.test/v1', 'max_requests_per_second': '2.5', 'retry_time_budget': '60'}


@pytest.mark.parametrize('path', TYPE_FILES, ids=[os.path.basename(p) for p in TYPE_FILES])
def test_injected_credentials_act_as_the_inputs_given(path, monkeypatch, tmp_path):
    """For every combination of filled and empty inputs, the injected environment gives every module that
    reads it the same options and the same client (or the same failure) as exporting only the inputs given."""
    cred = load_type(path)
    variables = set(injected_env(cred))
    readers = [d for d in DEFS if variables & set(spec_env(d.argument_spec))]
    if not readers and os.path.basename(path) == 'rate_limit.yml' and not RATE_LIMIT_MERGED:
        pytest.skip('the rate limit options of issue 8 are not in transport.connection_argument_spec() yet')
    assert readers, 'no module reads what %s injects' % os.path.basename(path)
    ids = [f['id'] for f in cred['inputs']['fields']]
    required = set(cred['inputs'].get('required', []))
    checked = 0
    for filled in itertools.product((True, False), repeat=len(ids)):
        inputs = dict((i, (SAMPLE.get(i, 'value-of-' + i) if on else '')) for i, on in zip(ids, filled))
        if any(not inputs[i] for i in required):
            continue
        for defn in readers:
            injected = outcome(defn, awx_inject(cred, inputs), monkeypatch, tmp_path)
            exported = outcome(defn, plain_env(cred, inputs), monkeypatch, tmp_path)
            assert injected == exported, '%s, inputs %s: injected %r, exported %r' % (
                defn.name, sorted(k for k, v in inputs.items() if v), injected, exported)
            for var, field in field_of(cred).items():
                option = spec_env(defn.argument_spec).get(var, (None,))[0]
                if inputs[field] and option is not None:
                    assert str(injected[0][option]) in (inputs[field], str(float(inputs[field])) if NUMBER.match(inputs[field]) else ''), (
                        '%s: option %s is %r, input %s was %r' % (defn.name, option, injected[0][option], field, inputs[field]))
            checked += 1
    assert checked
