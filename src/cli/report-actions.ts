import type { CostBasisName } from '../allocation/allocation-config.js';
import { ALL_TEAMS } from '../auth/team-scope.js';
import { ChargebackReportService } from '../reports/chargeback-report.service.js';
import {
  ExecutiveFormat,
  ExecutiveReportService,
} from '../reports/executive/executive-report.service.js';
import { CLI_ACTOR, withApp } from './with-app.js';

export async function chargebackReport(opts: {
  period: string;
  out?: string;
  basis: CostBasisName;
}): Promise<void> {
  const started = Date.now();
  const { file, model } = await withApp((app) =>
    app
      .get(ChargebackReportService)
      .writeFile(
        { period: opts.period, basis: opts.basis, scope: ALL_TEAMS, generatedBy: CLI_ACTOR.name },
        opts.out,
      ),
  );
  process.stdout.write(
    `wrote ${file}: ${model.summary.teams.length} teams, ${model.detailRows} detail rows, total ${model.summary.total} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}

export async function executiveReport(opts: {
  period: string;
  format: ExecutiveFormat;
  out?: string;
}): Promise<void> {
  const { file, report } = await withApp((app) =>
    app.get(ExecutiveReportService).writeFile(opts.period, opts.format, opts.out),
  );
  process.stdout.write(
    `wrote ${file}: total ${report.headline.effective.current} ${report.currency ?? ''}, ${report.teams.length} teams, ${report.anomalies.length} anomalies\n`,
  );
}
