import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * `node dist/bench/profile-summary.js FILE.cpuprofile [--skip S] [--top N] [--inclusive NAME,...]`: where a
 * V8 CPU profile (npm run bench -- --cpu-prof DIR) spent its busy time: self time by area (meshguard's
 * own code, each npm package, Node's internals, GC), by function, and the inclusive time of the named
 * functions. `--skip` leaves out the first S seconds (start-up: module loading, schema compilation).
 * Shares are of busy time (idle excluded), so they hold even when the machine was loaded.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { skip: { type: 'string', default: '0' }, top: { type: 'string', default: '25' }, inclusive: { type: 'string', default: '' } } });
if (positionals.length !== 1) {
  process.stderr.write('usage: profile-summary FILE.cpuprofile [--skip S] [--top N] [--inclusive NAME,...]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;

const selfMicros = new Map<number, number>();
const skipMicros = Number(values.skip) * 1e6;
let elapsed = 0;
profile.samples.forEach((id, index) => {
  elapsed += profile.timeDeltas[index] ?? 0;
  if (elapsed >= skipMicros) selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const busy = profile.nodes.filter((node) => node.callFrame.functionName !== '(idle)').reduce((sum, node) => sum + (selfMicros.get(node.id) ?? 0), 0);

const areaOf = (url: string, name: string): string => {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/dist\/(src|bench)\/(.+)$/.exec(url);
  return own ? `meshguard ${own[1]}/${own[2]!.split('/')[0]}` : url;
};
const functionOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '')}:${node.callFrame.lineNumber + 1}`;

const sum = (key: (node: ProfileNode) => string) => {
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === '(idle)') continue;
    totals.set(key(node), (totals.get(key(node)) ?? 0) + (selfMicros.get(node.id) ?? 0));
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
};
const share = (micros: number) => `${((micros / busy) * 100).toFixed(1).padStart(5)} %`;
const print = (title: string, rows: Array<[string, number]>) => process.stdout.write(`\n${title}\n${rows.map(([name, micros]) => `${share(micros)}  ${name}`).join('\n')}\n`);

process.stdout.write(`busy ${(busy / 1e6).toFixed(2)} s of ${(profile.timeDeltas.reduce((a, b) => a + b, 0) / 1e6).toFixed(2)} s\n`);
print('self time by area', sum((node) => areaOf(node.callFrame.url, node.callFrame.functionName)));
print('self time by function', sum(functionOf));

// Inclusive time of a function: every sample with it on the stack, counted once however deep the recursion.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const names = values.inclusive.split(',').filter(Boolean);
if (names.length > 0) {
  const inclusive = new Map(names.map((name) => [name, 0]));
  for (const [id, micros] of selfMicros) {
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at)!.callFrame.functionName;
      if (inclusive.has(name)) onStack.add(name);
    }
    for (const name of onStack) inclusive.set(name, inclusive.get(name)! + micros);
  }
  print('inclusive time', [...inclusive]);
}
