import { LineCounter, isMap, isSeq, parseAllDocuments, type Node, type YAMLError } from 'yaml';
import { isRecord } from '../admission/review.js';
import type { KubeObject } from '../k8s/types.js';
import type { Source } from './inputs.js';
import type { InputProblem } from './report.js';

/** A Kubernetes object read from a manifest, with the YAML node it came from (for positions). */
export interface ManifestObject {
  file: string;
  object: KubeObject;
  node: Node;
  lines: LineCounter;
}

export interface ParsedSource {
  objects: ManifestObject[];
  /** Documents that hold something other than a Kubernetes object (Helm values, Chart.yaml, empty documents are not counted). */
  ignoredDocuments: number;
  problems: InputProblem[];
}

/**
 * kubectl reads manifests as YAML 1.1 (`yes`, `on`, `NO` are booleans there), so the check reads them
 * the same way and sees the same object the API server would. The alias limit stops a "billion laughs"
 * document from expanding without bound.
 */
const PARSE_OPTIONS = { version: '1.1', merge: true, uniqueKeys: true } as const;
const MAX_ALIAS_COUNT = 100;

/** Splits a source into its Kubernetes objects: multi-document YAML, JSON, and `List` kinds item by item. */
export function parseSource(source: Source): ParsedSource {
  const parsed: ParsedSource = { objects: [], ignoredDocuments: 0, problems: [] };
  const lines = new LineCounter();
  for (const document of parseAllDocuments(source.text, { ...PARSE_OPTIONS, lineCounter: lines })) {
    const error = document.errors[0];
    if (error) {
      parsed.problems.push(yamlProblem(source.name, error));
      continue;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const position = document.contents ? lines.linePos(document.contents.range[0]) : undefined;
      parsed.problems.push({ file: source.name, line: position?.line, column: position?.col, message: (error as Error).message });
      continue;
    }
    if (value === null || value === undefined || !document.contents) continue;
    addObjects(parsed, { file: source.name, object: value as KubeObject, node: document.contents, lines });
  }
  return parsed;
}

function addObjects(parsed: ParsedSource, candidate: ManifestObject): void {
  const { object, node } = candidate;
  if (!isKubeObject(object)) {
    parsed.ignoredDocuments += 1;
    return;
  }
  const items = (object as { items?: unknown }).items;
  if (!isListKind(object.kind) || !Array.isArray(items) || !isMap(node)) {
    parsed.objects.push(candidate);
    return;
  }
  const itemNodes = node.get('items', true);
  items.forEach((item: unknown, i) => {
    const itemNode = isSeq(itemNodes) ? itemNodes.items[i] : undefined;
    if (itemNode && isMap(itemNode)) addObjects(parsed, { ...candidate, object: item as KubeObject, node: itemNode });
    else parsed.ignoredDocuments += 1;
  });
}

function isKubeObject(value: unknown): value is KubeObject & { kind: string } {
  return isRecord(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string' && value.kind !== '';
}

/** `List` (kubectl get -o yaml) and typed lists such as `ServiceList` hold their objects in `items`. */
function isListKind(kind: string | undefined): boolean {
  return kind !== undefined && kind.endsWith('List');
}

function yamlProblem(file: string, error: YAMLError): InputProblem {
  const position = error.linePos?.[0];
  const headline = error.message.split('\n')[0] ?? error.message;
  const message = headline.replace(/ at line \d+, column \d+:?$/, '');
  return { file, line: position?.line, column: position?.col, message: `invalid YAML: ${message}` };
}
