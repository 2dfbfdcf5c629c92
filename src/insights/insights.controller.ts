import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { ANOMALY_STATUSES, InsightsService } from './insights.service.js';

const listQuery = z
  .object({
    status: z.enum(ANOMALY_STATUSES).optional(),
    team: z.string().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(200),
  })
  .strict();
const patchBody = z
  .object({ status: z.enum(ANOMALY_STATUSES), note: z.string().max(2000).optional() })
  .strict();
const idParam = z.object({ id: z.coerce.number().int().positive() });

@ApiTags('insights')
@ApiBearerAuth()
@Controller('api')
export class InsightsController {
  constructor(private readonly insights: InsightsService) {}

  @Get('anomalies')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiOkResponse({ description: 'Cost anomalies, newest first; leads see their teams only' })
  anomalies(@Query() query: unknown, @Req() req: Request) {
    return this.insights.list(validate(listQuery, query), scopeOf(principalOf(req)));
  }

  @Patch('anomalies/:id')
  @Allow('admin', 'finance', 'lead')
  @ApiOkResponse({
    description: '{status: open | acknowledged | expected | resolved, note}; audited',
  })
  decide(@Param() params: unknown, @Body() body: unknown, @Req() req: Request) {
    const principal = principalOf(req);
    return this.insights.decide(
      validate(idParam, params).id,
      validate(patchBody, body),
      principal,
      scopeOf(principal),
    );
  }

  @Post('anomalies/detect')
  @Allow('admin', 'service')
  @HttpCode(201)
  @ApiOkResponse({ description: 'Runs anomaly detection over the last 112 days now' })
  detect(@Req() req: Request) {
    return this.insights.detect({ actor: principalOf(req).name });
  }

  @Get('forecast')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiOkResponse({
    description:
      'Month-end and next three months per team (and the organisation, except for leads)',
  })
  forecast(@Req() req: Request) {
    return this.insights.forecast(scopeOf(principalOf(req)));
  }
}
