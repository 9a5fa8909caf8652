// What `classify` and `train` share: the options that say how to read and classify gateway
// logs (catalogue, status map, format, time zone), their checks, and the streaming read of
// the files (or standard input) in batches of lines.
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { UsageError } from '@ussdwatch/common/cli.js';
import { parseUtcOffset } from '@ussdwatch/common/config-values.js';
import { BUNDLED_CATALOGUE, loadCatalogueFile, loadStatusMapFile } from '../config/files.js';
import { defaultStatusMap } from '../config/status-map-file.js';
import type { LineFormat } from '../config/types.js';
import type { Catalogue } from '../core/catalogue.js';
import { Classifier } from '../core/classifier.js';
import type { LineParser } from '../core/types.js';
import { createLineParser } from '../parsers/index.js';
import { MAX_LINE_BYTES } from '../parsers/line.js';
import { LineSplitter } from '../tailer/line-splitter.js';

export const LOG_INPUT_OPTIONS = {
  catalogue: { type: 'string' },
  format: { type: 'string', default: 'auto' },
  'status-map': { type: 'string' },
  'utc-offset': { type: 'string', default: '+01:00' },
  regex: { type: 'string' },
  'time-format': { type: 'string' },
} as const;

export const LOG_INPUT_HELP = `  --catalogue FILE      short-code catalogue YAML (default: the bundled Djezzy catalogue,
                        ${BUNDLED_CATALOGUE})
  --format FORMAT       ussd-cdr | ussd-json | auto | regex (default: auto, a line
                        starting with { is JSON)
  --status-map FILE     status map YAML changing the default table
  --utc-offset OFFSET   offset of timestamps written without one (default: +01:00)
  --regex PATTERN       format regex: pattern with named groups ts, ussd, status, ...
  --time-format FMT     format regex: iso (default), epoch_s, epoch_ms or e.g. dd/MM/yyyy HH:mm:ss`;

const FORMATS: readonly LineFormat[] = ['ussd-cdr', 'ussd-json', 'auto', 'regex'];
/** The file name that means standard input, as in cat and grep. */
const STDIN = '-';

/** A log file that cannot be read: exit status 2, like a bad catalogue. */
export class InputError extends Error {}

export interface LogInput {
  catalogue: Catalogue;
  classifier: Classifier;
  parser: LineParser;
  utcOffsetMinutes: number;
  /** Each file (or standard input), opened when its turn comes. */
  inputs: Array<() => Readable>;
}

type LogInputValues = { [K in keyof typeof LOG_INPUT_OPTIONS]: string | undefined };

/** Checks the options and files; throws UsageError, InputError or ConfigError. */
export function openLogInput(o: LogInputValues, files: string[]): LogInput {
  const format = (o.format ?? 'auto') as LineFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${o.format}"`);
  if (format === 'regex' && o.regex === undefined) throw new UsageError('--format regex needs --regex PATTERN');
  const utcOffsetMinutes = parseUtcOffset(o['utc-offset'] ?? '+01:00');
  if (utcOffsetMinutes === null) throw new UsageError(`--utc-offset must look like +01:00 or Z; got "${o['utc-offset']}"`);
  for (const f of files) {
    if (f === STDIN) continue;
    try {
      accessSync(f, constants.R_OK);
      if (statSync(f).isDirectory()) throw new InputError(`${f} is a directory, not a log file`);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(`cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const catalogue = loadCatalogueFile(o.catalogue ?? BUNDLED_CATALOGUE);
  const statusMap = o['status-map'] === undefined ? defaultStatusMap() : loadStatusMapFile(o['status-map']);
  let parser;
  try {
    parser = createLineParser({ format, regex: o.regex, timeFormat: o['time-format'], utcOffsetMinutes });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const inputs = (files.length === 0 ? [STDIN] : files).map(
    (f) => (): Readable => (f === STDIN ? process.stdin : createReadStream(f, { highWaterMark: 1 << 20 })),
  );
  return { catalogue, classifier: new Classifier(catalogue, statusMap), parser, utcOffsetMinutes, inputs };
}

/**
 * Reads the inputs in order and hands over their lines in batches (the array is reused:
 * copy what you keep). The tailer's splitter: lines are found on the bytes and decoded one
 * by one, which gives the parser flat strings (faster to scan than slices of a decoded
 * chunk), and a line over 64 KiB is held only up to the limit, so a file without newlines
 * cannot exhaust memory.
 */
export async function forEachLines(inputs: Array<() => Readable>, onLines: (lines: string[]) => void | Promise<void>): Promise<void> {
  const lines: string[] = [];
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const hand = async () => {
    await onLines(lines);
    lines.length = 0;
  };
  for (const open of inputs) {
    for await (const chunk of open()) {
      splitter.push(chunk as Buffer, lines);
      await hand();
    }
    splitter.flush(lines);
    await hand();
  }
}
