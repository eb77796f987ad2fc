import { isRecord } from '../admission/review.js';

export const USER_VOLUME = 'sidecar.istio.io/userVolume';
export const USER_VOLUME_MOUNT = 'sidecar.istio.io/userVolumeMount';

/** A volume or a mount as Istio's injector copies it into the pod: a JSON object without its name. */
export type VolumeBody = Record<string, unknown>;

/** One of the two annotations, read into name ▶ body, in the order the user wrote the entries. */
export interface UserEntries {
  /** For a name listed twice, the later entry (the one a map of them keeps). */
  entries: Map<string, VolumeBody>;
  /**
   * Every entry as written, a repeated name included: in the list form one volume can be mounted at
   * two paths (`[{"name": "a", "mountPath": "/x"}, {"name": "a", "mountPath": "/y"}]`), which no map holds.
   */
  written: Array<[string, VolumeBody]>;
  /** False when the annotation is absent. */
  present: boolean;
}

/** Why an annotation cannot be read; meshguard then leaves both annotations untouched. */
export class MalformedAnnotation extends Error {
  constructor(
    readonly annotation: string,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * Reads `sidecar.istio.io/userVolume` or `userVolumeMount` the way Istio's injection template does:
 * it ranges over the parsed JSON and writes `name: <key>` followed by the entry, so the map form
 * `{"tls": {...}}` names an entry by its key, and the list form `[{"name": "tls", ...}]` by its own
 * `name` field (which, coming later in the rendered YAML, wins over the list index).
 */
export function readUserEntries(annotations: Readonly<Record<string, string>>, annotation: string): UserEntries {
  const text = annotations[annotation];
  if (text === undefined) return { entries: new Map(), written: [], present: false };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MalformedAnnotation(annotation, `is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed) && !isRecord(parsed)) {
    throw new MalformedAnnotation(annotation, 'must be a JSON object (map form) or a JSON array (list form)');
  }
  const written: Array<[string, VolumeBody]> = [];
  const listed: Array<[label: string, key: string | undefined, entry: unknown]> = Array.isArray(parsed)
    ? parsed.map((entry, i) => [`list entry ${i}`, undefined, entry])
    : Object.entries(parsed).map(([key, entry]) => [`entry ${JSON.stringify(key)}`, key, entry]);
  for (const [label, key, entry] of listed) {
    if (!isRecord(entry)) throw new MalformedAnnotation(annotation, `${label} is not a JSON object`);
    const { name, ...body } = entry;
    const effectiveName = typeof name === 'string' && name !== '' ? name : key;
    if (effectiveName === undefined) throw new MalformedAnnotation(annotation, `${label} has no "name"`);
    written.push([effectiveName, body]);
  }
  return { entries: new Map(written), written, present: true };
}

/**
 * Istio's map form, the one meshguard writes: `{"<name>": {...}}`; the list form when a name repeats,
 * since a map would drop all but one of its entries.
 */
export function writeUserEntries(entries: ReadonlyArray<readonly [string, VolumeBody]>): string {
  if (new Set(entries.map(([name]) => name)).size === entries.length) return JSON.stringify(Object.fromEntries(entries));
  return JSON.stringify(entries.map(([name, body]) => ({ name, ...body })));
}

/** Structural equality of two JSON values, ignoring the order of object keys. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
