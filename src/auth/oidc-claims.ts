import { Principal, Role, ROLES } from './roles.js';

export interface ClaimMapping {
  /** Claim holding the role: a string or an array of strings (e.g. Entra ID `roles`). */
  roleClaim: string;
  /** Claim holding the teams of a lead: an array of strings or a comma-separated string. */
  teamsClaim: string;
  /** Claims tried in order for the name written to the audit trail. */
  nameClaims: readonly string[];
}

/**
 * Maps verified JWT claims to a principal. Several roles resolve to the most privileged one in
 * ROLES order; no known role means no access (null). Pure: no clock, no I/O.
 */
export function principalFromClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
): Principal | null {
  const raw = claims[mapping.roleClaim];
  const offered = (Array.isArray(raw) ? raw : [raw]).filter(
    (r): r is string => typeof r === 'string',
  );
  const role = ROLES.find((r) => offered.includes(r)) as Role | undefined;
  if (!role) return null;
  const rawTeams = claims[mapping.teamsClaim];
  const teams = (
    Array.isArray(rawTeams) ? rawTeams : typeof rawTeams === 'string' ? rawTeams.split(',') : []
  )
    .filter((t): t is string => typeof t === 'string')
    .map((t) => t.trim())
    .filter(Boolean);
  if (role === 'lead' && teams.length === 0) return null;
  const name = mapping.nameClaims
    .map((c) => claims[c])
    .find((v): v is string => typeof v === 'string' && v !== '');
  return { name: `oidc:${name ?? 'unknown'}`, role, teams: role === 'lead' ? teams : [] };
}
