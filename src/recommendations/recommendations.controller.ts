import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { scopeOf } from '../auth/team-scope.js';
import { listQuerySchema, patchSchema, RecommendationView } from './recommendation-view.js';
import { RecommendationsService, RecommendRunResult } from './recommendations.service.js';

const idSchema = z.object({ id: z.coerce.number().int().positive() });

@ApiTags('recommendations')
@ApiBearerAuth()
@Controller('api/recommendations')
export class RecommendationsController {
  constructor(private readonly recommendations: RecommendationsService) {}

  @Get()
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiOkResponse({
    description:
      'Recommendations by monthly saving (filters team, kind, status; resolved ones only when asked for). Leads see their teams only',
  })
  list(@Query() query: unknown, @Req() req: Request) {
    const q = validate(listQuerySchema, query);
    return this.recommendations.list(q, scopeOf(principalOf(req)));
  }

  @Get(':id')
  @Allow('admin', 'finance', 'executive', 'lead')
  @ApiOkResponse({
    description: 'One recommendation with its evidence, options and history fields',
  })
  get(@Param() params: unknown, @Req() req: Request): Promise<RecommendationView> {
    return this.recommendations.get(validate(idSchema, params).id, scopeOf(principalOf(req)));
  }

  @Patch(':id')
  @Allow('admin', 'lead')
  @ApiOkResponse({
    description:
      'A decision: {status: accepted | implemented | dismissed | snoozed | open, reason (to dismiss), note, until (to snooze), implementedAt}; audited',
  })
  decide(@Param() params: unknown, @Body() body: unknown, @Req() req: Request) {
    const principal = principalOf(req);
    return this.recommendations.decide(
      validate(idSchema, params).id,
      validate(patchSchema, body),
      principal,
      scopeOf(principal),
    );
  }

  @Post('run')
  @Allow('admin', 'service')
  @HttpCode(201)
  @ApiOkResponse({ description: 'Runs the recommenders now; the counts of what changed' })
  run(@Req() req: Request): Promise<RecommendRunResult> {
    return this.recommendations.run({ actor: principalOf(req).name });
  }
}
