// Runs the ussdwatch command line from the TypeScript sources, so tests spawn the real
// program without a build step: node --import tsx test/simulator/ussdwatch-cli.ts simulate ...
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
