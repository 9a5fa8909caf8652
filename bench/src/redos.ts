// What a backtracking vendor regex costs, and what refusing it costs instead. Prints:
//   - V8 matching time of ^(a+)+$ on "aaa…!" (n letters) for growing n: the attack, which
//     blocks the exporter's single thread for the whole match;
//   - the same nested quantifier inside a vendor layout, on a line of a few dozen characters;
//   - the time `ussdwatch serve` takes at start-up to analyse and refuse such a pattern.
// Run: node --conditions=source --import tsx bench/src/redos.ts [maxLetters]
import { compileVendorRegex } from '@ussdwatch/exporter/parsers/regex.js';

const maxLetters = Number(process.argv[2] ?? 27);

function timeMatch(re: RegExp, text: string): number {
  const t = performance.now();
  re.test(text);
  return performance.now() - t;
}

console.log('attack ^(a+)+$ on "a" x n + "!" (V8, this machine):');
const attack = /^(a+)+$/;
for (let n = 20; n <= maxLetters; n++) console.log(`  n=${n}: ${timeMatch(attack, 'a'.repeat(n) + '!').toFixed(0)} ms`);

const VENDOR = String.raw`^(?<ts>\S+ \S+) (?<node>\w+) (?<ussd>([*#\d]+)+) (?<status>\w+)$`;
const line = (n: number) => `21/11/2026 13:45:02 gw01 *${'1'.repeat(n)}`;
console.log(`vendor layout ${VENDOR} on a line without status:`);
const vendor = new RegExp(VENDOR);
for (let n = 20; n <= maxLetters; n += 2) console.log(`  ${line(n).length} chars: ${timeMatch(vendor, line(n)).toFixed(0)} ms`);

for (const [what, pattern] of [
  ['refusing the vendor layout', VENDOR],
  ['refusing ^(?<ts>.*) (?<ussd>.*) (?<status>.*)$ (cubic)', String.raw`^(?<ts>.*) (?<ussd>.*) (?<status>.*)$`],
  ['accepting the example.yaml layout', String.raw`^(?<ts>\S+ \S+) (?<node>\w+) (?<msisdn>\d+) (?<ussd>[*#\d]+) (?<status>\w+) (?<app_ms>\d*)$`],
]) {
  const t = performance.now();
  let verdict = 'accepted';
  try {
    compileVendorRegex(pattern);
  } catch {
    verdict = 'refused';
  }
  console.log(`start-up check, ${what}: ${verdict} in ${(performance.now() - t).toFixed(0)} ms`);
}
