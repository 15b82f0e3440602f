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

from ansible_collections.fleetops.ping.plugins.module_utils import transport as _http
from ansible_collections.fleetops.ping.plugins.module_utils.monogoto import thing_id

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
# drift.md stays readable and within GitHub's limits whatever the size of the run: a pull-request comment body
# takes at most 65,536 characters (docs/ci.md posts drift.md as one), GITHUB_STEP_SUMMARY 1 MiB per step. The
# first MD_ROWS changed objects and MD_FAILURE_ROWS failures are tables; the rest are counted by API and task.
MD_MAX_CHARS = 60000
MD_RESERVE = 6000           # kept for the tables that count what is not shown
MD_CHANGED_SHARE = 0.7      # of what is left, the share the changed rows may take (the rest: failures)
MD_ROWS = 100
MD_FAILURE_ROWS = 50
MD_TASK_ROWS = 30
MD_CELL_CHARS = 200         # a host, task or message in a table cell
MD_CHANGE_CHARS = 1500      # the change cell of one row
MEMO_CHARS = 256            # texts up to this length are redacted once per redactor ...
MEMO_ENTRIES = 200000       # ... up to this many of them

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
        self._seen = {}  # text -> redacted text: the keys and values of 100,000 diffs repeat a lot

    def text(self, text):
        if text is None:
            return None
        if not isinstance(text, str) or len(text) > MEMO_CHARS:
            return _http.redact_text(text, self.secrets)
        done = self._seen.get(text)
        if done is None:
            done = _http.redact_text(text, self.secrets)
            if len(self._seen) < MEMO_ENTRIES:
                self._seen[text] = done
        return done

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


_SCALARS = (str, int, float, bool, type(None))


def _flat_json_lines(value):
    """``json.dumps(value, indent=4, sort_keys=True)`` split in lines, for a flat dict of scalars: the same text,
    from the C encoder (the indenting encoder is pure Python, and a fleet report renders 100,000 of them)."""
    keys = sorted(value)
    last = len(keys) - 1
    lines = ['{\n']
    for index, key in enumerate(keys):
        lines.append('    %s: %s%s\n' % (json.dumps(key), json.dumps(value[key]), ',' if index < last else ''))
    lines.append('}\n')
    return lines


def _as_lines(value):
    flat = isinstance(value, dict) and value and all(isinstance(k, str) for k in value)
    if flat and all(isinstance(v, _SCALARS) and not isinstance(v, float) for v in value.values()):
        return _flat_json_lines(value)
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


def object_of(entry):
    """The object a diff entry names (its header), or None."""
    name = entry.get('after_header') or entry.get('before_header')
    if name is None or name == '':
        return None
    return name if isinstance(name, str) else _short(name)


def _shows_a_change(entry):
    return 'prepared' in entry or entry.get('before') != entry.get('after')


def split_by_object(diffs):
    """A list-form diff as [(object, entries)]: one per object its entries name, in the order they first appear.

    Entries that name the same object stay together; entries that name none are one group of their own (object
    None); entries whose before and after are equal show no change and are left out while any other entry
    remains. None when no entry names an object (the diff is then the task's, as a whole).
    """
    shown = [d for d in diffs if _shows_a_change(d)] or list(diffs)
    if not any(object_of(d) for d in shown):
        return None
    groups, order = {}, []
    for entry in shown:
        name = object_of(entry)
        if name not in groups:
            groups[name] = []
            order.append(name)
        groups[name].append(entry)
    return [(name, groups[name]) for name in order]


def contract_object(entry, action):
    """The object of one entry of a fleet task's ``changes`` or ``failures`` (``thing_id``, else from ``iccid``)."""
    name = entry.get('thing_id') or entry.get('object')
    if name:
        return name if isinstance(name, str) else _short(name)
    iccid = entry.get('iccid')
    if iccid is None or iccid == '':
        return None
    iccid = _short(iccid)
    return thing_id(iccid) if str(action or '').startswith('fleetops.ping.monogoto_') else iccid


def contract_list(result, key):
    """The dict entries of a fleet task's ``changes`` or ``failures`` list, or None when the result has none."""
    value = result.get(key)
    if not isinstance(value, list):
        return None
    entries = [e for e in value if isinstance(e, dict)]
    return entries or None


def _cut(text, limit):
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + '\u2026'


class DriftReport:
    """Collects the results of one run and builds the three reports from them.

    One record per host, task and loop item, except that a task whose list-form diff names objects (a header
    per entry, as the fleet task ``fleetops.ping.monogoto_fleet`` returns one per changed SIM) gives one record
    per object, with its own diff; without a diff, the objects come from the result's ``changes`` list, and a
    failed task's per-object ``failures`` are one failure record each.
    """

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
        # Records before this index were redacted with fewer secrets than the run has named since.
        self._stale = 0
        self._redactor = None

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

    def _current_redactor(self, secrets):
        new = set(s for s in secrets if s) - self.run_secrets
        if new:
            self.run_secrets.update(new)
            self._stale = len(self.records)
            self._redactor = None
        if self._redactor is None:
            self._redactor = Redactor(self.base_secrets | self.run_secrets)
        return self._redactor

    def record(self, host, task, action, status, result, no_log=False, ignored=False, secrets=()):
        """Record one task result (``status``: ok, changed, failed, unreachable or skipped).

        A loop's result is recorded item by item. ``secrets`` are extra values to redact (from the task).
        """
        result = result if isinstance(result, dict) else {}
        redactor = self._current_redactor(secrets)
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
        if no_log or status not in ('changed', 'failed'):
            if status in ('failed', 'unreachable'):
                rec['msg'] = NO_LOG_TEXT if no_log else one_line(redactor.text(result.get('msg') or result.get('reason') or status))
                if status == 'failed':
                    rec['ignored'] = bool(ignored)
            self.records.append(rec)
            return
        objects = self._objects(result, rec['action'], redactor) if status == 'changed' or result.get('changed') else None
        if status == 'changed' and objects is None:
            diffs = redactor.value(normalize_diff(result.get('diff')))
            rec['diff'] = diffs
            headers = [object_of(d) for d in diffs]
            named = [h for h in headers if h]
            if named:
                rec['object'] = named[0]
            self.records.append(rec)
            return
        for name, diffs in objects or ():
            part = dict(rec, status='changed', part=True, diff=diffs)
            if name is not None:
                part['object'] = name
            self.records.append(part)
        if status != 'failed':
            return
        failures = contract_list(result, 'failures')
        if failures is None:
            rec['msg'] = one_line(redactor.text(result.get('msg') or result.get('reason') or status))
            rec['ignored'] = bool(ignored)
            self.records.append(rec)
            return
        for entry in failures:
            part = dict(rec, part=True, ignored=bool(ignored),
                        msg=one_line(redactor.text(entry.get('msg') or result.get('msg') or status)))
            name = contract_object(entry, rec['action'])
            if name is not None:
                part['object'] = redactor.text(name)
            self.records.append(part)

    def _objects(self, result, action, redactor):
        """[(object, diffs)] when the result names its objects (a list-form diff, else a ``changes`` list), or None."""
        raw = result.get('diff')
        diffs = normalize_diff(raw)
        if isinstance(raw, list) and diffs:
            split = split_by_object(diffs)
            if split is not None:
                return [(redactor.text(name) if name is not None else None, redactor.value(parts)) for name, parts in split]
        if diffs:
            return None
        changes = contract_list(result, 'changes')
        if changes is None:
            return None
        # Without --diff the fleet task returns no diff: its changes still name the objects (without values).
        names = [contract_object(entry, action) for entry in changes]
        return [(redactor.text(name) if name is not None else None, []) for name in names]

    def finalize(self):
        """Redact the records again with every secret seen in the whole run (a later task may have named one).

        Only the records taken before the last new secret was seen are done again.
        """
        if self._stale:
            redactor = Redactor(self.base_secrets | self.run_secrets)
            self.records[:self._stale] = [redactor.value(rec) for rec in self.records[:self._stale]]
            self._stale = 0

    # -- summaries ----------------------------------------------------------
    def changed(self):
        return [r for r in self.records if r['status'] == 'changed']

    def failures(self):
        return [r for r in self.records if r['status'] == 'failed']

    def unreachable(self):
        return [r for r in self.records if r['status'] == 'unreachable']

    @property
    def drift(self):
        return any(r['status'] == 'changed' for r in self.records)

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

    def by_api_and_task(self, records=None):
        rows = {}
        for rec in self.changed() if records is None else records:
            key = (api_of(rec['action']), rec['task'])
            rows[key] = rows.get(key, 0) + 1
        return [(api, task, n) for (api, task), n in rows.items()]

    def failed_tasks(self):
        """How many tasks failed (not ignored), counting a task with per-object failures once per host and item."""
        return len(set((r['host'], r['task'], r.get('item')) for r in self.failures() if not r.get('ignored')))

    # -- JSON ---------------------------------------------------------------
    def to_dict(self):
        self.finalize()
        changed = []
        for rec in self.changed():
            entry = dict((k, rec[k]) for k in ('host', 'task', 'action', 'item', 'object', 'no_log') if k in rec)
            entry['diff'] = None if rec.get('no_log') else (rec.get('diff') or None)
            changed.append(entry)
        failures = [dict((k, r[k]) for k in ('host', 'task', 'action', 'item', 'object', 'msg', 'ignored') if k in r)
                    for r in self.failures()]
        data = dict(
            drift=bool(changed),
            check_mode=self.check_mode,
            diff_mode=self.diff_mode,
            timestamp=self.timestamp,
            playbook=self.playbooks[0] if len(self.playbooks) == 1 else list(self.playbooks),
            summary=dict(objects=len(changed),
                         by_api=self._count_by(lambda r: api_of(r['action'])),
                         by_task=[dict(api=a, task=t, objects=n) for a, t, n in self.by_api_and_task()]),
            changed=changed,
            failures=failures,
            unreachable=[dict(host=r['host'], task=r['task'], msg=r['msg']) for r in self.unreachable()],
            hosts=self.counts(),
        )
        if any(r.get('object') for r in self.failures()):
            data['summary']['failed_objects'] = sum(1 for r in self.failures() if r.get('object'))
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
        return ''.join(self.json_chunks())

    def json_chunks(self):
        """drift.json piece by piece: the top level indented, one line per entry of ``changed``, ``failures`` and
        ``unreachable`` (so that 100,000 objects are neither one string in memory nor 100,000 indented blocks)."""
        data = self.to_dict()
        keys = list(data)
        yield '{\n'
        for index, key in enumerate(keys):
            value = data[key]
            comma = ',' if index < len(keys) - 1 else ''
            if key in ('changed', 'failures', 'unreachable') and value:
                yield '  %s: [\n' % json.dumps(key)
                last = len(value) - 1
                for position, entry in enumerate(value):
                    yield '    %s%s\n' % (json.dumps(entry, ensure_ascii=False, default=str), ',' if position < last else '')
                yield '  ]%s\n' % comma
            else:
                text = json.dumps(value, indent=2, ensure_ascii=False, default=str).replace('\n', '\n  ')
                yield '  %s: %s%s\n' % (json.dumps(key), text, comma)
        yield '}\n'

    # -- JUnit XML ----------------------------------------------------------
    def to_junit(self):
        return ''.join(self.junit_chunks())

    def junit_chunks(self):
        """drift.junit.xml, one test case at a time: a report of 100,000 objects is never one tree in memory."""
        self.finalize()
        tests = failures = errors = skipped = 0
        for rec in self.records:
            tests += 1
            if rec['status'] == 'changed':
                failures += 1
            elif rec['status'] == 'unreachable' or (rec['status'] == 'failed' and not rec.get('ignored')):
                errors += 1
            elif rec['status'] == 'skipped':
                skipped += 1
        counts = 'tests="%d" failures="%d" errors="%d" skipped="%d"' % (tests, failures, errors, skipped)
        stamp = ' timestamp=%s' % _attr(self.timestamp) if self.timestamp else ''
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield '<testsuites name="fleetops.ping.drift" %s>\n' % counts
        yield '  <testsuite name="fleetops.ping.drift" %s%s>\n' % (counts, stamp)
        for rec in self.records:
            yield self._junit_case(rec)
        yield '  </testsuite>\n</testsuites>\n'

    def _junit_case(self, rec):
        name = rec['task'] + (' [%s]' % rec['item'] if rec.get('item') else '')
        if rec.get('part') and rec.get('object'):
            name += ': %s' % rec['object']
        head = '    <testcase classname=%s name=%s' % (_attr(rec['host']), _attr(name))
        if rec['status'] == 'changed':
            what = 'would change' if self.check_mode else 'changed'
            if rec.get('no_log'):
                text = '%s (details %s)' % (what, NO_LOG_TEXT)
            elif rec.get('diff'):
                text = render_diff(rec['diff'])
            else:
                text = '%s (no diff: %s)' % (what, 'the module returned none' if self.diff_mode else 'run with --diff')
            body = '<failure message=%s type="drift">%s</failure>' % (_attr('%s: %s' % (what, rec.get('object') or rec['task'])),
                                                                      _text(text))
        elif rec['status'] == 'failed' and rec.get('ignored'):
            body = '<system-out>%s</system-out>' % _text('failed (ignored): ' + rec['msg'])
        elif rec['status'] in ('failed', 'unreachable'):
            body = '<error message=%s type="%s">%s</error>' % (_attr(rec['msg']), rec['status'], _text(rec['msg']))
        elif rec['status'] == 'skipped':
            body = '<skipped />'
        else:
            return head + ' />\n'
        return '%s>\n      %s\n    </testcase>\n' % (head, body)

    # -- Markdown -----------------------------------------------------------
    def to_markdown(self):
        """drift.md: at most MD_MAX_CHARS characters, whatever the size of the run (the rest is in drift.json)."""
        self.finalize()
        changed = self.changed()
        failures = self.failures() + self.unreachable()
        mode = 'check mode' if self.check_mode else 'not in check mode: these changes were applied'
        mode += ', diff on' if self.diff_mode else ', diff off (run with --check --diff to see what would change)'
        playbook = ', '.join(self.playbooks) or '(no playbook)'
        out = ['## Drift report: %s' % _md(_cut(playbook, MD_CELL_CHARS)), '']
        if changed:
            noun = 'object would change' if len(changed) == 1 else 'objects would change'
            if not self.check_mode:
                noun = 'object changed' if len(changed) == 1 else 'objects changed'
            out.append('**Drift: %d %s** (%s; %s)' % (len(changed), noun, mode, self.timestamp or ''))
        else:
            out.append('**No drift**: nothing would change (%s; %s)' % (mode, self.timestamp or ''))
        problems = []
        if self.failures():
            problems.append('%d failed task(s)' % self.failed_tasks())
            objects = sum(1 for r in self.failures() if r.get('object') and r.get('part') and not r.get('ignored'))
            if objects:
                problems[-1] += ' (%d object(s) failed)' % objects
        if self.unreachable():
            problems.append('%d unreachable host(s)' % len(self.unreachable()))
        if problems:
            out.append('')
            out.append('**The run did not complete cleanly:** %s (see below); the drift list may be incomplete.' % ', '.join(problems))
        budget = [MD_MAX_CHARS - MD_RESERVE - sum(len(line) + 1 for line in out)]
        if changed:
            out += [''] + self._md_tasks(self.by_api_and_task(), 'objects', budget)
            rows = ['| %s | %s | %s |' % (_md(_cut(rec['host'], MD_CELL_CHARS)), _md(_cut(self._task_label(rec), MD_CELL_CHARS)),
                                          self._md_change(rec)) for rec in changed[:MD_ROWS]]
            out += ['', '| host | task | change |', '|---|---|---|']
            shown = self._md_rows(out, rows, budget, MD_CHANGED_SHARE)
            if shown < len(changed):
                out += ['', '**%d of %d objects are shown above**; all of them, with their diffs, are in `drift.json` '
                        '(and `drift.junit.xml`). Not shown, by API and task:' % (shown, len(changed)), '']
                out += self._md_tasks(self.by_api_and_task(changed[shown:]), 'objects not shown', budget)
        if failures:
            rows = []
            for rec in failures[:MD_FAILURE_ROWS]:
                what = 'unreachable: ' if rec['status'] == 'unreachable' else 'ignored: ' if rec.get('ignored') else ''
                task = self._task_label(rec) + (': %s' % rec['object'] if rec.get('part') and rec.get('object') else '')
                rows.append('| %s | %s | %s |' % (_md(_cut(rec['host'], MD_CELL_CHARS)), _md(_cut(task, MD_CELL_CHARS)),
                                                  _md(_cut(what + rec['msg'], MD_CELL_CHARS))))
            out += ['', '| host | task | failure |', '|---|---|---|']
            shown = self._md_rows(out, rows, budget, 1.0)
            if shown < len(failures):
                out += ['', '**%d of %d failures are shown above**; all of them are in `drift.json` (and '
                        '`drift.junit.xml`). Not shown, by API and task:' % (shown, len(failures)), '']
                out += self._md_tasks(self.by_api_and_task(failures[shown:]), 'failures not shown', budget)
        text = '\n'.join(out) + '\n'
        if len(text) > MD_MAX_CHARS:  # only with pathological names: cut at a line, and say so
            text = text[:MD_MAX_CHARS - 200].rsplit('\n', 1)[0] + '\n\n_(cut at %d characters; the whole report is in `drift.json`)_\n' % MD_MAX_CHARS
        return text

    def markdown_chunks(self):
        yield self.to_markdown()

    @staticmethod
    def _task_label(rec):
        return rec['task'] + (' [%s]' % rec['item'] if rec.get('item') else '')

    @staticmethod
    def _md_rows(out, rows, budget, share):
        """Append rows while they fit in ``share`` of what is left of the budget; returns how many were added."""
        limit = budget[0] * share
        used = 0
        for index, row in enumerate(rows):
            if used + len(row) + 1 > limit:
                budget[0] -= used
                return index
            out.append(row)
            used += len(row) + 1
        budget[0] -= used
        return len(rows)

    @staticmethod
    def _md_tasks(counts, noun, budget):
        lines = ['| API | task | %s |' % noun, '|---|---|---|']
        rows = sorted(counts, key=lambda row: -row[2])
        for api, task, n in rows[:MD_TASK_ROWS]:
            lines.append('| %s | %s | %d |' % (_md(api), _md(_cut(task, MD_CELL_CHARS)), n))
        if len(rows) > MD_TASK_ROWS:
            rest = rows[MD_TASK_ROWS:]
            lines.append('| | %d more tasks (see `drift.json`) | %d |' % (len(rest), sum(n for _a, _t, n in rest)))
        budget[0] -= sum(len(line) + 1 for line in lines)
        return lines

    def _md_change(self, rec):
        if rec.get('no_log'):
            return '_%s_' % NO_LOG_TEXT
        if not rec.get('diff'):
            why = '_no diff (%s)_' % ('the module returned none' if self.diff_mode else 'diff mode off')
            return '<code>%s</code> %s' % (_html(_cut(rec['object'], MD_CELL_CHARS)), why) if rec.get('object') else why
        lines = compact_changes(rec['diff'])
        if not lines:
            return '_no difference shown_'
        cells, size = [], 0
        for line in lines:
            cell = '<code>%s</code>' % _html(_cut(line, MD_CELL_CHARS))
            if size + len(cell) > MD_CHANGE_CHARS:
                cells.append('_%d more (see `drift.json`)_' % (len(lines) - len(cells)))
                break
            cells.append(cell)
            size += len(cell) + 4
        text = '<br>'.join(cells)
        if len(lines) <= COMPACT_LINES and sum(len(line) for line in lines) <= COMPACT_CHARS:
            return text
        summary = '%d change%s' % (len(lines), '' if len(lines) == 1 else 's')
        return '<details><summary>%s</summary>%s</details>' % (summary, text)


def _xml(text):
    return _XML_INVALID.sub(u'\ufffd', str(text))


def _text(text):
    """XML character data."""
    return _xml(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def _attr(text):
    """An XML attribute value in double quotes (line breaks and tabs kept as character references)."""
    value = _text(text).replace('"', '&quot;')
    return '"%s"' % value.replace('\n', '&#10;').replace('\r', '&#13;').replace('\t', '&#9;')


def _html(text):
    text = str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    return text.replace('|', '&#124;').replace('\n', ' ')


def _md(text):
    text = _html(text)
    for char in '\\`*_[]':
        text = text.replace(char, '\\' + char)
    return text
