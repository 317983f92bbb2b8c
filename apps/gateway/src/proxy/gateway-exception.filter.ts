import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { GatewayError, GatewayErrorCode } from './gateway-error';

/**
 * Every error the gateway's own routes produce leaves in OpenAI's envelope: gateway errors as
 * they are, framework errors (unknown route, wrong method) mapped to a code, anything else as a
 * 500 with an error id that is logged — never a stack trace.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = this.toGatewayError(exception);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(error.status).set({ 'content-type': 'application/json', ...error.headers }).send(error.body());
  }

  private toGatewayError(exception: unknown): GatewayError {
    if (exception instanceof GatewayError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code: GatewayErrorCode = status === 404 ? 'invalid_request' : status === 413 ? 'request_too_large' : status < 500 ? 'invalid_request' : 'internal_error';
      const message = status === 404 ? 'Unknown route. The gateway serves /v1/chat/completions, /v1/embeddings, /v1/completions, /v1/messages, /v1/responses, /v1/models and the audio, images, moderations and rerank routes.' : exception.message;
      return new GatewayError(status, code, message);
    }
    const errorId = Math.random().toString(36).slice(2, 10);
    this.logger.error({ errorId, err: (exception as Error | null | undefined)?.message, stack: (exception as Error | null | undefined)?.stack }, 'unexpected gateway error');
    return new GatewayError(500, 'internal_error', `Internal error (id ${errorId}).`);
  }
}
