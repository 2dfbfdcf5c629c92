import { LoggerService } from '@nestjs/common';
import { pino, Logger } from 'pino';
import { currentRequestId } from './request-context.js';

/**
 * Structured JSON logs; human-readable when stderr is a terminal. Logs go to stderr so that CLI
 * output on stdout stays machine-readable. `destination` replaces stderr (tests read the lines).
 */
export function createLogger(
  level: string,
  pretty = process.stderr.isTTY,
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    {
      level,
      base: undefined,
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'databaseUrl',
          '*.databaseUrl',
          'adminToken',
          '*.adminToken',
          'secret',
          '*.secret',
          'req.headers.authorization',
          'req.headers.cookie',
        ],
        remove: true,
      },
      transport: pretty
        ? { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss' } }
        : undefined,
    },
    pretty ? undefined : (destination ?? pino.destination(2)),
  );
}

/** Adapts pino to Nest's LoggerService so framework messages share the same stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');
