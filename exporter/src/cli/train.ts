// `ussdwatch train`: learns the second opinion (docs/learn.md) from gateway logs classified
// by the rules, exactly as `classify` would classify them, and prints how often it agrees
// with the rules on dialogs held out of training.
import { parseOptions, reportUsageError, UsageError } from '@ussdwatch/common/cli.js';
import { ConfigError } from '@ussdwatch/common/config-file.js';
import { formatEvaluation } from '../learn/evaluate.js';
import { HistorySample } from '../learn/history.js';
import { writeModelFile } from '../learn/model-file.js';
import { DEFAULT_FOREST, trainModel } from '../learn/train.js';
import { forEachLines, InputError, LOG_INPUT_HELP, LOG_INPUT_OPTIONS, openLogInput } from './log-input.js';

const USAGE = `usage: ussdwatch train --out MODEL [options] [LOGFILE...]

Learns, from gateway logs (standard input when no LOGFILE is named), a model that predicts
a dialog's class and cause from its fields, taking the rules' classification (what
\`ussdwatch classify\` gives) as the truth. \`serve\` asks it only about dialogs the status map
leaves unclassified (config key learn.model). A share of the dialogs is held out of
training; the model's agreement with the rules on them is printed, by class and cause.

options:
  --out FILE            where to write the model (JSON)
${LOG_INPUT_HELP}
  --per-outcome N       training dialogs kept per class/cause, a random sample (default: 20000)
  --held-out SHARE      share of dialogs held out to measure accuracy (default: 0.2)
  --held-out-max N      held-out dialogs kept, a random sample (default: 200000)
  --trees N             trees in the forest (default: ${DEFAULT_FOREST.trees})
  --max-depth N         deepest split (default: ${DEFAULT_FOREST.maxDepth})
  --seed N              random seed: same logs and seed, same model (default: ${DEFAULT_FOREST.seed})
  -h, --help            show this help

exit status: 0 written, 1 nothing to learn from, 2 bad usage, unreadable file or invalid
catalogue/status map.`;

const OPTIONS = {
  ...LOG_INPUT_OPTIONS,
  out: { type: 'string' },
  'per-outcome': { type: 'string', default: '20000' },
  'held-out': { type: 'string', default: '0.2' },
  'held-out-max': { type: 'string', default: '200000' },
  trees: { type: 'string', default: String(DEFAULT_FOREST.trees) },
  'max-depth': { type: 'string', default: String(DEFAULT_FOREST.maxDepth) },
  seed: { type: 'string', default: String(DEFAULT_FOREST.seed) },
} as const;

function count(name: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${name} must be an integer from ${min} to ${max}; got "${text}"`);
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const fail = (err: unknown): number => {
    if (err instanceof UsageError) return reportUsageError('ussdwatch train', USAGE, err);
    if (!(err instanceof ConfigError || err instanceof InputError)) throw err;
    process.stderr.write(`ussdwatch train: ${err.message}\n`);
    return 2;
  };
  let parsed;
  let setup;
  try {
    parsed = parseOptions({ program: 'ussdwatch train', usage: USAGE, options: OPTIONS, positionals: true }, argv);
    if (parsed === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const o = parsed.values;
    if (o.out === undefined) throw new UsageError('--out FILE is required: where to write the model');
    const heldOut = Number(o['held-out']);
    if (!(heldOut >= 0 && heldOut < 1)) throw new UsageError(`--held-out must be a share from 0 to below 1; got "${o['held-out']}"`);
    setup = {
      out: o.out,
      input: openLogInput(o, parsed.positionals),
      sample: { perOutcome: count('per-outcome', o['per-outcome'], 1, 1_000_000), heldOutShare: heldOut, heldOutMax: count('held-out-max', o['held-out-max'], 0, 5_000_000) },
      forest: {
        ...DEFAULT_FOREST,
        trees: count('trees', o.trees, 1, 500),
        maxDepth: count('max-depth', o['max-depth'], 1, 64),
        seed: count('seed', o.seed, 0, 2 ** 31 - 1),
      },
    };
  } catch (err) {
    return fail(err);
  }
  const { input, forest } = setup;
  const started = performance.now();
  const sample = new HistorySample(input.catalogue, { ...setup.sample, seed: forest.seed, utcOffsetMinutes: input.utcOffsetMinutes });
  let lines = 0;
  let malformed = 0;
  try {
    await forEachLines(input.inputs, (batch) => {
      lines += batch.length;
      for (let i = 0; i < batch.length; i++) {
        const d = input.parser.parse(batch[i]);
        if (typeof d === 'string') malformed++;
        else sample.add(d, input.classifier.classify(d));
      }
    });
  } catch (err) {
    process.stderr.write(`ussdwatch train: ${(err as Error).message}\n`);
    return 1;
  }
  const read = performance.now();
  let model;
  try {
    model = trainModel(sample, forest);
  } catch (err) {
    process.stderr.write(`ussdwatch train: ${(err as Error).message}\n`);
    return 1;
  }
  writeModelFile(setup.out, model);
  const total = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage();
  const t = model.training;
  process.stdout.write(
    [
      `read ${lines} lines (${malformed} malformed, ${t.unclassified} unclassified, not learned from) in ${((read - started) / 1000).toFixed(2)} s`,
      `trained ${t.trees} trees on ${t.train_rows} dialogs (up to ${setup.sample.perOutcome} per class/cause) in ${t.fit_seconds.toFixed(2)} s; scored in ${t.evaluate_seconds.toFixed(2)} s; ${total.toFixed(2)} s in all (CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`,
      model.evaluation ? formatEvaluation(model.evaluation) : 'nothing held out: no accuracy measured (--held-out 0)',
      `model written to ${setup.out}`,
      '',
    ].join('\n'),
  );
  return 0;
}
