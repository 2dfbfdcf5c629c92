/**
 * admin: configuration, tokens, period close. finance: all costs and reports. lead: only their
 * teams. executive: organisation-wide summaries, read-only. service: machine-to-machine imports.
 */
export const ROLES = ['admin', 'finance', 'lead', 'executive', 'service'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: from an API token (or, later, an OIDC identity). */
export interface Principal {
  /** Token name or identity subject, as written to the audit trail. */
  name: string;
  role: Role;
  /** Teams a lead may see; empty for other roles. */
  teams: string[];
}

/** Parses `90d`, `12h`, `30m` or `1y` into milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)([mhdy])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, y: 365 * 86_400_000 }[
    m[2] as 'm' | 'h' | 'd' | 'y'
  ];
  return Number(m[1]) * unit;
}
