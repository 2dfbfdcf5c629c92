import { Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { Allow } from '../auth/access.decorators.js';
import { principalOf } from '../auth/auth.guard.js';
import type { Request } from 'express';
import { z } from 'zod';
import { validate } from '../api/validate.js';
import { APP_CONFIG, AppConfig } from '../config/app-config.js';
import { FocusFileImportService, ImportSummary } from './focus-file/focus-file-import.service.js';
import { ImportRunsService, ImportRunView } from './import-runs.service.js';
import { receiveUpload } from './upload-receiver.js';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(50),
    source: z.string().optional(),
  })
  .strict();

const uploadFields = z
  .object({
    source: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'lower-case letters, digits, ".", "_" or "-"')
      .default('focus-file'),
    maxRejects: z.coerce.number().int().min(0).default(0),
  })
  .strict();

@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/imports')
export class ImportsController {
  constructor(
    private readonly runs: ImportRunsService,
    private readonly importer: FocusFileImportService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Allow('admin', 'finance', 'service')
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'source', required: false })
  @ApiOkResponse({ description: 'Import runs, newest first, with status, counts and problems' })
  list(@Query() query: unknown): Promise<ImportRunView[]> {
    const q = validate(listQuery, query);
    return this.runs.list(q.limit, q.source);
  }

  @Post()
  @Allow('admin', 'service')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: {
        file: { type: 'string', format: 'binary', description: 'FOCUS .csv, .csv.gz or .parquet' },
        source: { type: 'string', default: 'focus-file' },
        maxRejects: { type: 'integer', default: 0 },
      },
    },
  })
  async upload(@Req() req: Request): Promise<ImportSummary> {
    const upload = await receiveUpload(req, this.config.uploadMaxBytes);
    try {
      const fields = validate(uploadFields, upload.fields);
      return await this.importer.importFile({
        path: upload.path,
        displayName: upload.fileName,
        source: fields.source,
        maxRejects: fields.maxRejects,
        trigger: 'api',
        actor: principalOf(req),
      });
    } finally {
      await upload.dispose();
    }
  }
}
