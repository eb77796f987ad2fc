import { parseArgs } from 'node:util';
import type { Readable } from 'node:stream';
import { buildManifestView } from '../cluster/manifest-view.js';
import { defaultRegistry } from '../rules/catalog.js';
import type { Rule } from '../rules/types.js';
import { loadSettings } from '../settings.js';
import { formatJson } from './format-json.js';
import { formatSarif } from './format-sarif.js';
import { formatText } from './format-text.js';
import { readSources } from './inputs.js';
import type { ClusterFlags, LiveCluster } from './live-cluster.js';
import { terminalProgress } from './progress.js';
import { EXIT_USAGE, exitCode, type CheckReport, type FailOn } from './report.js';
import { runCheck } from './run-check.js';
import { CHECK_USAGE, DEFAULT_CLUSTER_TIMEOUT_SECONDS } from './usage.js';


const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON: readonly FailOn[] = ['deny', 'warn'];

export interface CheckIo {
  stdin: Readable;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** `meshguard check ...`: returns the exit code. Settings errors are thrown (the CLI reports them, exit 2). */
export async function runCheckCommand(args: string[], io: CheckIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o', default: 'text' },
      settings: { type: 'string' },
      'fail-on': { type: 'string', default: 'deny' },
      namespace: { type: 'string', short: 'n' },
      cluster: { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'cluster-timeout': { type: 'string' },
    },
  });
  const format = values.output as Format;
  const failOn = values['fail-on'] as FailOn;
  const timeoutSeconds = Number(values['cluster-timeout'] ?? DEFAULT_CLUSTER_TIMEOUT_SECONDS);
  const clusterFlagsAlone = !values.cluster && (['kubeconfig', 'context', 'cluster-timeout'] as const).find((flag) => values[flag] !== undefined);
  const usageError =
    (!FORMATS.includes(format) && `--output must be one of ${FORMATS.join(', ')}, got "${values.output}"`) ||
    (!FAIL_ON.includes(failOn) && `--fail-on must be one of ${FAIL_ON.join(', ')}, got "${values['fail-on']}"`) ||
    (clusterFlagsAlone && `--${clusterFlagsAlone} goes with --cluster`) ||
    (!(timeoutSeconds > 0) && `--cluster-timeout must be a positive number of seconds, got "${values['cluster-timeout']}"`) ||
    (positionals.length === 0 && 'name at least one file or directory, or - for standard input') ||
    (positionals.filter((p) => p === '-').length > 1 && 'standard input (-) can be read only once');
  if (usageError) {
    io.stderr.write(`meshguard check: ${usageError}\n\nUsage:\n${CHECK_USAGE}\n`);
    return EXIT_USAGE;
  }

  const registry = defaultRegistry();
  const settings = loadSettings({
    file: values.settings ?? io.env.MESHGUARD_SETTINGS,
    env: io.env,
    knownRules: new Set(registry.all().map((r) => r.id)),
  });
  let cluster: LiveCluster | undefined;
  if (values.cluster) {
    cluster = await readCluster({ kubeconfig: values.kubeconfig, context: values.context, timeoutSeconds }, io, settings.rootNamespace);
    if (!cluster) return EXIT_USAGE;
  }
  const defaultNamespace = values.namespace ?? cluster?.namespace ?? 'default';
  const viewOptions = { rootNamespace: settings.rootNamespace, defaultNamespace };
  const { sources, problems } = await readSources(positionals, io.stdin);
  const report = runCheck(sources, problems, {
    registry,
    settings,
    defaultNamespace,
    buildView: (objects) => (cluster ? cluster.view(objects, viewOptions) : buildManifestView(objects, viewOptions)),
    progress: terminalProgress(io.stderr),
  });
  await write(io.stdout, render(report, format, { colour: wantsColour(io.stdout, io.env), rules: registry.all() }));
  return exitCode(report, failOn);
}

/**
 * `--cluster`: the live cluster, with a line on standard error that says which; undefined after saying why
 * it could not be read. The Kubernetes client is loaded only here: it costs every offline run seconds on a
 * busy CI runner.
 */
async function readCluster(flags: ClusterFlags, io: CheckIo, rootNamespace: string): Promise<LiveCluster | undefined> {
  const { ClusterUnavailableError, readLiveCluster } = await import('./live-cluster.js');
  try {
    const cluster = await readLiveCluster(flags, io.env, rootNamespace);
    io.stderr.write(`meshguard check: with the cluster state of context "${cluster.context}" (server ${cluster.server}): ${cluster.objects} objects\n`);
    return cluster;
  } catch (error) {
    if (!(error instanceof ClusterUnavailableError)) throw error;
    io.stderr.write(`meshguard check: ${error.message}\n`);
    return undefined;
  }
}

function render(report: CheckReport, format: Format, options: { colour: boolean; rules: readonly Rule[] }): string {
  if (format === 'json') return formatJson(report);
  if (format === 'sarif') return formatSarif(report, options.rules);
  return formatText(report, options.colour);
}

/** NO_COLOR (https://no-color.org) wins, FORCE_COLOR forces, otherwise colour only on a terminal that has it. */
function wantsColour(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && stream.hasColors(env);
}

/** Waits for the write, so the exit that follows cannot cut a large report short. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}
