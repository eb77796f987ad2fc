import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { capturedReview } from '../helpers/fixtures.js';
import { eventually } from '../helpers/eventually.js';
import { cliPath } from '../helpers/paths.js';
import { quickCertificates, writeServingFiles } from '../helpers/quick-certs.js';
import { postJson } from '../helpers/tls-client.js';

interface Outcome {
  sentAfterSigterm: boolean;
  status?: number;
  connection?: string | string[];
  error?: string;
}

t.test('SIGTERM: not ready at once, reviews keep being answered during the delay, in-flight ones finish, exit 0', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-shutdown-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certificates = quickCertificates();
  writeServingFiles(dir, certificates);
  const settingsFile = join(dir, 'settings.yaml');
  writeFileSync(settingsFile, `server: {host: 127.0.0.1, admissionPort: 0, healthPort: 0, certDir: ${dir}, shutdownDelaySeconds: 1}\n`);

  const child = spawn(process.execPath, [cliPath, 'serve', '--settings', settingsFile], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.exitCode === null && child.kill('SIGKILL'));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const logs: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout }).on('line', (line) => logs.push(JSON.parse(line) as Record<string, unknown>));
  const serving = await eventually(() => logs.find((l) => l.msg === 'meshguard serving'));
  const url = `${String(serving.admissionUrl)}/validate`;
  const readyz = () => fetch(`${String(serving.healthUrl)}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));
  t.equal((await readyz()).status, 200);

  const review = capturedReview('peerauthentication-v1-create-mesh-wide-istio-system');
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 2, ca: certificates.caPem });
  t.teardown(() => keepAlive.destroy());
  const outcomes: Outcome[] = [];
  let sigtermSent = false;
  let sending = true;
  const sender = (async () => {
    while (sending) {
      const sentAfterSigterm = sigtermSent;
      await postJson(keepAlive, url, review).then(
        (r) => outcomes.push({ sentAfterSigterm, status: r.status, connection: r.headers.connection }),
        (error: NodeJS.ErrnoException) => outcomes.push({ sentAfterSigterm, error: error.code ?? error.message }),
      );
      await sleep(10);
    }
  })();
  await eventually(() => outcomes.length >= 3);

  // A review whose body is still arriving when the listener closes: it must be answered too.
  const body = JSON.stringify(review);
  const slow = request(url, { method: 'POST', ca: certificates.caPem, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  const slowAnswer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    slow.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    slow.on('error', reject);
  });
  slow.write(body.slice(0, 100));

  child.kill('SIGTERM');
  sigtermSent = true;
  const notReady = await eventually(async () => {
    const ready = await readyz();
    return ready.status === 503 && ready;
  });
  t.match(notReady.body, { ready: false, checks: { shutdown: { ready: false, reason: 'shutting down' } } }, 'readiness turns false at once');
  // Like the endpoints controller: once the pod is not ready, no new traffic is routed to it.
  await eventually(() => outcomes.filter((o) => o.sentAfterSigterm).length >= 3);
  sending = false;
  await sender;

  await eventually(() => logs.find((l) => l.msg === 'shutting down: not ready; serving until the delay ends, then finishing in-flight reviews'));
  await sleep(1200); // past the delay: the listener is closing while the slow review is in flight
  slow.end(body.slice(100));
  const answered = await slowAnswer;
  t.equal(answered.status, 200, 'the in-flight review is answered');
  t.equal(JSON.parse(answered.body).response.uid, review.request!.uid);

  const [code, signal] = await exited;
  t.equal(code, 0, 'exit code 0');
  t.equal(signal, null);
  t.same(outcomes.filter((o) => o.error), [], 'no accepted review failed');
  const duringDelay = outcomes.filter((o) => o.sentAfterSigterm);
  t.ok(duringDelay.length >= 3);
  t.same(new Set(duringDelay.map((o) => o.status)), new Set([200]), 'reviews sent after SIGTERM are answered');
  t.same(new Set(duringDelay.map((o) => o.connection)), new Set(['close']), 'and ask the client to reconnect elsewhere');
  t.ok(logs.some((l) => l.msg === 'shutdown complete'));
  await t.rejects(postJson(new Agent({ ca: certificates.caPem }), url, review), { code: 'ECONNREFUSED' }, 'nothing listens after exit');
});
