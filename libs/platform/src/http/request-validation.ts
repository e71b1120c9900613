import { BadRequestException } from '@nestjs/common';
import type { z } from 'zod';

export interface FieldProblem {
  /** Path into the request, e.g. `events[3].itemId` or `query.limit`. */
  readonly field: string;
  readonly reason: string;
}

/** `['events', 3, 'itemId']` → `events[3].itemId`. */
export function fieldPath(path: readonly PropertyKey[], prefix?: string): string {
  let out = prefix ?? '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(body)';
}

export function zodProblems(error: z.ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    // Unknown keys are reported on the parent object; name the key itself.
    if (issue.code === 'unrecognized_keys') {
      return {
        field: fieldPath([...issue.path, issue.keys[0] ?? ''], prefix),
        reason: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`,
      };
    }
    return { field: fieldPath(issue.path, prefix), reason: issue.message };
  });
}

/** 400 with every problem listed and the first one in the message. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly problems: FieldProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: first ? `${first.field}: ${first.reason}${more}` : 'invalid request',
      details: problems,
    });
  }
}

/** Parses a request part or throws a 400 naming the fields. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  prefix?: string,
): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(zodProblems(result.error, prefix));
  return result.data;
}
