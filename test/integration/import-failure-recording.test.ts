import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { FocusFileImportService } from '../../src/ingestion/focus-file/focus-file-import.service.js';
import { ImportValidationError } from '../../src/ingestion/import-errors.js';
import { ImportRunsService } from '../../src/ingestion/import-runs.service.js';
import { focusCsv } from '../support/focus-lines.js';
import { createTestContext } from '../support/test-app.js';

const { app, db } = await createTestContext();
const importer = app.get(FocusFileImportService);
const runs = app.get(ImportRunsService);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'failure-recording-'));

function badFile(name: string, billed: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, focusCsv([{ billed, effective: '1' }], '2024-05'));
  return file;
}

async function lastRun(source: string) {
  const [run] = await runs.list(1, source);
  return run!;
}

describe('recording a failed import', () => {
  it('closes the run as failed with its problems when the bad value holds NUL bytes', async () => {
    const file = badFile('nul.csv', '1\u00002');
    await assert.rejects(
      importer.importFile({ path: file, source: 'nul-bytes', trigger: 'cli' }),
      ImportValidationError,
    );
    const run = await lastRun('nul-bytes');
    assert.equal(run.status, 'failed');
    assert.ok(run.finishedAt);
    assert.equal(run.problems.length, 1);
    assert.equal(run.problems[0]!.column, 'BilledCost');
    // The value is refused for its NUL byte, and the recorded reason holds none.
    assert.match(run.problems[0]!.reason, /NUL byte/);
    assert.ok(!JSON.stringify(run).includes('\\u0000'));
  });

  it('still closes the run as failed when the database refuses the full record', async () => {
    await db.query(`
      CREATE FUNCTION refuse_problem_lists() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF jsonb_array_length(NEW.problems) > 0 THEN RAISE EXCEPTION 'refused by test'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_problem_lists BEFORE UPDATE ON import_run
        FOR EACH ROW EXECUTE FUNCTION refuse_problem_lists();`);
    try {
      const file = badFile('refused.csv', 'abc');
      await assert.rejects(
        importer.importFile({ path: file, source: 'refused', trigger: 'cli' }),
        ImportValidationError, // the import's own error, not the recording's
      );
      const run = await lastRun('refused');
      assert.equal(run.status, 'failed');
      assert.ok(run.finishedAt);
      assert.equal(run.error, 'failed; details are in the service log');
    } finally {
      await db.query(`DROP TRIGGER refuse_problem_lists ON import_run;
                      DROP FUNCTION refuse_problem_lists();`);
    }
  });
});
