import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { cliPath } from '../helpers/paths.js';

const run = promisify(execFile);

t.test('meshguard certs writes a CA and a serving certificate and prints the base64 CA bundle', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-certs-'));
  const { stdout } = await run(process.execPath, [cliPath, 'certs', '--dir', dir, '--service', 'guard', '--namespace', 'ops', '--days', '30']);
  const ca = new X509Certificate(readFileSync(join(dir, 'ca.crt')));
  const serving = new X509Certificate(readFileSync(join(dir, 'tls.crt')));
  t.equal(Buffer.from(stdout.trim(), 'base64').toString(), readFileSync(join(dir, 'ca.crt'), 'utf8'));
  t.ok(ca.ca, 'the CA is a CA');
  t.ok(serving.verify(ca.publicKey), 'the serving certificate is signed by the CA');
  t.match(serving.subjectAltName, 'DNS:localhost');
  t.match(serving.subjectAltName, 'DNS:guard.ops.svc');
  t.match(serving.subjectAltName, 'IP Address:127.0.0.1');
  t.equal(statSync(join(dir, 'tls.key')).mode & 0o777, 0o600, 'private keys are readable by the owner only');
  t.equal(statSync(join(dir, 'ca.key')).mode & 0o777, 0o600);
});

t.test('meshguard certs rejects a bad --days with exit code 2', async (t) => {
  const result = await run(process.execPath, [cliPath, 'certs', '--days', 'soon']).catch((e: { code: number; stderr: string }) => e);
  t.match(result, { code: 2, stderr: /--days must be a positive integer/ });
});

t.test('an unknown command prints the usage and exits 2', async (t) => {
  const result = await run(process.execPath, [cliPath, 'frobnicate']).catch((e: { code: number; stderr: string }) => e);
  t.match(result, { code: 2, stderr: /unknown command "frobnicate"[\s\S]*Usage:/ });
});

t.test('serve refuses invalid settings with exit code 2 and the reason', async (t) => {
  const result = await run(process.execPath, [cliPath, 'serve'], { env: { ...process.env, MESHGUARD_MODE: 'audit' } }).catch(
    (e: { code: number; stderr: string }) => e,
  );
  t.match(result, { code: 2, stderr: /mode: expected one of enforce, warn/ });
});
