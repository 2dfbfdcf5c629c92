import { INestApplication } from '@nestjs/common';
import { after } from 'node:test';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../src/config/app-config.js';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from './test-app.js';
import { createTestDatabase } from './test-db.js';
import { bearer } from './tokens.js';

/** The HTTP service on loopback with a private database, and an admin who uploads files to it. */
export async function createUploadApp(overrides: Partial<AppConfig> = {}): Promise<{
  app: INestApplication;
  db: DataSource;
  base: string;
  admin: { authorization: string };
  upload(body: Buffer | string, fields: Record<string, string>, name?: string): Promise<Response>;
}> {
  const url = await createTestDatabase();
  const app = await createHttpApp(testConfig(url, overrides), testLogger());
  await app.listen(0, '127.0.0.1');
  after(() => app.close());
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const admin = await bearer(app, 'admin');
  return {
    app,
    db: app.get(DataSource),
    base,
    admin,
    upload(body, fields, name = 'upload.csv') {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      form.append('file', new Blob([body]), name);
      return fetch(`${base}/api/imports`, { method: 'POST', body: form, headers: admin });
    },
  };
}

/** Polls GET /health until `done` settles; every status seen, so a hang or a 503 shows. */
export async function healthWhile(base: string, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true)).catch(() => undefined);
  const statuses: number[] = [];
  while (!finished || statuses.length === 0) {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(60_000) });
    statuses.push(res.status);
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return statuses;
}
