// A YAML configuration file read with its source positions, and the one shape of its
// errors. Problems are reported once, at start-up, in the form an operator can act on:
// `file:line: key.path: what is wrong; how to fix it`.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';

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

export interface YamlFile {
  file: string;
  value: unknown;
  lineOf: LineOf;
}

/** The top of a file read by readYamlFile or parseYaml, as a Place for the readers of config-values. */
export function topOf(y: YamlFile): Place {
  return { file: y.file, lineOf: y.lineOf, path: [] };
}

/** Reads and parses a YAML file; `fix` ends the message when it cannot be read. */
export function readYamlFile(file: string, fix = 'check the path'): YamlFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, undefined, '(file)', `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; ${fix}`);
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigError(file, line, '(syntax)', `${first.message.split('\n')[0]}; fix the YAML syntax`);
  }
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  const lineOf: LineOf = (path: KeyPath) => {
    let node: unknown = doc.contents;
    let line = lineAt((doc.contents as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
        if (!pair) return line;
        line = lineAt((pair.key as Node).range?.[0]) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        line = lineAt((node as Node).range?.[0]) ?? line;
      } else {
        return line;
      }
    }
    return line;
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const alias = unresolvedAlias(doc);
    if (alias) {
      const written = `*${alias.source}`;
      throw new ConfigError(file, lineAt(alias.range?.[0]), '(syntax)', `${written} is read as a YAML alias (an unquoted value cannot start with *); quote it: "${written}"`);
    }
    throw new ConfigError(file, undefined, '(syntax)', `${(err as Error).message}; fix the YAML`);
  }
  return { file, value, lineOf };
}

/** The first alias without an anchor: nearly always a short code written without quotes. */
function unresolvedAlias(doc: Document): Alias | undefined {
  let found: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      if (node.resolve(doc) !== undefined) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** A setting a running service holds open or has sized: a reload must leave it as it is. */
export interface RestartOnly<C> {
  /** Its key path in the file, dotted: `listen`, `sms.callback_url`. */
  key: string;
  /** What is compared, a primitive or a JSON string. */
  value: (c: C) => unknown;
  /** A credential: its value is never quoted in the message. */
  secret?: boolean;
}

/** Throws the ConfigError of the first restart-only setting `next` changes, at its line in the file. */
export function refuseRestartOnlyChanges<C>(service: string, keys: ReadonlyArray<RestartOnly<C>>, running: C, next: C, top: Place): void {
  for (const { key, value, secret } of keys) {
    const now = value(running);
    if (value(next) === now) continue;
    const at = key.split('.').reduce(child, top);
    const runsWith = secret ? 'it runs with the previous value, not shown' : `it runs with ${JSON.stringify(now)}`;
    fail(at, `cannot change while the ${service} runs (${runsWith}); put that value back to reload the rest, or restart the ${service} to apply it`);
  }
}
