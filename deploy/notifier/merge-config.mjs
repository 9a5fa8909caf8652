// node merge-config.mjs BASE OVERLAY OUT
// Writes BASE with OVERLAY merged over it (mappings key by key, other values replaced) to
// OUT. OUT must sit at the same depth as BASE relative to the files BASE names by relative
// path (the compose file arranges that), so those paths keep working unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

const isMapping = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(base, over) {
  if (!isMapping(base) || !isMapping(over)) return over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

const [baseFile, overlayFile, outFile] = process.argv.slice(2);
if (!outFile) {
  process.stderr.write('usage: node merge-config.mjs BASE OVERLAY OUT\n');
  process.exit(2);
}
const read = (f) => parse(readFileSync(f, 'utf8'));
writeFileSync(outFile, `# Generated from ${baseFile} and ${overlayFile}; edit those.\n${stringify(merge(read(baseFile), read(overlayFile)))}`);
