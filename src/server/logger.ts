import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Where a credential would sit if an object that holds one were ever logged whole: request headers,
 * the serving certificate ({cert, key}) and a Secret's data. Exact paths, not wildcards such as
 * `*.key`: with a wildcard pino runs the redaction on every field of every line (about a tenth of
 * meshguard's own CPU per review, for a line that never holds a credential), while an exact path
 * costs nothing on lines without that field. The guarantee that no key material is logged rests on
 * what meshguard logs (identifiers, never objects' bodies or certificates) and is checked by the
 * tests, which scan every log line of the servers they run (test/helpers/secret-scan.ts).
 */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'certificate.key', 'secret.data', 'secret.stringData'] as const;

/** JSON lines on stdout; review bodies are never logged at info level. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'meshguard' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
