import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainRuleViolation } from '../domain/domain-rule-violation';
import { ProjectionWaitTimeoutError } from '../projections/projection-manager';
import { ProjectionUnavailableError } from '../projections/projection-runner';
import {
  EventStoreUnavailableError,
  InvalidAppendError,
  StreamNotFoundError,
  WrongExpectedRevisionError,
} from '../event-store/event-store.errors';

export interface ProblemBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: unknown;
  requestId?: string;
}

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Turns anything thrown while serving a request into one JSON shape. Client
 * errors keep their status and say which field is wrong; only genuine server
 * faults become 500, and those are logged with the request id.
 */
export function toProblem(error: unknown): ProblemBody {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const body = typeof response === 'string' ? { message: response } : (response as Partial<ProblemBody>);
    const message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
    return {
      ...body,
      statusCode: status,
      error: reasonPhrases[status] ?? body.error ?? 'Error',
      message: message ?? error.message,
    };
  }
  if (error instanceof DomainRuleViolation) {
    const status = error.unprocessable ? 422 : 400;
    return {
      statusCode: status,
      error: reasonPhrases[status]!,
      message: error.field ? `${error.field}: ${error.message}` : error.message,
      code: error.code,
      details: error.field ? [{ field: error.field, reason: error.message }] : undefined,
    };
  }
  if (error instanceof WrongExpectedRevisionError) {
    return { statusCode: 409, error: 'Conflict', message: error.message, code: 'conflict' };
  }
  if (error instanceof StreamNotFoundError) {
    return { statusCode: 404, error: 'Not Found', message: error.message, code: 'not_found' };
  }
  if (error instanceof InvalidAppendError) {
    return { statusCode: 400, error: 'Bad Request', message: error.message, code: 'invalid' };
  }
  if (error instanceof EventStoreUnavailableError) {
    return { statusCode: 503, error: 'Service Unavailable', message: error.message, code: 'unavailable' };
  }
  if (error instanceof ProjectionWaitTimeoutError) {
    return { statusCode: 504, error: 'Gateway Timeout', message: `after: ${error.message}`, code: 'read_model_behind' };
  }
  if (error instanceof ProjectionUnavailableError) {
    return { statusCode: 503, error: 'Service Unavailable', message: error.message, code: 'read_model_unavailable' };
  }
  // Fastify's own errors (body too large, bad JSON, unsupported content type) carry a status.
  const fastifyStatus = (error as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return {
      statusCode: fastifyStatus,
      error: reasonPhrases[fastifyStatus] ?? 'Client Error',
      message: describeFastifyError(error as Error & { code?: string }),
      code: (error as { code?: string }).code,
    };
  }
  return { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error' };
}

function describeFastifyError(error: Error & { code?: string }): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'request body is larger than the limit (PULSE_BODY_LIMIT_BYTES)';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported content type: send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'body: the request has a JSON content type but an empty body';
    default:
      return error instanceof SyntaxError || /JSON/.test(error.message)
        ? `body: malformed JSON (${error.message})`
        : error.message;
  }
}

@Catch()
export class ProblemResponseFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(error, request, reply, this.logger);
  }
}

export function sendProblem(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
): void {
  const problem = { ...toProblem(error), requestId: String(request.id) };
  if (problem.statusCode === 500) {
    logger.error(
      `${request.method} ${request.url} failed (request ${request.id}): ${(error as Error)?.stack ?? String(error)}`,
    );
  } else if (problem.statusCode > 500) {
    // Known conditions (a backend down, read models behind): worth a line, not a stack.
    logger.warn(`${request.method} ${request.url} answered ${problem.statusCode} (request ${request.id}): ${problem.message}`);
  }
  void reply.status(problem.statusCode).header('content-type', 'application/json').send(problem);
}
