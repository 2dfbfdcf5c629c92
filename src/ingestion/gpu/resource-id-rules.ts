import type { LabelOptions } from './gpu-series.js';

/** A usage source's rule: a host matching `host` (a regular expression) is `resourceId`. */
export interface ResourceIdRule {
  /** Regular expression on the host name as reported, e.g. `^gpu-(\d+)\.corp$`. */
  host: string;
  /** The FOCUS ResourceId (or its last path segments); `$1`… insert the host's groups. */
  resourceId: string;
}

/**
 * Maps host names to provider resource ids by the first matching rule, for machines whose names
 * do not carry the id (EKS `ip-…` nodes, on-premises names). Each host is resolved once.
 */
export class HostResourceIds {
  private readonly rules: { pattern: RegExp; resourceId: string }[];
  private readonly known = new Map<string, string | null>();

  constructor(rules: readonly ResourceIdRule[]) {
    this.rules = rules.map((r) => ({ pattern: new RegExp(r.host), resourceId: r.resourceId }));
  }

  of(host: string): string | null {
    let id = this.known.get(host);
    if (id === undefined) {
      id = null;
      for (const rule of this.rules) {
        const m = rule.pattern.exec(host);
        if (!m) continue;
        id = rule.resourceId.replace(/\$(\d+)/g, (_, n: string) => m[Number(n)] ?? '');
        break;
      }
      this.known.set(host, id);
    }
    return id;
  }
}

/** How a usage source's series labels are read: its team labels and resource id label/rules. */
export function labelOptions(config: {
  teamLabels?: readonly string[];
  resourceIdLabel?: string;
  resourceIdRules: readonly ResourceIdRule[];
}): LabelOptions {
  return {
    teamLabels: config.teamLabels ?? [],
    resourceIdLabel: config.resourceIdLabel,
    hostResourceIds: new HostResourceIds(config.resourceIdRules),
  };
}
