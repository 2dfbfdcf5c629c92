import { InvalidArgumentError } from 'commander';
import { periodSchema } from '../billing/cost-query.js';

/** Option parsers shared by the commands; each rejects a bad value with a message naming it. */
export const intArg = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};

export const zodArg =
  <T>(schema: {
    safeParse(v: unknown): {
      success: boolean;
      data?: T;
      error?: { issues: { message: string }[] };
    };
  }) =>
  (value: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new InvalidArgumentError(r.error!.issues[0]!.message);
    return r.data as T;
  };

export const periodArg = zodArg<string>(periodSchema);
