import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

/** Every command's path (`token create`), depth first, in registration order. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length ? commandPaths(c, path) : [path];
  });
}

describe('finops commands', () => {
  it('are all registered, each with its own --help', () => {
    const program = buildProgram();
    const paths = commandPaths(program);
    assert.deepEqual(paths.map((p) => p.join(' ')).sort(), [
      'allocate',
      'anomalies',
      'close',
      'costs',
      'db migrate',
      'forecast',
      'gpu',
      'import',
      'import-file',
      'imports',
      'metrics import',
      'prices refresh',
      'recommend',
      'report chargeback',
      'report executive',
      'token create',
      'token list',
      'token revoke',
      'unit-costs',
    ]);
    for (const p of paths) {
      const cmd = p.reduce<Command>(
        (c, name) => c.commands.find((x) => x.name() === name)!,
        program,
      );
      assert.match(
        cmd.helpInformation(),
        new RegExp(`^Usage: finops ${p.join(' ')} `),
        p.join(' '),
      );
      assert.ok(cmd.description().length > 10, `${p.join(' ')} is described`);
    }
  });
});
