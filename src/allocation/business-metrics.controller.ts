import { Body, Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { periodSchema } from '../billing/cost-query.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { receiveUpload } from '../ingestion/upload-receiver.js';
import { COST_BASES } from './allocation-config.js';
import { metricsFromCsv, metricsFromJson, productOwners } from './business-metric-input.js';
import { BusinessMetricsService, StoreResult } from './business-metrics.service.js';
import { metricInScope, UnitCost } from './unit-costs.js';
import { UnitCostsService } from './unit-costs.service.js';

const listQuery = z.object({ period: periodSchema, metric: z.string().optional() }).strict();
const unitQuery = z
  .object({ period: periodSchema, basis: z.enum(COST_BASES).default('effective') })
  .strict();

export interface MetricView {
  metric: string;
  team: string | null;
  product: string | null;
  value: string;
  unit: string | null;
  granularity: 'month' | 'day';
  days: number | null;
}

@ApiTags('business metrics')
@ApiBearerAuth()
@Controller('api')
export class BusinessMetricsController {
  constructor(
    private readonly metrics: BusinessMetricsService,
    private readonly unitCosts: UnitCostsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('business-metrics')
  @Allow('admin', 'finance', 'service')
  @HttpCode(201)
  @ApiBody({
    description:
      '`{ "metrics": [{ "metric": "requests", "period": "2026-10" | "date": "2026-10-03", "team": "search" | "product": "web-search", "value": "1250000", "unit": "request" }] }`; a value for the same metric, day, team and product replaces the old one; all or nothing',
  })
  @ApiCreatedResponse({ description: 'How many values were stored, for which metrics and periods' })
  async post(@Body() body: unknown, @Req() req: Request): Promise<StoreResult> {
    const values = metricsFromJson(body, this.config.allocation);
    const p = principalOf(req);
    return this.metrics.store(values, 'api', { name: p.name, role: p.role });
  }

  @Post('business-metrics/upload')
  @Allow('admin', 'finance', 'service')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: {
          type: 'string',
          format: 'binary',
          description: 'CSV with columns metric, period or date, team and/or product, value, unit',
        },
      },
    },
  })
  @ApiCreatedResponse({ description: 'How many values were stored; errors name file:line: field' })
  async upload(@Req() req: Request): Promise<StoreResult> {
    const upload = await receiveUpload(req, this.config.uploadMaxBytes);
    try {
      const values = metricsFromCsv(upload.path, upload.fileName, this.config.allocation);
      const p = principalOf(req);
      return await this.metrics.store(values, `upload:${upload.fileName}`, {
        name: p.name,
        role: p.role,
      });
    } finally {
      await upload.dispose();
    }
  }

  @Get('business-metrics')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({ name: 'period', required: true, description: 'YYYY-MM' })
  @ApiQuery({ name: 'metric', required: false })
  @ApiOkResponse({ description: "Each metric's figure per team or product in the period" })
  async list(@Query() query: unknown, @Req() req: Request): Promise<MetricView[]> {
    const q = validate(listQuery, query);
    const scope = scopeOf(principalOf(req));
    const owners = productOwners(this.config.allocation);
    return (await this.metrics.forPeriod(q.period, q.metric))
      .filter((m) => metricInScope(m, owners, scope))
      .map((m) => ({ ...m, value: m.value.toFixed() }));
  }

  @Get('unit-costs')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({ name: 'period', required: true, description: 'YYYY-MM' })
  @ApiQuery({ name: 'basis', required: false, enum: COST_BASES })
  @ApiOkResponse({
    description:
      'Allocated cost per unit of each business metric, per team or product, with the previous period and the change in percent',
  })
  async unit(@Query() query: unknown, @Req() req: Request): Promise<UnitCost[]> {
    const q = validate(unitQuery, query);
    return this.unitCosts.forPeriod(q.period, q.basis, scopeOf(principalOf(req)));
  }
}
