import { spawn, spawnSync } from 'node:child_process';
import { cliPath, projectRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  stdin?: string;
  env?: Record<string, string>;
}

/**
 * Runs the built CLI as a process from the project root (so reported paths are relative to it), with
 * an environment free of the developer's MESHGUARD_* and colour settings unless the test sets them.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): CliResult {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    ...spawnOptions(options),
    input: options.stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** runCli without blocking this process: for a CLI that talks to a server the test runs (the fake API server). */
export function runCliAsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [cliPath, ...args], spawnOptions(options));
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

function spawnOptions(options: CliOptions): { cwd: string; env: Record<string, string> } {
  return { cwd: projectRoot, env: { PATH: process.env.PATH ?? '', ...options.env } };
}
