import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import { periodSchema } from '../billing/cost-query.js';
import { SourceRunResult, SourcesService, SourceStatus } from './sources.service.js';

const runBody = z.object({ period: periodSchema.optional() }).strict();

@ApiTags('sources')
@ApiBearerAuth()
@Controller('api/sources')
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  /** Each configured source: schedule, next run, last run and data freshness. */
  @Get()
  @Allow('admin', 'finance', 'service')
  list(): Promise<SourceStatus[]> {
    return this.sources.status();
  }

  /** Runs one source now (optionally one period), returning what was imported. */
  @Post(':name/import')
  @HttpCode(201)
  @Allow('admin', 'service')
  run(
    @Param('name') name: string,
    @Body() body: unknown,
    @Req() req: Request,
  ): Promise<SourceRunResult[]> {
    const { period } = validate(runBody, body ?? {});
    return this.sources.run(name, { trigger: 'api', actor: principalOf(req), period });
  }
}
