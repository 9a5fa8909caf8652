// The catalogue as an operator writes it (`short_codes:` list, classification.md), checked
// and turned into the core's Catalogue. Every problem names the file, the line and the fix.
import { child, fail, NO_LINES, type KeyPath, type LineOf, type Place } from '@ussdwatch/common/config-file.js';
import { isMapping, readList, readMapping, readNumber, readString } from '@ussdwatch/common/config-values.js';
import { Catalogue, DEFAULT_OBJECTIVE, DEFAULT_SLOW_MS, isShortCode } from '../core/catalogue.js';

/**
 * Validates a catalogue document read from `file`. `at` is where the document sits inside
 * that file (empty for a catalogue file of its own).
 */
export function parseCatalogue(raw: unknown, file: string, lineOf: LineOf = NO_LINES, at: KeyPath = []): Catalogue {
  const doc = readMapping(raw, { file, lineOf, path: at }, ['short_codes'], ['short_codes']);
  const listAt: Place = { file, lineOf, path: [...at, 'short_codes'] };
  const items = readList(doc.short_codes, listAt);
  if (items.length === 0) fail(listAt, 'the catalogue is empty; list at least one short code');
  const seen = new Map<string, number>();
  const entries = items.map((item, i) => {
    const itemAt = child(listAt, i);
    if (isMapping(item) && item.code === null) {
      fail(child(itemAt, 'code'), 'has no value; quote the code ("#123#", "*710#"): unquoted, YAML reads a # after a space as the start of a comment');
    }
    const m = readMapping(item, itemAt, ['code', 'name', 'team', 'slow_ms', 'objective'], ['code', 'name', 'team']);
    const code = readString(m.code, child(itemAt, 'code'));
    if (!isShortCode(code)) {
      fail(child(itemAt, 'code'), `"${code}" is not a short code; write it like "*710#", "*720*1#" or "#123#" (* or # first, digits separated by *, ending in #)`);
    }
    const dup = seen.get(code);
    if (dup !== undefined) fail(child(itemAt, 'code'), `"${code}" is already listed as short_codes[${dup}]; remove one of them`);
    seen.set(code, i);
    return {
      code,
      name: readString(m.name, child(itemAt, 'name')),
      team: readString(m.team, child(itemAt, 'team')),
      slowMs: m.slow_ms === undefined ? DEFAULT_SLOW_MS : readNumber(m.slow_ms, child(itemAt, 'slow_ms'), { min: 1, max: 600_000, integer: true }),
      objective: m.objective === undefined ? DEFAULT_OBJECTIVE : readNumber(m.objective, child(itemAt, 'objective'), { min: 0.5, max: 0.99999 }),
    };
  });
  return new Catalogue(entries);
}
