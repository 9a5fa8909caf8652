// A service's command line from its TypeScript sources, as its bin/ script runs it from
// dist/: `node --conditions=source --import tsx run-service.ts exporter|notifier|simulator|harness|reports ARGS`.
const [name, ...args] = process.argv.slice(2);
process.argv.splice(2, 1);
if (name === 'exporter') {
  const { main } = await import('../../exporter/src/cli/main.js');
  process.exitCode = await main(['serve', ...args]);
} else if (name === 'simulator') {
  const { run } = await import('../../simulator/src/cli.js');
  process.exitCode = await run(args);
} else if (name === 'harness') {
  const { main } = await import('../../grafana-app/harness/server.js');
  process.exitCode = await main(args);
} else if (name === 'reports') {
  const { main } = await import('../../reports/src/cli.js');
  process.exitCode = await main(args);
} else if (name === 'notifier') {
  // main.ts runs itself on import, reading process.argv (the service name is taken out above).
  await import('../../notifier/src/main.js');
} else {
  process.stderr.write(`run-service: unknown service ${name}; use exporter, notifier, simulator, harness or reports\n`);
  process.exitCode = 2;
}
