// Reads a YAML file keeping the source positions, so that every later validation error
// can name the line of the offending key.
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, visit, type Alias, type Document, type Node } from 'yaml';
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
