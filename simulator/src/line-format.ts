// How each gateway node writes a dialog: ussd-cdr (ISO timestamps with offset, or the
// space form without one) or ussd-json (log-formats.md), and how a corrupted line looks.
// Lines are built by concatenation from cached pieces: this is the simulator's hot path.
import type { MalformedReason } from '@ussdwatch/exporter/core/types.js';
import { TimestampFormatter } from './algiers-time.js';
import type { SimDialog } from './dialog-generator.js';

export const NODE_FORMATS = ['cdr', 'cdr-local', 'json'] as const;
export type NodeFormat = (typeof NODE_FORMATS)[number];

export interface LineRenderer {
  /** The log line, without its newline. */
  render(d: SimDialog): string;
  /** A corrupted line and the reason the parser must give for it. */
  corrupt(line: string, corruption: number): { line: string; reason: MalformedReason };
}

// What lands in a log when something else writes to it: a compressed file, a memory
// dump, a terminal escape. Each holds a NUL or control byte, so it is `binary`.
const GARBAGE = ['PK\u0003\u0004\u0014\u0000\u0008\u0000', '\u0000\u0000\u0000\u0000\u0000\u0000', '\u001b[2J\u001b[Hgw restart', '\u0007\u0000\u00ff\u00fe\u0001'];
const GARBAGE_SHARE = 0.25;

export function createRenderer(node: string, format: NodeFormat): LineRenderer {
  const clock = new TimestampFormatter();
  const json = format === 'json';
  const cdrNode = '|' + node + '|';
  const jsonNode = '","node":"' + node + '","session":"';
  const cdrTs = format === 'cdr-local' ? (t: number) => clock.space(t) : (t: number) => clock.iso(t);
  return {
    render: json
      ? (d) =>
          '{"ts":"' + clock.iso(d.t) + jsonNode + d.session + '","msisdn":"' + d.msisdn + '","ussd":"' + d.ussd +
          '","type":"' + d.type + '","menu":"' + d.menu + '","status":"' + d.status + '","map_error":' + d.mapError +
          ',"steps":' + d.steps + ',"app_ms":' + d.appMs + ',"dialog_ms":' + d.dialogMs + '}'
      : (d) =>
          cdrTs(d.t) + cdrNode + d.session + '|' + d.msisdn + '|' + d.ussd + '|' + d.type + '|' + d.menu + '|' + d.status +
          '|' + (d.mapError ?? '') + '|' + d.steps + '|' + (d.appMs ?? '') + '|' + d.dialogMs,
    corrupt(line, corruption) {
      if (corruption < GARBAGE_SHARE) return { line: GARBAGE[Math.floor((corruption / GARBAGE_SHARE) * GARBAGE.length)], reason: 'binary' };
      // A write cut short (disk full, a killed writer): the line stops before its last field.
      const x = (corruption - GARBAGE_SHARE) / (1 - GARBAGE_SHARE);
      const end = json ? line.length - 1 : line.lastIndexOf('|');
      return { line: line.slice(0, Math.max(1, Math.floor(end * (0.3 + 0.7 * x)))), reason: json ? 'bad_json' : 'field_count' };
    },
  };
}
