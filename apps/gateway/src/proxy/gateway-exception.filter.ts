import { ArgumentsHost, Catch, ExceptionFilter, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { requestIdOf, toGatewayError } from './gateway-error-mapper';

/**
 * Every error the gateway's own routes produce leaves in OpenAI's envelope (see
 * gateway-error-mapper.ts) — never a stack trace.
 */
@Catch()
export class GatewayExceptionFilter implements ExceptionFilter {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const error = toGatewayError(exception, requestIdOf(res), this.logger);
    if (res.headersSent) {
      res.end();
      return;
    }
    res
      .status(error.status)
      .set({ 'content-type': 'application/json', ...error.headers })
      .send(error.body());
  }
}
