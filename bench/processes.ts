import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server under load, running as its own process. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** VmHWM: the process's peak resident set since it started, in bytes. */
  peakRssBytes(): number;
  /** CPU time (user + system) the process has used so far, in seconds. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  /** Arguments to `node` (the script and its arguments). */
  args: string[];
  /** Added to the clean environment (see measuredEnvironment). */
  env?: NodeJS.ProcessEnv;
  port: number;
  caPem: string;
  /** A request the server must answer with 200 before the load starts (proves the CA and the route). */
  probe: { path: string; body: string };
  startupTimeoutMs: number;
}

const STDERR_KEPT_BYTES = 4096;

/**
 * Starts `node <args>` and waits until it answers the probe over HTTPS, verified against the CA.
 * Standard output is discarded (meshguard still formats its log line per review, as in production).
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, options.args, { env: measuredEnvironment(options.env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT_BYTES);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `https://127.0.0.1:${options.port}`;
  const deadline = Date.now() + options.startupTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with code ${child.exitCode} before it was ready: ${stderr.trim()}`);
    const status = await probe(url, options.caPem, options.probe).catch(() => undefined);
    if (status === 200) break;
    if (status !== undefined) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} answered the probe with HTTP ${status}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not answer within ${options.startupTimeoutMs} ms: ${stderr.trim()}`);
    }
    await sleep(100);
  }
  return {
    name: options.name,
    url,
    pid: child.pid!,
    peakRssBytes: () => peakRssBytes(child),
    cpuSeconds: () => cpuSeconds(child),
    stop: () => stop(child, exited),
  };
}

/**
 * The environment of a measured process: the caller's, without NODE_OPTIONS and coverage hooks (a
 * test runner's instrumentation would slow the processes down and skew the figures) and without
 * MESHGUARD_* variables (meshguard's settings are exactly what the benchmark passes).
 */
export function measuredEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(NODE_OPTIONS|NODE_V8_COVERAGE|MESHGUARD_.*)$/.test(name));
  return { ...Object.fromEntries(inherited), ...extra };
}

/** A port that was free a moment ago on the loopback address. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

function probe(url: string, caPem: string, { path, body }: StartOptions['probe']): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', ca: caPem, headers: { 'content-type': 'application/json' }, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function peakRssBytes(child: ChildProcess): number {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${child.pid}/status`);
  return Number(match[1]) * 1024;
}

/** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

function cpuSeconds(child: ChildProcess): number {
  // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15.
  const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** SIGINT, not SIGTERM: meshguard answers SIGTERM with its production shutdown delay (kubelet endpoints), SIGINT stops at once. */
async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const killed = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
  if (!killed) {
    child.kill('SIGKILL');
    await exited;
  }
}
