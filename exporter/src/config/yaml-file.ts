// Reads a YAML file keeping the source positions, so that every later validation error
// can name the line of the offending key.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { ConfigError, type KeyPath, type LineOf } from './errors.js';

export interface YamlFile {
  file: string;
  value: unknown;
  lineOf: LineOf;
}

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
  return { file, value: doc.toJS({ maxAliasCount: 100 }) as unknown, lineOf };
}
