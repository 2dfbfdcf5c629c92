import { INestApplication } from '@nestjs/common';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { DataSource } from 'typeorm';
import { readAllocationFile } from '../../src/allocation/allocation-config.js';
import { AppConfig, loadSources } from '../../src/config/app-config.js';
import { createHttpApp } from '../../src/http-app.js';
import { SourcesService } from '../../src/sources/sources.service.js';
import { focusCsvPeriods, TestLine } from './focus-lines.js';
import { testConfig, testLogger } from './test-app.js';
import { createTestDatabase } from './test-db.js';
import { bearer } from './tokens.js';

/** A rule set in force from 2024-01 whose one rule takes the team from the `team` tag. */
export const TEAM_TAG_RULE_SET = `ruleSets:
  - version: v1
    effectiveFrom: 2024-01
    rules:
      - name: team tag
        team: { tag: team }
`;

/**
 * The HTTP service on a private database with allocation rules and one focus-file source `bill`
 * holding the given periods' lines; `reimport` replaces the file and imports it again.
 */
export async function createAllocationApp(
  rules: string,
  periods: Record<string, readonly TestLine[]>,
  overrides: Partial<AppConfig> = {},
) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'finops-alloc-app-'));
  const bill = path.join(dir, 'bill.csv');
  writeFileSync(bill, focusCsvPeriods(periods));
  writeFileSync(path.join(dir, 'allocation.yaml'), rules);
  writeFileSync(
    path.join(dir, 'sources.yaml'),
    `sources:\n  - name: bill\n    kind: focus-file\n    path: ${bill}\n`,
  );
  const url = await createTestDatabase();
  const app: INestApplication = await createHttpApp(
    testConfig(url, {
      sources: loadSources(dir),
      allocation: readAllocationFile(path.join(dir, 'allocation.yaml')),
      uploadMaxBytes: 1024 * 1024,
      reportsDir: path.join(dir, 'reports'),
      ...overrides,
    }),
    testLogger(),
  );
  await app.listen(0, '127.0.0.1');
  after(() => app.close());
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const sources = app.get(SourcesService);
  await sources.run('bill', { trigger: 'cli' });
  const admin = await bearer(app, 'admin');
  const call = async <T = Record<string, unknown>>(
    route: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${base}${route}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.headers ?? admin),
        ...(init.body !== undefined && !(init.body instanceof FormData)
          ? { 'content-type': 'application/json' }
          : {}),
      },
      body:
        init.body === undefined
          ? undefined
          : init.body instanceof FormData
            ? init.body
            : JSON.stringify(init.body),
    });
    const type = res.headers.get('content-type') ?? '';
    const body: unknown = type.includes('json') ? await res.json() : await res.arrayBuffer();
    return { status: res.status, body: body as T, res };
  };
  return {
    app,
    base,
    dir,
    db: app.get(DataSource),
    admin,
    call,
    async reimport(next: Record<string, readonly TestLine[]>) {
      writeFileSync(bill, focusCsvPeriods(next));
      await sources.run('bill', { trigger: 'cli' });
    },
  };
}
