import assert from 'node:assert/strict';
import http from 'node:http';
import { after, describe, it } from 'node:test';
import { createHttpApp } from '../../src/http-app.js';
import { testConfig, testLogger } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-db.js';
import { bearer } from '../support/tokens.js';

const app = await createHttpApp(testConfig(await createTestDatabase()), testLogger());
await app.listen(0, '127.0.0.1');
after(() => app.close());
const port = (app.getHttpServer() as http.Server).address() as { port: number };

/** GET /api/recommendations with a bearer token, sent from `from` (any 127.x address is the loopback). */
function call(
  token: string,
  from = '127.0.0.1',
): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: '127.0.0.1',
        port: port.port,
        path: '/api/recommendations',
        localAddress: from,
        agent: false,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            retryAfter: res.headers['retry-after'] as string | undefined,
          }),
        );
      },
    );
    req.on('error', reject);
  });
}
const valid = async (role: 'finance' | 'executive') =>
  (await bearer(app, role)).authorization.slice('Bearer '.length);

describe('authentication failures', () => {
  it('a valid token still gets in from a client that sent many bad ones; the guessing gets 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await call(`fcb_guess${i}`)).status);
    assert.deepEqual(statuses, Array<number>(10).fill(401));
    const limited = await call('fcb_guess10');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.retryAfter) > 0, 'Retry-After in seconds');
    assert.equal((await call(await valid('finance'))).status, 200);
    const still = await call('fcb_guess11');
    assert.equal(still.status, 429, 'brute force from that client goes on being refused');
  });

  it('limits guesses at one token from many clients by the token fingerprint', async () => {
    const target = 'fcb_Target';
    for (let i = 0; i < 10; i++) {
      const r = await call(`${target}${'x'.repeat(33)}${i}`, `127.0.0.${10 + i}`);
      assert.equal(r.status, 401, `guess ${i} from its own client`);
    }
    const fresh = '127.0.0.40';
    const limited = await call(`${target}${'y'.repeat(34)}`, fresh);
    assert.equal(limited.status, 429, 'the fingerprint is limited, whichever client guesses');
    assert.ok(Number(limited.retryAfter) > 0);
    assert.equal((await call('fcb_Other0' + 'z'.repeat(34), fresh)).status, 401);
    assert.equal((await call(await valid('executive'), fresh)).status, 200);
  });
});
