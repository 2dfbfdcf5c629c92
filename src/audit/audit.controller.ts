import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { Allow } from '../auth/access.decorators.js';
import { AuditEventView, AuditService } from './audit.service.js';

const auditQuery = z
  .object({
    action: z.string().optional(),
    actor: z.string().optional(),
    since: z.coerce
      .date()
      .min(new Date('2000-01-01T00:00:00Z'), 'must be an ISO date/time from 2000 on')
      .max(new Date('9999-12-31T00:00:00Z'), 'must be an ISO date/time before 9999-12-31')
      .optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  })
  .strict();

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Allow('admin')
  @ApiQuery({ name: 'action', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'since', required: false, description: 'ISO date/time' })
  @ApiQuery({ name: 'limit', required: false })
  list(@Query() query: unknown): Promise<AuditEventView[]> {
    return this.audit.list(validate(auditQuery, query));
  }
}
