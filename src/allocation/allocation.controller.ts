import { Controller, ForbiddenException, Get, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { periodSchema } from '../billing/cost-query.js';
import { COST_BASES } from './allocation-config.js';
import {
  AllocationExplanation,
  allocationReport,
  AllocationReport,
  explain,
} from './allocation-views.js';
import { AllocationResults } from './allocation-results.service.js';

const reportQuery = z
  .object({ period: periodSchema, basis: z.enum(COST_BASES).default('effective') })
  .strict();
const explainQuery = z.object({ period: periodSchema, team: z.string().min(1) }).strict();

@ApiTags('allocation')
@ApiBearerAuth()
@Controller('api/allocation')
export class AllocationController {
  constructor(private readonly results: AllocationResults) {}

  @Get()
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({ name: 'period', required: true, description: 'YYYY-MM' })
  @ApiQuery({ name: 'basis', required: false, enum: COST_BASES })
  @ApiOkResponse({
    description:
      'Per team (with cost center and business unit) direct, shared and total cost in cents, Unallocated last; the rule-set version used; the source totals they reconcile to',
  })
  async report(@Query() query: unknown, @Req() req: Request): Promise<AllocationReport> {
    const q = validate(reportQuery, query);
    const a = await this.results.get(q.period);
    return allocationReport(a, q.basis, scopeOf(principalOf(req)));
  }

  @Get('explain')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiQuery({ name: 'period', required: true, description: 'YYYY-MM' })
  @ApiQuery({ name: 'team', required: true })
  @ApiOkResponse({
    description:
      "A team's lineage: the cost lines its rules matched (by rule, account, service) and each share of each pool, with method, basis and weight; exact amounts",
  })
  async explain(@Query() query: unknown, @Req() req: Request): Promise<AllocationExplanation> {
    const q = validate(explainQuery, query);
    const principal = principalOf(req);
    if (principal.role === 'lead' && !principal.teams.includes(q.team)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `team "${q.team}" is not one of yours`,
      });
    }
    return explain(await this.results.get(q.period), q.team);
  }
}
