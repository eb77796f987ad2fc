import { isMap, isNode, isScalar, isSeq, type Node } from 'yaml';
import type { ManifestObject } from './documents.js';

export interface Position {
  line: number;
  column: number;
}

/**
 * Splits a finding's field path into keys and indexes:
 * `spec.rules[0].to[0].operation.methods` ▶ spec, rules, 0, to, 0, operation, methods;
 * `metadata.annotations["sidecar.istio.io/userVolume"]` ▶ metadata, annotations, sidecar.istio.io/userVolume.
 */
export function splitFieldPath(path: string): Array<string | number> {
  const segments: Array<string | number> = [];
  const token = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['([^']*)'\]|\.?([^.[\]]+)/g;
  for (const match of path.matchAll(token)) {
    const [, index, doubleQuoted, singleQuoted, plain] = match;
    if (index !== undefined) segments.push(Number(index));
    else segments.push(doubleQuoted ?? singleQuoted ?? plain ?? '');
  }
  return segments;
}

/**
 * The 1-based line and column of a field path inside an object: the key of a mapping entry, the item of
 * a sequence. A path that goes further than the YAML (a rule naming a field that is absent, such as a
 * missing `ports`) resolves to the deepest part that exists, so the position is never worse than the
 * object itself.
 */
export function positionOf(manifest: ManifestObject, path: string): Position {
  let node: Node = manifest.node;
  let offset = node.range?.[0] ?? 0;
  for (const segment of splitFieldPath(path)) {
    const step = stepInto(node, segment);
    if (!step) break;
    node = step.node;
    offset = step.offset;
  }
  const { line, col } = manifest.lines.linePos(offset);
  return { line, column: col };
}

function stepInto(node: Node, segment: string | number): { node: Node; offset: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (!pair || !isScalar(pair.key)) return undefined;
    return { node: isNode(pair.value) ? pair.value : pair.key, offset: pair.key.range?.[0] ?? 0 };
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return isNode(item) ? { node: item, offset: item.range?.[0] ?? 0 } : undefined;
  }
  return undefined;
}
