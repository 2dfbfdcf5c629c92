import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Liveness and readiness: 200 when the database answers, 503 when it does not. */
  @Get()
  @Public()
  async health(@Res() res: Response): Promise<void> {
    const started = Date.now();
    try {
      await this.dataSource.query('SELECT 1');
      res
        .status(200)
        .json({ status: 'ok', database: { status: 'up', latencyMs: Date.now() - started } });
    } catch (err) {
      res.status(503).json({
        status: 'unavailable',
        database: { status: 'down', reason: (err as Error).message },
      });
    }
  }
}
