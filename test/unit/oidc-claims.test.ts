import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClaimMapping, principalFromClaims } from '../../src/auth/oidc-claims.js';

const mapping: ClaimMapping = {
  roleClaim: 'roles',
  teamsClaim: 'teams',
  nameClaims: ['email', 'sub'],
};

describe('OIDC claim mapping', () => {
  it('maps a role claim, string or array, to the most privileged known role', () => {
    assert.deepEqual(principalFromClaims({ sub: 'u1', roles: 'finance' }, mapping), {
      name: 'oidc:u1',
      role: 'finance',
      teams: [],
    });
    assert.equal(
      principalFromClaims({ sub: 'u1', roles: ['lead', 'admin', 'x'], teams: ['a'] }, mapping)
        ?.role,
      'admin',
    );
  });
  it('gives a lead the teams of the teams claim, as an array or comma-separated', () => {
    assert.deepEqual(
      principalFromClaims({ email: 'l@x', roles: ['lead'], teams: 'ml, web' }, mapping),
      {
        name: 'oidc:l@x',
        role: 'lead',
        teams: ['ml', 'web'],
      },
    );
  });
  it('refuses tokens with no known role, or a lead without teams', () => {
    assert.equal(principalFromClaims({ sub: 'u', roles: ['viewer'] }, mapping), null);
    assert.equal(principalFromClaims({ sub: 'u' }, mapping), null);
    assert.equal(principalFromClaims({ sub: 'u', roles: 'lead' }, mapping), null);
  });
});
