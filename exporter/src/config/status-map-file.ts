// Status-map documents: read, validated and compiled into the core's StatusMap.
//
// Document shape (see config/status-map.yaml):
//   base: default | none        # start from the built-in map (default) or from nothing
//   statuses:
//     INVALID_INPUT: user/invalid_input                     # shorthand for { outcome: ... }
//     SUCCESS: { outcome: ok/ok, when_slow: internal/slow_response }
//     NO_ROUTING_RULE: { outcome: internal/routing, when_unknown_code: user/wrong_code }
//     FAILED_MAP_ERROR_COMPONENT:
//       outcome: internal/system_failure
//       map_errors: { user/subscriber: [1, 9, 11, 12, 13, 27, 72] }
import { fileURLToPath } from 'node:url';
import { child, fail, NO_LINES, readYamlFile, type KeyPath, type LineOf, type Place } from '@ussdwatch/common/config-file.js';
import { describe, isMapping, readEnum, readList, readMapping, readNumber } from '@ussdwatch/common/config-values.js';
import { OUTCOME_NAMES, outcomeNamed, type Outcome } from '../core/outcome.js';
import { StatusMap, type StatusRule } from '../core/status-map.js';

const DEFAULT_FILE = fileURLToPath(new URL('../../config/status-map.yaml', import.meta.url));
let defaults: StatusMap | undefined;

/** The classification.md table, read from the data file shipped with the exporter. */
export function defaultStatusMap(): StatusMap {
  if (!defaults) {
    const y = readYamlFile(DEFAULT_FILE);
    defaults = compileStatusMap(y.value, DEFAULT_FILE, y.lineOf);
  }
  return defaults;
}

const RULE_KEYS = ['outcome', 'when_slow', 'when_unknown_code', 'map_errors'];

/**
 * Validates a status-map document read from `file` (`at`: where it sits in that file).
 * With `base: default` (the default) its statuses override or extend the built-in map.
 */
export function compileStatusMap(raw: unknown, file: string, lineOf: LineOf = NO_LINES, at: KeyPath = []): StatusMap {
  const docAt: Place = { file, lineOf, path: at };
  const doc = readMapping(raw, docAt, ['base', 'statuses'], ['statuses']);
  const base = doc.base === undefined ? 'default' : readEnum(doc.base, child(docAt, 'base'), ['default', 'none'] as const);
  const rules = new Map<string, StatusRule>(base === 'default' ? defaultStatusMap().rules : []);
  const statusesAt = child(docAt, 'statuses');
  const statuses = doc.statuses;
  if (!isMapping(statuses)) fail(statusesAt, `expected a mapping of STATUS: class/cause; got ${describe(statuses)}`);
  const written = new Map<string, string>();
  for (const [name, value] of Object.entries(statuses)) {
    const status = name.trim().toUpperCase();
    // Statuses match case-insensitively, so `ok` and `OK` would silently be one rule.
    const twin = written.get(status);
    if (twin !== undefined) fail(child(statusesAt, name), `"${name}" and "${twin}" are the same status (matched ignoring case and spaces); keep one`);
    written.set(status, name);
    rules.set(status, compileRule(status, value, child(statusesAt, name)));
  }
  return new StatusMap(rules);
}

function compileRule(status: string, value: unknown, at: Place): StatusRule {
  if (typeof value === 'string') return { status, outcome: readOutcome(value, at), whenSlow: null, whenUnknownCode: null, mapErrors: null };
  const m = readMapping(value, at, RULE_KEYS, ['outcome']);
  const opt = (key: string) => (m[key] === undefined ? null : readOutcome(m[key], child(at, key)));
  return {
    status,
    outcome: readOutcome(m.outcome, child(at, 'outcome')),
    whenSlow: opt('when_slow'),
    whenUnknownCode: opt('when_unknown_code'),
    mapErrors: m.map_errors === undefined ? null : readMapErrors(m.map_errors, child(at, 'map_errors')),
  };
}

function readMapErrors(raw: unknown, at: Place): Map<number, Outcome> {
  if (!isMapping(raw)) fail(at, `expected a mapping of class/cause: [MAP error codes]; got ${describe(raw)}`);
  const out = new Map<number, Outcome>();
  for (const [name, codes] of Object.entries(raw)) {
    const outcomeAt = child(at, name);
    const outcome = readOutcome(name, outcomeAt);
    readList(codes, outcomeAt).forEach((c, i) => {
      const code = readNumber(c, child(outcomeAt, i), { min: 0, max: 65535, integer: true });
      const prev = out.get(code);
      if (prev) fail(child(outcomeAt, i), `MAP error ${code} is already mapped to ${prev.name}; list it once`);
      out.set(code, outcome);
    });
  }
  return out;
}

function readOutcome(raw: unknown, at: Place): Outcome {
  const o = typeof raw === 'string' ? outcomeNamed(raw) : undefined;
  if (!o) fail(at, `expected class/cause, one of ${OUTCOME_NAMES.join(', ')}; got ${describe(raw)}`);
  return o;
}
