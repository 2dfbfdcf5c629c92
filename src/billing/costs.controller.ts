import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Query,
  Req,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import {
  basisSchema,
  CostReport,
  GROUP_BY_DIMENSIONS,
  groupBySchema,
  periodSchema,
} from './cost-query.js';
import { CostsService } from './costs.service.js';
import { AllocationResults } from '../allocation/allocation-results.service.js';
import {
  ALLOCATED_GROUP_BY,
  allocatedCostReport,
  groupableFromAllocation,
} from '../allocation/allocated-costs.js';

const costsQuery = z
  .object({
    period: periodSchema.optional(),
    groupBy: groupBySchema.optional(),
    basis: basisSchema.default('effective'),
  })
  .strict();

@ApiTags('costs')
@ApiBearerAuth()
@Controller('api/costs')
export class CostsController {
  constructor(
    private readonly costs: CostsService,
    private readonly allocation: AllocationResults,
  ) {}

  @Get()
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({
    name: 'period',
    required: false,
    description: 'YYYY-MM; defaults to the latest period with data',
  })
  @ApiQuery({
    name: 'groupBy',
    required: false,
    description: `${GROUP_BY_DIMENSIONS.join(' | ')} | tag:KEY`,
  })
  @ApiQuery({ name: 'basis', required: false, enum: ['effective', 'billed'] })
  @ApiOkResponse({
    description:
      "Totals per billing currency and per group; money as exact decimal strings. A lead gets their teams' allocated cost (view: allocated)",
  })
  async get(@Query() query: unknown, @Req() req: Request): Promise<CostReport> {
    const q = validate(costsQuery, query);
    const period = q.period ?? (await this.costs.latestPeriod());
    if (!period)
      throw new NotFoundException({
        error: 'no_data',
        message: 'no cost data has been imported yet',
      });
    const scope = scopeOf(principalOf(req));
    if (scope.kind === 'all') return this.costs.report(period, q.groupBy ?? null, q.basis);
    // A lead is charged what the allocation assigns their teams, so that is what they see.
    const groupBy = q.groupBy ?? null;
    if (groupBy !== null && !groupableFromAllocation(groupBy))
      throw new BadRequestException({
        error: 'invalid_request',
        field: 'groupBy',
        message: `groupBy: a lead sees allocated cost, which can be grouped by ${ALLOCATED_GROUP_BY.join(', ')}`,
      });
    return allocatedCostReport(await this.allocation.get(period), scope.teams, groupBy, q.basis);
  }
}
