// Runs the command line from the TypeScript sources, as bin/ussdwatch.js runs it from dist/.
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
