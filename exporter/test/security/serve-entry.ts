// `ussdwatch serve` as bin/ussdwatch.js runs it, from the TypeScript sources: the security
// tests start the real exporter as a process without a build step.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
