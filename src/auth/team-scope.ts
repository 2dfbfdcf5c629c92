import { Principal } from './roles.js';

/** What part of the organisation a caller may see. Leads see their teams only. */
export type TeamScope = { kind: 'all' } | { kind: 'teams'; teams: readonly string[] };

export const ALL_TEAMS: TeamScope = { kind: 'all' };

export function scopeOf(principal: Principal): TeamScope {
  return principal.role === 'lead' ? { kind: 'teams', teams: principal.teams } : ALL_TEAMS;
}

/** The value to bind to costScopeCondition's parameter: the team list, or null for everything. */
export function scopeParam(scope: TeamScope): readonly string[] | null {
  return scope.kind === 'teams' ? scope.teams : null;
}

/**
 * The one SQL condition that limits cost_record rows to a scope; `param` is the placeholder bound
 * to scopeParam(scope). Until allocation rules (issue 6) assign teams, a row belongs to the team
 * named by its `team` tag.
 */
export function costScopeCondition(param: string): string {
  return `(${param}::text[] IS NULL OR (tags ->> 'team') = ANY(${param}::text[]))`;
}
