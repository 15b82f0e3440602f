# -*- coding: utf-8 -*-
# Copyright (c) fleetops.ping contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report builders of the ``fleetops.ping.drift`` callback: JSON, JUnit XML and Markdown.

Pure Python, no Ansible objects: the callback hands in plain values (host,
task name, action, the task's result dictionary) and the builders turn them
into ``drift.json``, ``drift.junit.xml`` and ``drift.md``.

Redaction happens once, when a result is recorded, so that every report is
built from values that are already clean: a ``no_log`` result keeps only its
host and task; every other text goes through the collection's one redaction,
:func:`transport.redact_text`, with the secrets the callback collected (the
values of the collection's ``no_log`` options found in the task, those of its
secret environment variables) and values under secret-looking keys are
replaced whatever they are.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import json
import re
import xml.etree.ElementTree as ET

from ansible_collections.fleetops.ping.plugins.module_utils import transport as _http

REDACTED = _http.REDACTED
NO_LOG_TEXT = 'hidden by no_log'
# What Ansible itself puts in place of a no_log value: it stays as it is.
ANSIBLE_MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# Keys whose values are replaced whatever they hold, in any diff of any module.
SECRET_KEY_RE = re.compile(r'(?i)(password|passwd|secret|token|api_?key|private_?key|credential|authorization)')
# Characters XML 1.0 cannot carry at all.
_XML_INVALID = re.compile(u'[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
MAX_MESSAGE = 300
COMPACT_LINES = 3
COMPACT_CHARS = 160

APIS = (
    ('fleetops.ping.monogoto_', 'Monogoto'),
    ('fleetops.ping.pingpl_', 'ping.pl'),
    ('fleetops.ping.pingasset_', 'PING asset'),
)


def collection_secret_names():
    """(option names, environment variable names) of every ``no_log`` option of this collection's modules."""
    from ansible_collections.fleetops.ping.plugins.module_utils import monogoto, pingasset, pingpl
    specs = [monogoto.monogoto_argument_spec(), pingpl.pingpl_argument_spec(), pingasset.pingasset_argument_spec()]
    try:
        from ansible_collections.fleetops.ping.plugins.module_utils import monogoto_things, pingasset_modules, pingpl_modules
        from ansible_collections.fleetops.ping.plugins.module_utils.runner import ModuleDef
        for mod in (monogoto_things, pingpl_modules, pingasset_modules):
            specs.extend(v.argument_spec for v in vars(mod).values() if isinstance(v, ModuleDef))
    except ImportError:  # pragma: no cover - the connection specs above already name every secret
        pass
    options, env = set(), set()

    def walk(spec):
        for name, opt in spec.items():
            if opt.get('no_log'):
                options.add(name)
                options.update(opt.get('aliases') or ())
                fallback = opt.get('fallback') or ()
                if len(fallback) > 1 and fallback[1]:
                    env.update(fallback[1])
            if isinstance(opt.get('options'), dict):
                walk(opt['options'])
    for spec in specs:
        walk(spec)
    return sorted(options), sorted(env)


def api_of(action):
    """The API a task's action talks to, for the summary; other modules are grouped by collection."""
    action = str(action or '')
    for prefix, name in APIS:
        if action.startswith(prefix):
            return name
    parts = action.split('.')
    return '.'.join(parts[:2]) if len(parts) > 2 else 'ansible.builtin' if action else 'unknown'


def one_line(text, limit=MAX_MESSAGE):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit - 3] + '...'


class Redactor:
    """Removes the given secrets and anything that looks like a credential from texts and structures."""

    def __init__(self, secrets=()):
        self.secrets = set(s for s in secrets if s is not None and len(str(s)) >= 4)

    def text(self, text):
        if text is None:
            return None
        return _http.redact_text(text, self.secrets)

    def value(self, value):
        if isinstance(value, dict):
            out = {}
            for key, val in value.items():
                key = self.text(key)
                if SECRET_KEY_RE.search(key) and val not in (None, '', ANSIBLE_MASK, REDACTED) and not isinstance(val, (bool, dict, list)):
                    out[key] = REDACTED
                else:
                    out[key] = self.value(val)
            return out
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self.text(value)


def normalize_diff(diff):
    """Ansible's ``diff`` (a dict or a list of dicts) as a list of dicts; empty entries dropped."""
    if not diff:
        return []
    if isinstance(diff, dict):
        diff = [diff]
    out = []
    for entry in diff:
        if not isinstance(entry, dict):
            continue
        keep = dict((k, entry[k]) for k in ('before', 'after', 'before_header', 'after_header', 'prepared') if k in entry)
        if 'prepared' in keep or 'before' in keep or 'after' in keep:
            out.append(keep)
    return out


def _as_lines(value):
    if isinstance(value, (dict, list)):
        text = json.dumps(value, indent=4, sort_keys=True, default=str)
    elif value is None:
        text = ''
    else:
        text = str(value)
    if text and not text.endswith('\n'):
        text += '\n'
    return text.splitlines(True)


def render_diff(diffs):
    """A unified diff text for a normalized list of diff dicts (like the default callback's, without colour)."""
    chunks = []
    for entry in diffs:
        if 'prepared' in entry:
            chunks.append(str(entry['prepared']).rstrip('\n') + '\n')
            continue
        before_header = entry.get('before_header') or 'before'
        after_header = entry.get('after_header') or 'after'
        lines = list(difflib.unified_diff(_as_lines(entry.get('before')), _as_lines(entry.get('after')),
                                          fromfile='before: %s' % before_header, tofile='after: %s' % after_header, n=3))
        if lines:
            chunks.append(''.join(line if line.endswith('\n') else line + '\n' for line in lines))
    return ''.join(chunks)


def _flatten(value, prefix=''):
    if isinstance(value, dict) and value:
        out = {}
        for key in sorted(value, key=str):
            out.update(_flatten(value[key], '%s.%s' % (prefix, key) if prefix else str(key)))
        return out
    return {prefix: value}


def _short(value):
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def compact_changes(diffs):
    """One short line per changed value: ``key: before -> after`` for structured diffs, +/- lines otherwise."""
    lines = []
    for entry in diffs:
        header = entry.get('after_header') or entry.get('before_header')
        before, after = entry.get('before'), entry.get('after')
        if 'prepared' not in entry and isinstance(before, dict) and isinstance(after, dict):
            flat_b, flat_a = _flatten(before), _flatten(after)
            for key in sorted(set(flat_b) | set(flat_a)):
                if flat_b.get(key, '<absent>') != flat_a.get(key, '<absent>') or (key in flat_b) != (key in flat_a):
                    b = _short(flat_b[key]) if key in flat_b else '(absent)'
                    a = _short(flat_a[key]) if key in flat_a else '(absent)'
                    lines.append('%s%s: %s \u2192 %s' % (header + ' ' if header else '', key or '(value)', b, a))
            continue
        for line in render_diff([entry]).splitlines():
            if line.startswith(('+++', '---', '@@')) or not line.startswith(('+', '-')):
                continue
            lines.append(line)
    return lines


class DriftReport:
    """Collects the results of one run and builds the three reports from them."""

    def __init__(self, secrets=(), secret_options=()):
        self.records = []
        self.playbooks = []
        self.check_mode = False
        self.diff_mode = False
        self.timestamp = None
        self.host_counts = {}
        self.secret_options = set(secret_options)
        self.base_secrets = set(s for s in secrets if s)
        self.run_secrets = set()

    # -- collecting ---------------------------------------------------------
    def secrets_from(self, *structures):
        """The values of the collection's no_log options found in task args or module_defaults (any depth)."""
        found = set()

        def walk(value):
            if isinstance(value, dict):
                for key, val in value.items():
                    if key in self.secret_options and isinstance(val, (str, int)) and not isinstance(val, bool) and '{{' not in str(val):
                        found.add(str(val))
                    walk(val)
            elif isinstance(value, (list, tuple)):
                for val in value:
                    walk(val)
        for structure in structures:
            walk(structure)
        return found

    def record(self, host, task, action, status, result, no_log=False, ignored=False, secrets=()):
        """Record one task result (``status``: ok, changed, failed, unreachable or skipped).

        A loop's result is recorded item by item. ``secrets`` are extra values to redact (from the task).
        """
        result = result if isinstance(result, dict) else {}
        self.run_secrets.update(s for s in secrets if s)
        redactor = Redactor(self.base_secrets | self.run_secrets)
        no_log = bool(no_log or result.get('_ansible_no_log'))
        base = dict(host=redactor.text(host), task=redactor.text(task), action=str(action or ''))
        items = result.get('results')
        if isinstance(items, list) and items and status in ('ok', 'changed', 'failed'):
            for item in items:
                if not isinstance(item, dict):
                    continue
                item_no_log = no_log or bool(item.get('_ansible_no_log'))
                if item.get('failed'):
                    item_status = 'failed'
                elif item.get('skipped'):
                    item_status = 'skipped'
                elif item.get('changed'):
                    item_status = 'changed'
                else:
                    item_status = 'ok'
                label = None if item_no_log else item.get('_ansible_item_label', item.get(item.get('ansible_loop_var') or 'item'))
                self._add(base, item_status, item, item_no_log, ignored, redactor, label, True)
            if status == 'failed' and not any(isinstance(i, dict) and i.get('failed') for i in items):
                self._add(base, 'failed', result, no_log, ignored, redactor, None, False)
            return
        self._add(base, status, result, no_log, ignored, redactor, None, False)

    def _add(self, base, status, result, no_log, ignored, redactor, label, is_item):
        rec = dict(base, status=status)
        if is_item:
            rec['item'] = NO_LOG_TEXT if no_log else redactor.text(_short(label) if label is not None else '')
        if no_log:
            rec['no_log'] = True
        if status == 'changed' and not no_log:
            diffs = redactor.value(normalize_diff(result.get('diff')))
            rec['diff'] = diffs
            headers = [d.get('after_header') or d.get('before_header') for d in diffs]
            objects = [h for h in headers if h]
            if objects:
                rec['object'] = objects[0]
        elif status in ('failed', 'unreachable'):
            rec['msg'] = NO_LOG_TEXT if no_log else one_line(redactor.text(result.get('msg') or result.get('reason') or status))
            if status == 'failed':
                rec['ignored'] = bool(ignored)
        self.records.append(rec)

    def finalize(self):
        """Redact every record again with every secret seen in the whole run (a later task may have named one)."""
        redactor = Redactor(self.base_secrets | self.run_secrets)
        self.records = [redactor.value(rec) for rec in self.records]

    # -- summaries ----------------------------------------------------------
    def changed(self):
        return [r for r in self.records if r['status'] == 'changed']

    def failures(self):
        return [r for r in self.records if r['status'] == 'failed']

    def unreachable(self):
        return [r for r in self.records if r['status'] == 'unreachable']

    @property
    def drift(self):
        return bool(self.changed())

    def counts(self):
        if self.host_counts:
            return self.host_counts
        counts = {}
        for rec in self.records:
            host = counts.setdefault(rec['host'], dict(ok=0, changed=0, failures=0, unreachable=0, skipped=0, ignored=0))
            key = {'failed': 'failures'}.get(rec['status'], rec['status'])
            if rec['status'] == 'failed' and rec.get('ignored'):
                key = 'ignored'
            host[key] = host.get(key, 0) + 1
            if rec['status'] == 'changed':
                host['ok'] += 1
        return counts

    def by_api_and_task(self):
        rows = {}
        for rec in self.changed():
            key = (api_of(rec['action']), rec['task'])
            rows[key] = rows.get(key, 0) + 1
        return [(api, task, n) for (api, task), n in rows.items()]

    # -- JSON ---------------------------------------------------------------
    def to_dict(self):
        self.finalize()
        changed = []
        for rec in self.changed():
            entry = dict((k, rec[k]) for k in ('host', 'task', 'action', 'item', 'object', 'no_log') if k in rec)
            entry['diff'] = None if rec.get('no_log') else (rec.get('diff') or None)
            changed.append(entry)
        data = dict(
            drift=self.drift,
            check_mode=self.check_mode,
            diff_mode=self.diff_mode,
            timestamp=self.timestamp,
            playbook=self.playbooks[0] if len(self.playbooks) == 1 else list(self.playbooks),
            summary=dict(objects=len(changed),
                         by_api=self._count_by(lambda r: api_of(r['action'])),
                         by_task=[dict(api=a, task=t, objects=n) for a, t, n in self.by_api_and_task()]),
            changed=changed,
            failures=[dict((k, r[k]) for k in ('host', 'task', 'action', 'item', 'msg', 'ignored') if k in r) for r in self.failures()],
            unreachable=[dict(host=r['host'], task=r['task'], msg=r['msg']) for r in self.unreachable()],
            hosts=self.counts(),
        )
        if not self.diff_mode:
            data['note'] = 'diff mode was off (run with --check --diff): changed entries carry no diff'
        return data

    def _count_by(self, key):
        out = {}
        for rec in self.changed():
            k = key(rec)
            out[k] = out.get(k, 0) + 1
        return out

    def to_json(self):
        return json.dumps(self.to_dict(), indent=2, sort_keys=False, ensure_ascii=False, default=str) + '\n'

    # -- JUnit XML ----------------------------------------------------------
    def to_junit(self):
        self.finalize()
        suite = ET.Element('testsuite', name='fleetops.ping.drift')
        tests = failures = errors = skipped = 0
        for rec in self.records:
            name = rec['task'] + (' [%s]' % rec['item'] if rec.get('item') else '')
            case = ET.SubElement(suite, 'testcase', classname=_xml(rec['host']), name=_xml(name))
            tests += 1
            if rec['status'] == 'changed':
                failures += 1
                what = 'would change' if self.check_mode else 'changed'
                if rec.get('no_log'):
                    text = '%s (details %s)' % (what, NO_LOG_TEXT)
                elif rec.get('diff'):
                    text = render_diff(rec['diff'])
                else:
                    text = '%s (no diff: %s)' % (what, 'the module returned none' if self.diff_mode else 'run with --diff')
                node = ET.SubElement(case, 'failure', message=_xml('%s: %s' % (what, rec.get('object') or rec['task'])), type='drift')
                node.text = _xml(text)
            elif rec['status'] in ('failed', 'unreachable'):
                if rec['status'] == 'failed' and rec.get('ignored'):
                    ET.SubElement(case, 'system-out').text = _xml('failed (ignored): ' + rec['msg'])
                    continue
                errors += 1
                node = ET.SubElement(case, 'error', message=_xml(rec['msg']), type=rec['status'])
                node.text = _xml(rec['msg'])
            elif rec['status'] == 'skipped':
                skipped += 1
                ET.SubElement(case, 'skipped')
        for key, val in (('tests', tests), ('failures', failures), ('errors', errors), ('skipped', skipped)):
            suite.set(key, str(val))
        if self.timestamp:
            suite.set('timestamp', self.timestamp)
        root = ET.Element('testsuites', name='fleetops.ping.drift', tests=str(tests), failures=str(failures),
                          errors=str(errors), skipped=str(skipped))
        root.append(suite)
        if hasattr(ET, 'indent'):
            ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode') + '\n'

    # -- Markdown -----------------------------------------------------------
    def to_markdown(self):
        self.finalize()
        changed = self.changed()
        mode = 'check mode' if self.check_mode else 'not in check mode: these changes were applied'
        mode += ', diff on' if self.diff_mode else ', diff off (run with --check --diff to see what would change)'
        playbook = ', '.join(self.playbooks) or '(no playbook)'
        out = ['## Drift report: %s' % _md(playbook), '']
        if changed:
            noun = 'object would change' if len(changed) == 1 else 'objects would change'
            if not self.check_mode:
                noun = 'object changed' if len(changed) == 1 else 'objects changed'
            out.append('**Drift: %d %s** (%s; %s)' % (len(changed), noun, mode, self.timestamp or ''))
        else:
            out.append('**No drift**: nothing would change (%s; %s)' % (mode, self.timestamp or ''))
        problems = []
        if self.failures():
            problems.append('%d failed task(s)' % len([r for r in self.failures() if not r.get('ignored')]))
        if self.unreachable():
            problems.append('%d unreachable host(s)' % len(self.unreachable()))
        if problems:
            out.append('')
            out.append('**The run did not complete cleanly:** %s (see below); the drift list may be incomplete.' % ', '.join(problems))
        if changed:
            out += ['', '| API | task | objects |', '|---|---|---|']
            for api, task, n in self.by_api_and_task():
                out.append('| %s | %s | %d |' % (_md(api), _md(task), n))
            out += ['', '| host | task | change |', '|---|---|---|']
            for rec in changed:
                task = rec['task'] + (' [%s]' % rec['item'] if rec.get('item') else '')
                out.append('| %s | %s | %s |' % (_md(rec['host']), _md(task), self._md_change(rec)))
        if self.failures() or self.unreachable():
            out += ['', '| host | task | failure |', '|---|---|---|']
            for rec in self.failures() + self.unreachable():
                what = 'unreachable: ' if rec['status'] == 'unreachable' else 'ignored: ' if rec.get('ignored') else ''
                out.append('| %s | %s | %s |' % (_md(rec['host']), _md(rec['task']), _md(what + rec['msg'])))
        return '\n'.join(out) + '\n'

    def _md_change(self, rec):
        if rec.get('no_log'):
            return '_%s_' % NO_LOG_TEXT
        if not rec.get('diff'):
            return '_no diff (%s)_' % ('the module returned none' if self.diff_mode else 'diff mode off')
        lines = compact_changes(rec['diff'])
        if not lines:
            return '_no difference shown_'
        text = '<br>'.join('<code>%s</code>' % _html(line) for line in lines)
        if len(lines) <= COMPACT_LINES and sum(len(line) for line in lines) <= COMPACT_CHARS:
            return text
        summary = '%d change%s' % (len(lines), '' if len(lines) == 1 else 's')
        return '<details><summary>%s</summary>%s</details>' % (summary, text)


def _xml(text):
    return _XML_INVALID.sub(u'\ufffd', str(text))


def _html(text):
    text = str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return text.replace('|', '&#124;').replace('\n', ' ')


def _md(text):
    text = _html(text)
    for char in '\\`*_[]':
        text = text.replace(char, '\\' + char)
    return text
