import { ConfigError } from '../config/app-config.js';
import { ImportBusyError, ImportValidationError } from '../ingestion/import-errors.js';
import { SourceRunFailedError } from '../sources/sources.service.js';

/** One line on stderr for the user; the problem list for invalid files. */
export function errorMessage(err: unknown): string {
  if (err instanceof ImportValidationError) return err.message;
  if (err instanceof ConfigError || err instanceof ImportBusyError) return err.message;
  if (err instanceof SourceRunFailedError) return err.message;
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT' && e.path) return `${e.path}: no such file`;
  return (e.message ?? String(err)).split('\n')[0]!;
}
