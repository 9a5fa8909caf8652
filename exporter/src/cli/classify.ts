// `ussdwatch classify`: the batch face of the classifier (classification.md). Streams:
// input is read in chunks and split into lines, output is written in large chunks and waits for
// the consumer, so memory stays flat whatever the input size.
import { once } from 'node:events';
import { parseOptions, reportUsageError, UsageError } from '@ussdwatch/common/cli.js';
import { ConfigError } from '@ussdwatch/common/config-file.js';
import type { Classifier } from '../core/classifier.js';
import { MALFORMED_REASONS, type Classification, type LineParser } from '../core/types.js';
import { forEachLines, InputError, LOG_INPUT_HELP, LOG_INPUT_OPTIONS, openLogInput, type LogInput } from './log-input.js';

const USAGE = `usage: ussdwatch classify [--catalogue FILE] [options] [LOGFILE...]

Classifies USSD gateway log lines (standard input when no LOGFILE is named, and for a
LOGFILE written -) and writes one JSON object per input line, in order, to standard output:
  {"line":1,"class":"ok","cause":"ok","short_code":"*710#","near_code":null}
"line" counts from 1 across the files, blank lines included. A line that does not parse
has class "malformed" and the reason as cause:
  ${MALFORMED_REASONS.join(', ')}.

options:
${LOG_INPUT_HELP}
  --explain             add "reason", the human explanation of each class
  -h, --help            show this help

exit status: 0 done, 2 bad usage, unreadable file or invalid catalogue/status map.`;

const FLUSH_AT = 256 * 1024;
const OUTPUT_CHUNK = 1 << 20;

export async function run(argv: string[]): Promise<number> {
  let setup: ReturnType<typeof prepare>;
  try {
    setup = prepare(argv);
  } catch (err) {
    if (err instanceof UsageError) return reportUsageError('ussdwatch classify', USAGE, err);
    if (!(err instanceof ConfigError || err instanceof InputError)) throw err;
    process.stderr.write(`ussdwatch classify: ${err.message}\n`);
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

const OPTIONS = { ...LOG_INPUT_OPTIONS, explain: { type: 'boolean', default: false } } as const;

function prepare(argv: string[]) {
  const parsed = parseOptions({ program: 'ussdwatch classify', usage: USAGE, options: OPTIONS, positionals: true }, argv);
  if (parsed === 'help') return parsed;
  const { values: o, positionals: files } = parsed;
  const { parser, classifier, inputs } = openLogInput(o, files);
  return { inputs, classifyLine: formatter(parser, classifier, o.explain) };
}

/**
 * What follows `{"line":N` in the output for one input line.
 * Without --explain it depends only on the classification or the malformed reason, so its
 * bytes are built once per distinct value and shared by every such line.
 */
type Tail = Uint8Array | string;

function formatter(parser: LineParser, classifier: Classifier, explain: boolean): (line: string) => Tail {
  const malformed = new Map(MALFORMED_REASONS.map((r) => [r, Buffer.from(`,"class":"malformed","cause":"${r}","short_code":null,"near_code":null}\n`)]));
  const textOf = (c: Classification) =>
    `,"class":"${c.cls}","cause":"${c.cause}","short_code":${JSON.stringify(c.shortCode)},"near_code":${JSON.stringify(c.nearCode)}}\n`;
  // By classifyIndex: the tail's bytes, built when first needed.
  const tails: Array<Uint8Array | undefined> = [];
  return (line) => {
    const r = parser.parse(line);
    if (typeof r === 'string') return malformed.get(r)!;
    const i = classifier.classifyIndex(r);
    if (explain) {
      // The reason goes last: the tail without its closing `}\n`, then the field.
      const c = classifier.classification(i);
      return `${textOf(c).slice(0, -2)},"reason":${JSON.stringify(classifier.explain(r, c))}}\n`;
    }
    let t = tails[i];
    if (t === undefined) tails[i] = t = Buffer.from(textOf(classifier.classification(i)));
    return t;
  };
}

const LINE_PREFIX = '{"line":';
const ZERO = 48;
const NINE = 57;

/**
 * Numbers the output lines and writes them into a large buffer, handed to the stream whole
 * when full (the stream keeps it, so a fresh one follows); waits for the consumer when it
 * falls behind. Per line, two copies of bytes: `{"line":N`, counted up in place, and the tail.
 */
class BufferedOutput {
  private buf = Buffer.allocUnsafe(OUTPUT_CHUNK);
  private pos = 0;
  /** The number of the next line, and `{"line":` followed by it in decimal. */
  private count = 1;
  private head = Buffer.from(`${LINE_PREFIX}1`);
  private behind = false;
  private error: Error | undefined;
  private readonly onError = (err: Error) => (this.error = err);

  constructor(private readonly out: NodeJS.WritableStream) {
    out.on('error', this.onError);
  }

  line(tail: Tail): void {
    if (typeof tail === 'string') {
      this.text(`${LINE_PREFIX}${this.count}${tail}`);
    } else {
      const head = this.head;
      if (this.pos + head.length + tail.length > this.buf.length) this.handOff();
      this.buf.set(head, this.pos);
      this.buf.set(tail, this.pos + head.length);
      this.pos += head.length + tail.length;
    }
    this.countUp();
  }

  /** Hands over what is gathered once it is worth a write, and waits while the consumer is behind. */
  async flush(min = 0): Promise<void> {
    if (this.error) throw this.error;
    if (this.pos > 0 && this.pos >= min) this.handOff();
    if (!this.behind) return;
    this.behind = false;
    await once(this.out, 'drain');
  }

  detach(): void {
    this.out.off('error', this.onError);
  }

  private text(s: string): void {
    const most = 3 * s.length; // UTF-8 bytes of a JS string, at most
    if (this.pos + most > this.buf.length) this.handOff();
    if (most > this.buf.length) this.send(s);
    else this.pos += this.buf.write(s, this.pos);
  }

  private handOff(): void {
    if (this.pos === 0) return;
    this.send(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(OUTPUT_CHUNK);
    this.pos = 0;
  }

  private send(data: Uint8Array | string): void {
    if (!this.out.write(data)) this.behind = true;
  }

  private countUp(): void {
    this.count++;
    const head = this.head;
    let i = head.length - 1;
    while (head[i] === NINE) head[i--] = ZERO;
    // All nines (the scan reached the prefix): the number gains a digit.
    if (i < LINE_PREFIX.length) this.head = Buffer.from(`${LINE_PREFIX}${this.count}`);
    else head[i]++;
  }
}

async function classifyStreams(inputs: LogInput['inputs'], classifyLine: (line: string) => Tail): Promise<void> {
  const out = new BufferedOutput(process.stdout);
  try {
    await forEachLines(inputs, async (lines) => {
      for (let i = 0; i < lines.length; i++) out.line(classifyLine(lines[i]));
      await out.flush(FLUSH_AT);
    });
    await out.flush();
  } finally {
    out.detach();
  }
}
