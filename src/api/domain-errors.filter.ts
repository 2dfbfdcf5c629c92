import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  Inject,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { PeriodCloseError } from '../allocation/allocation-results.service.js';
import { MixedCurrencyError, NoRuleSetError } from '../allocation/allocation.service.js';
import { MetricInputError } from '../allocation/business-metric-input.js';
import { SourceKindMismatchError } from '../billing/source-kind-mismatch.error.js';
import { isPoolTimeout } from '../database/data-source.js';
import {
  ImportBusyError,
  ImportsBusyError,
  ImportValidationError,
} from '../ingestion/import-errors.js';
import { LOGGER } from '../logging/logger.js';
import { AnomalyNotFoundError } from '../insights/insights.service.js';
import {
  InvalidTransitionError,
  RecommendationNotFoundError,
} from '../recommendations/recommendations.service.js';
import { TooManyAuthFailuresError } from '../auth/failure-limiter.js';
import {
  InvalidSourceRequestError,
  SourceRunFailedError,
  UnknownSourceError,
} from '../sources/sources.service.js';

/** The one place where errors become HTTP responses. Unknown errors are 500s without details. */
@Catch()
export class DomainErrorsFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly log: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const req = host.switchToHttp().getRequest<Request>();
    // A person's browser asking for a page is sent to sign in; API clients get the 401.
    if (
      error instanceof UnauthorizedException &&
      req.method === 'GET' &&
      req.accepts(['json', 'html']) === 'html'
    ) {
      res.redirect(303, '/login');
      return;
    }
    if (error instanceof ImportValidationError) {
      res.status(422).json({
        error: 'import_invalid',
        message: error.summary,
        problems: error.problems
          .slice(0, 20)
          .map((p) => ({ ...p, text: `${error.file}:${p.line}: ${p.column}: ${p.reason}` })),
      });
    } else if (error instanceof TooManyAuthFailuresError) {
      res.setHeader('retry-after', String(error.retryAfterSeconds));
      res.status(429).json({ error: 'too_many_failures', message: error.message });
    } else if (error instanceof NoRuleSetError) {
      res.status(404).json({ error: 'no_rule_set', message: error.message });
    } else if (error instanceof MixedCurrencyError) {
      res.status(422).json({ error: 'mixed_currency', message: error.message });
    } else if (error instanceof MetricInputError) {
      res.status(400).json({ error: 'invalid_metric', field: error.field, message: error.message });
    } else if (error instanceof PeriodCloseError) {
      res
        .status(error.reason === 'no_data' ? 404 : 409)
        .json({ error: error.reason, message: error.message });
    } else if (
      error instanceof RecommendationNotFoundError ||
      error instanceof AnomalyNotFoundError
    ) {
      res.status(404).json({ error: 'not_found', message: error.message });
    } else if (error instanceof InvalidTransitionError) {
      res.status(409).json({ error: 'invalid_transition', message: error.message });
    } else if (error instanceof UnknownSourceError) {
      res.status(404).json({ error: 'unknown_source', message: error.message });
    } else if (error instanceof InvalidSourceRequestError) {
      res.status(400).json({ error: 'invalid_request', message: error.message });
    } else if (error instanceof SourceRunFailedError) {
      // The provider failed us (or sent what we cannot read): a gateway error, with each period.
      res.status(502).json({
        error: 'source_failed',
        message: error.message.split('\n')[0],
        results: error.results,
      });
    } else if (error instanceof ImportBusyError) {
      res.status(409).json({ error: 'import_busy', message: error.message });
    } else if (error instanceof ImportsBusyError) {
      res.setHeader('retry-after', String(error.retryAfterSeconds));
      res.status(503).json({ error: 'imports_busy', message: error.message });
    } else if (error instanceof SourceKindMismatchError) {
      res.status(409).json({ error: 'source_kind_mismatch', message: error.message });
    } else if (isPoolTimeout(error)) {
      // Every database connection stayed busy for FINOPS_DB_WAIT_MS: shed the request.
      this.log.warn({ event: 'db.pool_timeout', path: req.path }, 'no database connection free');
      res.setHeader('retry-after', '5');
      res.status(503).json({
        error: 'database_busy',
        message: 'the service is busy (no database connection free); try again shortly',
      });
    } else if (error instanceof HttpException) {
      const body = error.getResponse();
      res
        .status(error.getStatus())
        .json(typeof body === 'string' ? { error: body, message: body } : body);
    } else {
      this.log.error({ event: 'http.unhandled', err: error }, 'unhandled error');
      res.status(500).json({ error: 'internal', message: 'internal error; see the service log' });
    }
  }
}
