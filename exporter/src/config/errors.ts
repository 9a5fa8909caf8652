// Configuration problems are reported once, at start-up, in the form an operator can act
// on: `file:line: key.path: what is wrong and how to fix it`.

/** A key path into a YAML document: map keys and sequence indexes. */
export type KeyPath = ReadonlyArray<string | number>;

/** Finds the line of a key path in the document it came from (undefined when unknown). */
export type LineOf = (path: KeyPath) => number | undefined;

export const NO_LINES: LineOf = () => undefined;

/** `sources[1].format`; the empty path is the document itself. */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly keyPath: string,
    readonly problem: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${keyPath}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Where a value sits: enough to raise a ConfigError naming file, line and key. */
export interface Place {
  readonly file: string;
  readonly lineOf: LineOf;
  readonly path: KeyPath;
}

export function fail(at: Place, problem: string): never {
  throw new ConfigError(at.file, at.lineOf(at.path), formatKeyPath(at.path), problem);
}

export function child(at: Place, seg: string | number): Place {
  return { file: at.file, lineOf: at.lineOf, path: [...at.path, seg] };
}
