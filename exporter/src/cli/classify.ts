// `ussdwatch classify`: the batch face of the classifier (classification.md). Streams:
// input is read in chunks and split here, output is written in large chunks and waits for
// the consumer, so memory stays flat whatever the input size.
import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import { ConfigError } from '../config/errors.js';
import { loadCatalogueFile, loadStatusMapFile } from '../config/files.js';
import type { LineFormat } from '../config/types.js';
import { parseUtcOffset } from '../config/validate.js';
import { Classifier } from '../core/classifier.js';
import { defaultStatusMap } from '../core/status-map.js';
import { MALFORMED_REASONS, type Classification, type LineParser } from '../core/types.js';
import { createLineParser } from '../parsers/index.js';
import { LineSplitter } from '../parsers/line-splitter.js';

const USAGE = `usage: ussdwatch classify --catalogue FILE [options] [LOGFILE...]

Classifies USSD gateway log lines (standard input when no LOGFILE is named, and for a
LOGFILE written -) and writes one JSON object per input line, in order, to standard output:
  {"line":1,"class":"ok","cause":"ok","short_code":"*710#","near_code":null}
"line" counts from 1 across the files, blank lines included. A line that does not parse
has class "malformed" and the reason as cause:
  ${MALFORMED_REASONS.join(', ')}.

options:
  --catalogue FILE      short-code catalogue YAML (required)
  --format FORMAT       ussd-cdr | ussd-json | auto | regex (default: auto, a line
                        starting with { is JSON)
  --status-map FILE     status map YAML changing the default table
  --utc-offset OFFSET   offset of timestamps written without one (default: +01:00)
  --regex PATTERN       format regex: pattern with named groups ts, ussd, status, ...
  --time-format FMT     format regex: iso (default), epoch_s, epoch_ms or e.g. dd/MM/yyyy HH:mm:ss
  --explain             add "reason", the human explanation of each class
  -h, --help            show this help

exit status: 0 done, 2 bad usage, unreadable file or invalid catalogue/status map.`;

const FORMATS: readonly LineFormat[] = ['ussd-cdr', 'ussd-json', 'auto', 'regex'];
const FLUSH_AT = 256 * 1024;
/** The file name that means standard input, as in cat and grep. */
const STDIN = '-';

class UsageError extends Error {}
class InputError extends Error {}

export async function run(argv: string[]): Promise<number> {
  let setup: ReturnType<typeof prepare>;
  try {
    setup = prepare(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ussdwatch classify: ${err.message}\n\n${USAGE}\n`);
    } else if (err instanceof ConfigError || err instanceof InputError) {
      process.stderr.write(`ussdwatch classify: ${err.message}\n`);
    } else {
      throw err;
    }
    return 2;
  }
  if (setup === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  try {
    await classifyStreams(setup.inputs, setup.classifyLine);
  } catch (err) {
    // The reader went away (`| head`): what it wanted is written, nothing to report.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    process.stderr.write(`ussdwatch classify: ${(err as Error).message}\n`);
    return 1;
  }
  return 0;
}

function prepare(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        catalogue: { type: 'string' },
        format: { type: 'string', default: 'auto' },
        'status-map': { type: 'string' },
        'utc-offset': { type: 'string', default: '+01:00' },
        regex: { type: 'string' },
        'time-format': { type: 'string' },
        explain: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values: o, positionals: files } = parsed;
  if (o.help) return 'help' as const;
  if (o.catalogue === undefined) throw new UsageError('--catalogue FILE is required');
  const format = o.format as LineFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${o.format}"`);
  if (format === 'regex' && o.regex === undefined) throw new UsageError('--format regex needs --regex PATTERN');
  const utcOffsetMinutes = parseUtcOffset(o['utc-offset']);
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
  const catalogue = loadCatalogueFile(o.catalogue);
  const statusMap = o['status-map'] === undefined ? defaultStatusMap() : loadStatusMapFile(o['status-map']);
  const classifier = new Classifier(catalogue, statusMap);
  let parser;
  try {
    parser = createLineParser({ format, regex: o.regex, timeFormat: o['time-format'], utcOffsetMinutes });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }

  const classifyLine = formatter(parser, classifier, o.explain);
  const inputs = (files.length === 0 ? [STDIN] : files).map(
    (f) => (): Readable => (f === STDIN ? process.stdin : createReadStream(f, { highWaterMark: 1 << 20 })),
  );
  return { inputs, classifyLine };
}

/**
 * For one input line (null: dropped as over-long), the JSON text that follows `{"line":N`.
 * That text depends only on the classification or the malformed reason, so it is built
 * once per distinct value, not per line.
 */
function formatter(parser: LineParser, classifier: Classifier, explain: boolean): (line: string | null) => string {
  const malformed = new Map(MALFORMED_REASONS.map((r) => [r, `,"class":"malformed","cause":"${r}","short_code":null,"near_code":null}\n`]));
  const tails = new Map<Classification, string>();
  const tailOf = (c: Classification) => {
    let t = tails.get(c);
    if (t === undefined) tails.set(c, (t = `,"class":"${c.cls}","cause":"${c.cause}","short_code":${JSON.stringify(c.shortCode)},"near_code":${JSON.stringify(c.nearCode)}}\n`));
    return t;
  };
  return (line) => {
    const r = line === null ? 'too_long' : parser.parse(line);
    if (typeof r === 'string') return malformed.get(r)!;
    const c = classifier.classify(r);
    // The reason goes last: the tail without its closing `}\n`, then the field.
    return explain ? `${tailOf(c).slice(0, -2)},"reason":${JSON.stringify(classifier.explain(r, c))}}\n` : tailOf(c);
  };
}

/** Gathers output into large writes and waits for the consumer whenever it falls behind. */
class BufferedOutput {
  private pending = '';
  private error: Error | undefined;
  private readonly onError = (err: Error) => (this.error = err);

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  add(text: string): void {
    this.pending += text;
  }

  async flush(min = 0): Promise<void> {
    if (this.error) throw this.error;
    if (this.pending.length === 0 || this.pending.length < min) return;
    const ok = this.out.write(this.pending);
    this.pending = '';
    if (!ok) await once(this.out, 'drain');
  }

  detach(): void {
    this.out.off('error', this.onError);
  }
}

async function classifyStreams(inputs: Array<() => Readable>, classifyLine: (line: string | null) => string): Promise<void> {
  const out = new BufferedOutput(process.stdout);
  let n = 0;
  const onLine = (line: string | null) => out.add(`{"line":${++n}${classifyLine(line)}`);
  const splitter = new LineSplitter();
  try {
    for (const open of inputs) {
      const input = open();
      input.setEncoding('utf8');
      for await (const chunk of input) {
        splitter.push(chunk as string, onLine);
        await out.flush(FLUSH_AT);
      }
      splitter.end(onLine);
    }
    await out.flush();
  } finally {
    out.detach();
  }
}
