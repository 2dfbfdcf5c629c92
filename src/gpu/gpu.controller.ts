import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { periodSchema } from '../billing/cost-query.js';
import { GPU_GROUP_BY } from './efficiency-rollup.js';
import { GpuEfficiencyReport, GpuEfficiencyService } from './gpu-efficiency.service.js';

const efficiencyQuery = z
  .object({ period: periodSchema, groupBy: z.enum(GPU_GROUP_BY).optional() })
  .strict();

@ApiTags('gpu')
@ApiBearerAuth()
@Controller('api/gpu')
export class GpuController {
  constructor(private readonly efficiency: GpuEfficiencyService) {}

  @Get('efficiency')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({ name: 'period', required: true, description: 'YYYY-MM' })
  @ApiQuery({ name: 'groupBy', required: false, enum: GPU_GROUP_BY })
  @ApiOkResponse({
    description:
      'GPU-hours, effective cost, used and idle cost, utilization and cost per used GPU-hour per group; money as decimal strings',
  })
  get(@Query() query: unknown, @Req() req: Request): Promise<GpuEfficiencyReport> {
    const q = validate(efficiencyQuery, query);
    return this.efficiency.report(q.period, q.groupBy ?? null, scopeOf(principalOf(req)));
  }
}
