import { z } from 'zod';

/** A JavaScript regular expression in config, checked when the file is read. */
export const regexSchema = z.string().superRefine((pattern, ctx) => {
  try {
    new RegExp(pattern);
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: `not a regular expression: ${(err as Error).message}`,
    });
  }
});
