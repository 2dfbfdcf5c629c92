import { Controller, Get, NotFoundException, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { COST_BASES } from '../allocation/allocation-config.js';
import { periodSchema } from '../billing/cost-query.js';
import { AuditService } from '../audit/audit.service.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { ChargebackReportService } from './chargeback-report.service.js';
import { executiveHtml } from './executive/executive-html.js';
import { writeExecutivePdf } from './executive/executive-pdf.js';
import { ExecutiveReportService } from './executive/executive-report.service.js';
import { writeChargebackWorkbook } from './workbook/chargeback-writer.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const query = z.object({ basis: z.enum(COST_BASES).default('effective') }).strict();

/**
 * `YYYY-MM.<ext>` for one of the report's formats, or a 404 that says what to ask for; a month
 * outside the plausible periods (0000-01) is a 400 naming the period, like the query routes.
 */
function reportFile<F extends string>(
  file: string,
  formats: readonly F[],
): { period: string; format: F } {
  const m = /^(\d{4}-(?:0[1-9]|1[0-2]))\.([a-z]+)$/.exec(file);
  if (!m || !formats.includes(m[2] as F))
    throw new NotFoundException({
      error: 'not_found',
      message: `no report "${file}"; ask for ${formats.map((f) => `YYYY-MM.${f}`).join(' or ')}`,
    });
  const { period } = validate(z.object({ period: periodSchema }), { period: m[1] });
  return { period, format: m[2] as F };
}

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(
    private readonly chargeback: ChargebackReportService,
    private readonly executive: ExecutiveReportService,
    private readonly audit: AuditService,
  ) {}

  @Get('executive/:file')
  @Allow('admin', 'finance', 'executive')
  @ApiProduces('text/html', 'application/pdf')
  @ApiOkResponse({
    description:
      'The monthly executive report of period P as `P.html` (self-contained, inline SVG charts) or `P.pdf`: headline numbers and the 12-month trend first, then teams, movers, unit costs, GPU, savings, anomalies and data freshness',
  })
  async executiveReport(
    @Param('file') file: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { period, format } = reportFile(file, ['html', 'pdf'] as const);
    const report = await this.executive.build(period);
    const principal = principalOf(req);
    await this.audit.record({
      actor: principal.name,
      actorRole: principal.role,
      action: 'report.downloaded',
      target: `executive/${file}`,
    });
    if (format === 'html') {
      res.type('html').send(executiveHtml(report));
      return;
    }
    res.type('application/pdf');
    res.setHeader('content-disposition', `attachment; filename="executive-${period}.pdf"`);
    await writeExecutivePdf(report, res);
  }

  @Get('chargeback/:file')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiProduces(XLSX)
  @ApiQuery({ name: 'basis', required: false, enum: COST_BASES })
  @ApiOkResponse({
    description:
      'The chargeback workbook of period P, requested as `P.xlsx`: Summary, Team x Service, Detail, Shared costs, Unit economics, Reconciliation (not for leads), Methodology. Leads get their teams only',
  })
  async workbook(
    @Param('file') file: string,
    @Query() q: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const { period } = reportFile(file, ['xlsx'] as const);
    const { basis } = validate(query, q);
    const principal = principalOf(req);
    const input = await this.chargeback.input({
      period,
      basis,
      scope: scopeOf(principal),
      generatedBy: principal.name,
    });
    await this.audit.record({
      actor: principal.name,
      actorRole: principal.role,
      action: 'report.downloaded',
      target: `chargeback/${period}.xlsx`,
      after: { basis },
    });
    res.setHeader('content-type', XLSX);
    res.setHeader('content-disposition', `attachment; filename="chargeback-${period}.xlsx"`);
    res.setHeader('cache-control', 'no-store');
    await writeChargebackWorkbook(input, res);
  }
}
