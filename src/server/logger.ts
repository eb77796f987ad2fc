import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Headers that carry credentials are redacted in case a request is ever logged
 * whole; review bodies are never logged at info level.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'meshguard' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.privateKey', '*.key'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
