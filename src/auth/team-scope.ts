import { Principal } from './roles.js';

/** What part of the organisation a caller may see. Leads see their teams only. */
export type TeamScope = { kind: 'all' } | { kind: 'teams'; teams: readonly string[] };

export const ALL_TEAMS: TeamScope = { kind: 'all' };

export function scopeOf(principal: Principal): TeamScope {
  return principal.role === 'lead' ? { kind: 'teams', teams: principal.teams } : ALL_TEAMS;
}
