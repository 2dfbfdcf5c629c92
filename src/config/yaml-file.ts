import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './config-error.js';

/**
 * Reads a YAML config file and validates it, or throws a ConfigError naming `file:line` and the
 * key of the first problem (the line of the value at fault, or of its closest parent present).
 */
export function readYamlFile<S extends z.ZodTypeAny>(file: string, schema: S): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new ConfigError(line ? `${file}:${line}` : file, '(yaml)', err.message.split('\n')[0]!);
  }
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const keyPath = issue?.path ?? [];
  let line: number | undefined;
  for (let n = keyPath.length; n >= 0 && line === undefined; n--) {
    const node = doc.getIn(keyPath.slice(0, n), true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  }
  throw new ConfigError(
    line ? `${file}:${line}` : file,
    keyPath.join('.') || '(root)',
    issue?.message ?? 'invalid',
  );
}
