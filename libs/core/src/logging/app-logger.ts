import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger, LoggerOptions } from 'pino';
import { redactPaths, SECRET_FIELDS } from '../secrets/secret-fields';

/**
 * The process's root pino logger. Every field named in `secretFields` (the core list, extended
 * by the apps with the provider kinds' credential options) is redacted at the root of a log
 * line and a few levels below it (`req.headers.authorization`, `provider.options.secretKey`).
 */
export function createRootLogger(level: string, name: string, secretFields: readonly string[] = SECRET_FIELDS, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name,
    level,
    redact: { paths: redactPaths(secretFields), censor: '[redacted]' },
    base: { pid: process.pid, app: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Nest's logger interface on top of pino: structured JSON lines, secrets redacted. */
export class AppLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.pino.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) this.pino[level]({ context, ...message });
    else this.pino[level]({ context }, String(message));
  }
}
