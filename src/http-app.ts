import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { securityHeaders } from './api/security-headers.js';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';
import { PinoNestLogger } from './logging/logger.js';
import { requestContext } from './logging/request-context.js';
import { MetricsService } from './metrics/metrics.service.js';

/** Builds the HTTP application (used by main.ts and by the end-to-end tests). */
export async function createHttpApp(config: AppConfig, logger: Logger): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: true,
  });
  app.enableShutdownHooks();
  app.disable('x-powered-by');
  app.use(securityHeaders);
  const metrics = app.get(MetricsService);
  metrics.enableProcessMetrics();
  app.use(requestContext(logger, metrics));
  const openApi = new DocumentBuilder()
    .setTitle('finops-chargeback')
    .setDescription(
      'Cloud and GPU cost data normalized to FOCUS. Money is returned as exact decimal strings.',
    )
    .setVersion('0.1.0')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'API token (finops token create)',
    })
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  return app;
}

/** Accepts connections on HOST:PORT: 127.0.0.1 unless HOST says otherwise (main.ts, tests). */
export async function listen(app: INestApplication, config: AppConfig): Promise<void> {
  await app.listen(config.port, config.host);
}
