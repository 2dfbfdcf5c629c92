import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { periodRange, shiftPeriod } from '../billing/billing-period.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { D, Dec } from '../gpu/gpu-cost-split.js';
import { teamPlaces } from './allocation-config.js';
import { AllocationLine, lineTotals } from './allocation-engine.js';
import { AllocationSnapshots, ClosedPeriod } from './allocation-snapshots.js';
import { Allocation, AllocationService } from './allocation.service.js';

/** Closing a period twice, or one that has not ended, or one with nothing in it. */
export class PeriodCloseError extends Error {
  constructor(
    message: string,
    readonly reason: 'already_closed' | 'not_ended' | 'no_data',
  ) {
    super(message);
    this.name = 'PeriodCloseError';
  }
}

export interface CloseResult {
  period: string;
  /** Reports written at close (reports/<period>/…), or why one could not be. */
  reports: string[];
  ruleSetVersion: string;
  closedAt: string;
  closedBy: string;
  lines: number;
  effective: string;
  billed: string;
  /** Of those: restatements of earlier closed periods booked in this one. */
  adjustments: { effective: string; billed: string; lines: number };
}

/** Lines that restate the same thing: everything but the kind, amounts and weights. */
const restatementKey = (l: AllocationLine) =>
  [
    l.team,
    l.product,
    l.environment,
    l.source,
    l.method,
    l.basis,
    l.provider,
    l.billingAccountId,
    l.subAccountId,
    l.serviceName,
  ].join('\u0001');

/**
 * A period's allocation as people see it: a closed period's frozen snapshot, or an open period
 * computed now plus the adjustments that restate the closed periods before it. A change to a
 * closed period (re-imported data, changed rules) is booked as adjustment lines in the first open
 * period after it, never as a silent change to the closed one.
 */
@Injectable()
export class AllocationResults {
  constructor(
    private readonly allocation: AllocationService,
    private readonly snapshots: AllocationSnapshots,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(period: string): Promise<Allocation> {
    const closed = await this.snapshots.closedPeriods();
    const frozen = closed.get(period);
    if (frozen) return this.fromSnapshot(frozen, await this.snapshots.lines(period));
    const a = await this.allocation.compute(period);
    const adjustments: AllocationLine[] = [];
    for (let p = shiftPeriod(period, -1); closed.has(p); p = shiftPeriod(p, -1))
      adjustments.push(...(await this.restatement(p)));
    return adjustments.length ? { ...a, lines: [...a.lines, ...adjustments] } : a;
  }

  /**
   * Freezes the period's allocation (with the adjustments booked in it) and the source
   * freshness it was computed on; audited. Only a period that has ended can close.
   */
  async close(
    period: string,
    actor: { name: string; role?: string | null },
    now = new Date(),
  ): Promise<CloseResult> {
    if (periodRange(period).to > now)
      throw new PeriodCloseError(`billing period ${period} has not ended yet`, 'not_ended');
    if ((await this.snapshots.closedPeriods()).has(period)) throw closedAlready(period);
    const a = await this.get(period);
    if (a.lines.length === 0)
      throw new PeriodCloseError(`billing period ${period} has no cost data to close`, 'no_data');
    const source = {
      freshness: await this.snapshots.freshness(period),
      accounts: await this.snapshots.sourceAccounts(period),
    };
    try {
      await this.dataSource.transaction(async (m) => {
        await this.snapshots.save(m, a, source, actor.name);
        await this.audit.record(
          {
            actor: actor.name,
            actorRole: actor.role ?? null,
            action: 'period.closed',
            target: period,
            after: { ruleSet: a.ruleSet.version, ...totals(a.lines) },
          },
          m,
        );
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') throw closedAlready(period);
      throw err;
    }
    const closed = (await this.snapshots.closedPeriods()).get(period)!;
    const adjustments = a.lines.filter((l) => l.kind === 'adjustment');
    const reports = [];
    for (const hook of this.closeHooks) reports.push(...(await hook(period)));
    return {
      reports,
      period,
      ruleSetVersion: a.ruleSet.version,
      closedAt: closed.closedAt,
      closedBy: closed.closedBy,
      lines: a.lines.length,
      ...totals(a.lines),
      adjustments: { ...totals(adjustments), lines: adjustments.length },
    };
  }

  private readonly closeHooks: ((period: string) => Promise<string[]>)[] = [];

  /**
   * Work to do once a period is closed (the month-end reports); each hook returns the files it
   * wrote and reports its own failures in them rather than undoing the close.
   */
  onClose(hook: (period: string) => Promise<string[]>): void {
    this.closeHooks.push(hook);
  }

  async closedPeriods(): Promise<ClosedPeriod[]> {
    return [...(await this.snapshots.closedPeriods()).values()];
  }

  /** The difference between a closed period as computed today and what was frozen of it. */
  private async restatement(period: string): Promise<AllocationLine[]> {
    const now = await this.allocation.compute(period);
    const diff = new Map<string, { line: AllocationLine; effective: Dec; billed: Dec }>();
    const add = (l: AllocationLine, sign: 1 | -1) => {
      const key = restatementKey(l);
      const d = diff.get(key) ?? { line: l, effective: new D(0), billed: new D(0) };
      d.effective = d.effective.plus(l.effective.times(sign));
      d.billed = d.billed.plus(l.billed.times(sign));
      diff.set(key, d);
    };
    for (const l of now.lines) add(l, 1);
    for (const l of await this.snapshots.frozenFor(period)) add(l, -1);
    return [...diff.values()]
      .filter((d) => !d.effective.isZero() || !d.billed.isZero())
      .map(({ line, effective, billed }) => ({
        ...line,
        kind: 'adjustment',
        weight: null,
        weightTotal: null,
        effective,
        billed,
        lines: 0,
        restates: period,
      }));
  }

  private fromSnapshot(c: ClosedPeriod, lines: AllocationLine[]): Allocation {
    return {
      period: c.period,
      currency: c.currency,
      ruleSet: {
        version: c.ruleSetVersion,
        effectiveFrom: c.ruleSetEffectiveFrom,
        origin: c.ruleSetOrigin,
      },
      lines,
      source: {
        effective: new D(c.source.effective),
        billed: new D(c.source.billed),
        lines: c.source.lines,
      },
      places: teamPlaces(this.config.allocation),
      closed: c,
    };
  }
}

const closedAlready = (period: string) =>
  new PeriodCloseError(
    `billing period ${period} is already closed; later changes appear as adjustments in the next open period`,
    'already_closed',
  );

function totals(lines: readonly AllocationLine[]) {
  const t = lineTotals(lines);
  return { effective: t.effective.toString(), billed: t.billed.toString() };
}
