import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';

/** Validates request input at the edge; a 400 names the first bad field and why. */
export function validate<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(body)';
    throw new BadRequestException({
      error: 'invalid_request',
      field,
      message: `${field}: ${issue.message}`,
    });
  }
  return parsed.data;
}
