import { Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { periodSchema } from '../billing/cost-query.js';
import { AllocationResults, CloseResult } from './allocation-results.service.js';
import type { ClosedPeriod } from './allocation-snapshots.js';

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('api/periods')
export class PeriodsController {
  constructor(private readonly results: AllocationResults) {}

  @Get()
  @Allow('admin', 'finance', 'executive')
  @ApiOkResponse({
    description: 'Closed periods: rule-set version, source totals, freshness, who closed them',
  })
  list(): Promise<ClosedPeriod[]> {
    return this.results.closedPeriods();
  }

  @Post(':period/close')
  @Allow('admin', 'finance')
  @HttpCode(201)
  @ApiCreatedResponse({
    description:
      "Freezes the period's allocation; later changes to it appear as adjustments in the next open period. 409 when already closed or not ended",
  })
  close(@Param('period') period: string, @Req() req: Request): Promise<CloseResult> {
    const p = principalOf(req);
    const q = validate(z.object({ period: periodSchema }), { period });
    return this.results.close(q.period, { name: p.name, role: p.role });
  }
}
