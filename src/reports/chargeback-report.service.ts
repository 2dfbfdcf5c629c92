import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { CostBasisName } from '../allocation/allocation-config.js';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import { AllocationSnapshots } from '../allocation/allocation-snapshots.js';
import { summarize } from '../allocation/allocation-summary.js';
import { UnitCostsService } from '../allocation/unit-costs.service.js';
import type { TeamScope } from '../auth/team-scope.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { ALL_TEAMS } from '../auth/team-scope.js';
import { D } from '../gpu/gpu-cost-split.js';
import { ChargebackInput, ChargebackModel } from './workbook/chargeback-model.js';
import { writeChargebackWorkbook } from './workbook/chargeback-writer.js';
import { ruleSetInWords } from './workbook/rules-in-words.js';

export interface ChargebackRequest {
  period: string;
  basis: CostBasisName;
  scope: TeamScope;
  generatedBy: string;
}

/** The chargeback workbook of a period, from its allocation (a closed period's snapshot). */
@Injectable()
export class ChargebackReportService implements OnModuleInit {
  constructor(
    private readonly results: AllocationResults,
    private readonly snapshots: AllocationSnapshots,
    private readonly unitCosts: UnitCostsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** At month close the workbook (effective basis, all teams) is written to reports/<period>/. */
  onModuleInit(): void {
    this.results.onClose(async (period) => {
      try {
        const request = {
          period,
          basis: 'effective' as const,
          scope: ALL_TEAMS,
          generatedBy: 'period close',
        };
        return [(await this.writeFile(request)).file];
      } catch (err) {
        return [`chargeback workbook not written: ${(err as Error).message}`];
      }
    });
  }

  /** Default file: `reports/<period>/chargeback-<period>.xlsx`. */
  defaultFile(period: string): string {
    return path.join(this.config.reportsDir, period, `chargeback-${period}.xlsx`);
  }

  async input(req: ChargebackRequest): Promise<ChargebackInput> {
    const a = await this.results.get(req.period);
    const before = await this.unitCosts.previousAllocation(req.period);
    const previous = before?.lines.length ? before : null;
    const set = this.config.allocation.ruleSets.find((s) => s.version === a.ruleSet.version);
    const closed = a.closed;
    // A lead sees their teams, not the bill: no reconciliation.
    const accounts =
      req.scope.kind !== 'all'
        ? null
        : closed
          ? closed.sourceAccounts
          : await this.snapshots.sourceAccounts(req.period);
    return {
      period: req.period,
      basis: req.basis,
      currency: a.currency,
      ruleSet: {
        ...a.ruleSet,
        words: set
          ? ruleSetInWords(set)
          : [`Rule set ${a.ruleSet.version} is no longer in ${this.config.allocation.origin}.`],
      },
      closed: closed ? { at: closed.closedAt, by: closed.closedBy } : null,
      generatedAt: new Date(),
      generatedBy: req.generatedBy,
      places: a.places,
      lines: () => a.lines,
      previous: previous ? summarize(previous.lines, req.basis, previous.places) : null,
      unitCosts: await this.unitCosts.compute(
        req.period,
        req.basis,
        req.scope,
        async () => a,
        async () => before,
      ),
      sourceAccounts:
        accounts?.map((s) => ({ ...s, effective: new D(s.effective), billed: new D(s.billed) })) ??
        null,
      freshness: closed ? closed.freshness : await this.snapshots.freshness(req.period),
      scope: req.scope,
    };
  }

  /** Writes the workbook to a file (atomically: a partial file never has the final name). */
  async writeFile(
    req: ChargebackRequest,
    file = this.defaultFile(req.period),
  ): Promise<{ file: string; model: ChargebackModel }> {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const partial = `${file}.partial`;
    try {
      const out = createWriteStream(partial);
      const done = finished(out);
      const model = await writeChargebackWorkbook(await this.input(req), out);
      await done;
      await rename(partial, file);
      return { file, model };
    } catch (err) {
      await rm(partial, { force: true });
      throw err;
    }
  }
}
