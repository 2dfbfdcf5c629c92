import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { MetricsService } from '../metrics/metrics.service.js';

const context = new AsyncLocalStorage<{ requestId: string }>();

/** The id of the HTTP request being served, for log lines (pino mixin). */
export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Gives each request an id (the caller's X-Request-Id when it is sane, else a UUID), returns it,
 * keeps it in async context so every log line of the request carries it, and on completion logs
 * one line and observes the duration histogram by matched route (never the raw URL, which would
 * explode label cardinality).
 */
export function requestContext(log: Logger, metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && SAFE_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        seconds,
      );
      log.info(
        {
          event: 'http.request',
          requestId,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(seconds * 1000),
        },
        'request',
      );
    });
    context.run({ requestId }, next);
  };
}
