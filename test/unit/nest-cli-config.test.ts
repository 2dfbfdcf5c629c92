import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI } from '../support/fixtures.js';

const root = path.dirname(path.dirname(CLI));
const json = (file: string) => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as unknown;

interface NestCli {
  sourceRoot: string;
  entryFile: string;
  compilerOptions: { builder: string; tsConfigPath: string };
}

describe('nest-cli.json', () => {
  it('builds with our tsconfig and starts the file npm start runs', () => {
    const nest = json('nest-cli.json') as NestCli;
    assert.equal(nest.compilerOptions.builder, 'tsc');
    assert.ok(existsSync(path.join(root, nest.sourceRoot, `${nest.entryFile}.ts`)));
    const ts = json(nest.compilerOptions.tsConfigPath) as { compilerOptions: { outDir: string } };
    // `nest start` runs <outDir>/<sourceRoot>/<entryFile>.js when it exists (tsconfig's rootDir is
    // the repository, so src/ keeps its folder under dist/).
    const started = path.join(ts.compilerOptions.outDir, nest.sourceRoot, `${nest.entryFile}.js`);
    const pkg = json('package.json') as { scripts: { start: string } };
    assert.equal(pkg.scripts.start, `node ${started}`);
    assert.ok(existsSync(path.join(root, started)), `${started} is built`);
  });
});
