import { buildProgram } from './cli/program.js';

/** `finops`: see src/cli/program.ts. */
buildProgram()
  .parseAsync(process.argv)
  .catch(async (err: unknown) => {
    const { errorMessage } = await import('./cli/error-message.js');
    process.stderr.write(`finops: error: ${errorMessage(err)}\n`);
    process.exitCode = 1;
  });
