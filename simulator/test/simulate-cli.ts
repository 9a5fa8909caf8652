// Runs the simulator's command line from the TypeScript sources, so tests spawn the real
// program without a build step: node --conditions=source --import tsx test/simulate-cli.ts ...
import { run } from '../src/cli.js';

process.exitCode = await run(process.argv.slice(2));
