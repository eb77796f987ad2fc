#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CHECK_USAGE } from './check/usage.js';

// Each command imports what it needs when it runs: `meshguard check` in a CI job must not pay for
// loading the server (Fastify, the Kubernetes client) and `help` must answer at once.

const USAGE = `meshguard — admission guardrail for Istio mTLS and authorization

Usage:
  meshguard serve [--settings FILE] [--dev-certs]
      Run the admission webhook (HTTPS, default :8443) and the health/metrics port (default :9090).
      --dev-certs   generate development certificates in the certificate directory when missing
  meshguard certs [--dir DIR] [--service NAME] [--namespace NS] [--days N]
      Generate a CA and a serving certificate (node-forge) and print the base64 CA bundle.
${CHECK_USAGE}
  meshguard help

Settings come from --settings FILE (or MESHGUARD_SETTINGS) and MESHGUARD_* environment variables.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'certs':
      return runCerts(rest);
    case 'check': {
      const { runCheckCommand } = await import('./check/command.js');
      return runCheckCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
    }
    case 'help':
    case '--help':
    case '-h':
    case undefined:
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`meshguard: unknown command "${command}"\n\n${USAGE}\n`);
      return 2;
  }
}

async function runServe(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { settings: { type: 'string' }, 'dev-certs': { type: 'boolean' } } });
  const [{ defaultRegistry }, { loadSettings }, { ensureCertificateFiles }, { serve }] = await Promise.all([
    import('./rules/catalog.js'),
    import('./settings.js'),
    import('./certs/files.js'),
    import('./server/serve.js'),
  ]);
  const registry = defaultRegistry();
  const file = values.settings ?? process.env.MESHGUARD_SETTINGS;
  const load = () => loadSettings({ file, env: process.env, knownRules: new Set(registry.all().map((r) => r.id)) });
  const settings = load();
  if (values['dev-certs']) {
    const created = ensureCertificateFiles({ dir: settings.server.certDir, service: 'meshguard', namespace: 'meshguard', days: 365 });
    if (created) process.stderr.write(`meshguard: generated development certificates in ${settings.server.certDir}/\n`);
  }
  // Until the admission listener is up there is nothing in flight to drain.
  const exitAtOnce = () => process.exit(0);
  process.once('SIGTERM', exitAtOnce).once('SIGINT', exitAtOnce);
  const server = await serve({ settings, registry, settingsFile: file ? { path: file, load } : undefined });
  process.off('SIGTERM', exitAtOnce).off('SIGINT', exitAtOnce);
  // SIGTERM (the kubelet): keep serving for the shutdown delay while endpoints catch up. SIGINT
  // (Ctrl-C in development): no delay.
  const stop = (delayMs: number) => () => {
    void server.shutdown(delayMs).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop(server.settings().server.shutdownDelaySeconds * 1000));
  process.once('SIGINT', stop(0));
  return new Promise<number>(() => undefined);
}

async function runCerts(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string', default: 'certs' },
      service: { type: 'string', default: 'meshguard' },
      namespace: { type: 'string', default: 'meshguard' },
      days: { type: 'string', default: '365' },
    },
  });
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days must be a positive integer, got "${values.days}"`);
  const { writeCertificateFiles } = await import('./certs/files.js');
  const bundle = writeCertificateFiles({ dir: values.dir, service: values.service, namespace: values.namespace, days });
  process.stderr.write(`meshguard: wrote ca.crt, ca.key, tls.crt, tls.key to ${values.dir}/\n`);
  process.stdout.write(`${bundle}\n`);
  return 0;
}

class UsageError extends Error {
  override name = 'UsageError';
}

/** Errors whose message is the whole story (bad settings, bad flags): no stack trace for the user. */
const USER_ERRORS = new Set(['SettingsError', 'UsageError']);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = USER_ERRORS.has((error as Error).name) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`meshguard: ${known ? (error as Error).message : (error as Error).stack}\n`);
    process.exit(2);
  },
);
