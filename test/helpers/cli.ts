import { spawnSync } from 'node:child_process';
import { cliPath, projectRoot } from './paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a process from the project root (so reported paths are relative to it), with
 * an environment free of the developer's MESHGUARD_* and colour settings unless the test sets them.
 */
export function runCli(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}): CliResult {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...options.env };
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: projectRoot,
    env,
    input: options.stdin ?? '',
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
