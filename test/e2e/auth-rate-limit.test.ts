import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const app = await createHttpApp(testConfig(await createTestDatabase()), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');

describe('authentication failures', () => {
  it('answer repeated bad tokens from one client with 429 and Retry-After, even a valid one then', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await fetch(`${base}/api/costs`, { headers: { authorization: `Bearer fcb_guess${i}` } }))
          .status,
      );
    }
    assert.deepEqual(statuses, Array<number>(10).fill(401));
    const blocked = await fetch(`${base}/api/costs`, { headers: await bearer(app, 'finance') });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  });
});
