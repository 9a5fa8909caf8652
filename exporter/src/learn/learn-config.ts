// The `learn:` section of the exporter config: which model gives the second opinion on
// unclassified dialogs, and how sure it must be to count and to propose a status-map line.
//   learn:
//     model: ./second-opinion.json   # written by `ussdwatch train --out`
//     min_confidence: 0.6            # guesses below are not counted, nor proposed
//     propose_after: 20              # confident dialogs of one status before it is proposed
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { child, fail, type Place } from '@ussdwatch/common/config-file.js';
import { readMapping, readNumber, readString } from '@ussdwatch/common/config-values.js';
import { loadModelFile, type Model } from './model-file.js';

export interface LearnConfig {
  modelFile: string;
  model: Model;
  minConfidence: number;
  proposeAfter: number;
}

export const DEFAULT_MIN_CONFIDENCE = 0.6;
export const DEFAULT_PROPOSE_AFTER = 20;

export function readLearnConfig(raw: unknown, at: Place, baseDir: string): LearnConfig {
  const m = readMapping(raw, at, ['model', 'min_confidence', 'propose_after'], ['model']);
  const modelFile = resolve(baseDir, readString(m.model, child(at, 'model')));
  if (!existsSync(modelFile)) {
    fail(child(at, 'model'), `model file ${modelFile} does not exist; write it with \`ussdwatch train --out ${modelFile} LOGFILE...\` or fix the path (relative paths start from the config file's folder)`);
  }
  return {
    modelFile,
    model: loadModelFile(modelFile),
    minConfidence: m.min_confidence === undefined ? DEFAULT_MIN_CONFIDENCE : readNumber(m.min_confidence, child(at, 'min_confidence'), { min: 0, max: 1 }),
    proposeAfter: m.propose_after === undefined ? DEFAULT_PROPOSE_AFTER : readNumber(m.propose_after, child(at, 'propose_after'), { min: 1, max: 1_000_000, integer: true }),
  };
}
