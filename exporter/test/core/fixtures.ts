// Shared test data and helpers: the catalogue of classification.md, a dialog builder
// (its defaults are the first ussd-cdr example of log-formats.md), config error capture.
import { expect } from 'vitest';
import { ConfigError, parseYaml, type LineOf } from '@ussdwatch/common/config-file.js';
import { parseCatalogue } from '../../src/config/catalogue-file.js';
import type { Dialog } from '../../src/core/types.js';

export const SPEC_CATALOGUE = parseCatalogue(
  {
    short_codes: [
      { code: '*710#', name: 'Solde', team: 'billing', slow_ms: 2000 },
      { code: '*720#', name: 'Forfaits', team: 'offers' },
      { code: '*720*1#', name: 'Forfaits internet', team: 'offers' },
    ],
  },
  'spec.yaml',
);

export function dialog(over: Partial<Dialog> = {}): Dialog {
  return {
    ts: Date.UTC(2026, 10, 21, 12, 45, 2, 123),
    node: 'gw01',
    session: '7f3a9c2e',
    msisdn: '213770123456',
    ussd: '*710#',
    type: 'PULL',
    menu: '1',
    status: 'SUCCESS',
    mapError: null,
    steps: 1,
    appMs: 842,
    dialogMs: 6120,
    ...over,
  };
}

/** The ConfigError message `compile` raises for the YAML text read as `file`. */
export function configErrorOf(yaml: string, file: string, compile: (raw: unknown, file: string, lineOf: LineOf) => unknown): string {
  const y = parseYaml(yaml, file);
  try {
    compile(y.value, y.file, y.lineOf);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('accepted without error');
}
