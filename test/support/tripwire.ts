/**
 * Loaded into every test process (`--import`, set by run-tests.ts): an unhandled rejection or an
 * uncaught exception anywhere in a test file fails that file, even when it happens between tests
 * or after the last one, so a request that would crash the service cannot pass unnoticed.
 * Processes a test spawns (the CLI, the service) inherit the flag; only test files arm it.
 */
if (/\.test\.[cm]?js$/.test(process.argv[1] ?? '')) {
  const { after } = await import('node:test');
  const seen: string[] = [];
  const record = (event: string) => (error: unknown) => {
    seen.push(
      `${event}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  };
  process.on('unhandledRejection', record('unhandledRejection'));
  process.on('uncaughtException', record('uncaughtException'));
  after(() => {
    if (seen.length > 0) throw new Error(`the process had ${seen.join('\n')}`);
  });
}
