import { Injectable } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ApiToken } from './api-token.entity.js';
import { Principal, Role } from './roles.js';
import { VerifiedCredential } from './verified-credential.js';
import { generateTokenSecret, hashTokenSecret, tokenDisplayPrefix } from './token-secret.js';

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  teams: string[];
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateTokenInput {
  name: string;
  role: Role;
  teams?: string[];
  expiresAt?: Date | null;
}

/** last_used_at is written at most this often per token, so reads do not become writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

const view = (t: ApiToken): TokenView => ({
  id: t.id,
  name: t.name,
  role: t.role,
  teams: t.teams,
  prefix: t.tokenPrefix,
  createdAt: t.createdAt.toISOString(),
  expiresAt: t.expiresAt?.toISOString() ?? null,
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

@Injectable()
export class TokensService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Creates a token and returns its secret; the secret is never retrievable again. */
  async create(
    input: CreateTokenInput,
    actor: Principal,
    secret = generateTokenSecret(),
  ): Promise<{ token: TokenView; secret: string }> {
    if (input.role !== 'lead' && input.teams?.length)
      throw new Error('only a lead token has teams');
    if (input.role === 'lead' && !input.teams?.length)
      throw new Error('a lead token needs --teams');
    return this.dataSource.transaction(async (m) => {
      const saved = await m.save(ApiToken, {
        name: input.name,
        role: input.role,
        teams: input.teams ?? [],
        tokenHash: hashTokenSecret(secret),
        tokenPrefix: tokenDisplayPrefix(secret),
        expiresAt: input.expiresAt ?? null,
      });
      const token = view(await m.findOneByOrFail(ApiToken, { id: saved.id }));
      await this.audit.record(
        {
          actor: actor.name,
          actorRole: actor.role,
          action: 'token.created',
          target: `token:${token.id}`,
          after: {
            name: token.name,
            role: token.role,
            teams: token.teams,
            expiresAt: token.expiresAt,
          },
        },
        m,
      );
      return { token, secret };
    });
  }

  async list(): Promise<TokenView[]> {
    return (await this.dataSource.getRepository(ApiToken).find({ order: { id: 'ASC' } })).map(view);
  }

  /** Revokes by id or name; returns false when no active token matched. */
  async revoke(idOrName: string, actor: Principal): Promise<boolean> {
    return this.dataSource.transaction(async (m) => {
      const where = /^\d+$/.test(idOrName)
        ? { id: Number(idOrName), revokedAt: IsNull() }
        : { name: idOrName, revokedAt: IsNull() };
      const tokens = await m.findBy(ApiToken, where);
      if (tokens.length === 0) return false;
      for (const t of tokens) {
        await m.update(ApiToken, { id: t.id }, { revokedAt: new Date() });
        await this.audit.record(
          {
            actor: actor.name,
            actorRole: actor.role,
            action: 'token.revoked',
            target: `token:${t.id}`,
            before: { name: t.name, role: t.role },
          },
          m,
        );
      }
      return true;
    });
  }

  /** The token a presented secret is, or null when unknown, revoked or expired. */
  async verify(secret: string, now = new Date()): Promise<VerifiedCredential | null> {
    const repo = this.dataSource.getRepository(ApiToken);
    const token = await repo.findOneBy({ tokenHash: hashTokenSecret(secret) });
    if (!token || token.revokedAt || (token.expiresAt && token.expiresAt <= now)) return null;
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await repo.update({ id: token.id }, { lastUsedAt: now });
    }
    return {
      principal: { name: token.name, role: token.role, teams: token.teams },
      tokenId: token.id,
      expiresAt: token.expiresAt,
    };
  }

  /** True when at least one admin token can still be used. */
  async hasActiveAdmin(now = new Date()): Promise<boolean> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM api_token
        WHERE role = 'admin' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $1)`,
      [now],
    )) as { n: number }[];
    return row!.n > 0;
  }
}
