import type { JsonPatchOperation } from '../admission/types.js';
import { isRecord } from '../admission/review.js';
import { normalizeDir } from './mapping.js';
import type { PlannedVolume } from './plan.js';
import {
  MalformedAnnotation,
  readUserEntries,
  sameJson,
  USER_VOLUME,
  USER_VOLUME_MOUNT,
  writeUserEntries,
  type UserEntries,
  type VolumeBody,
} from './user-volumes.js';

/** A problem with the pod's own annotations, for a warning on that annotation. */
export interface MergeNote {
  annotation: string;
  message: string;
}

export interface MergeResult {
  patch: JsonPatchOperation[];
  notes: MergeNote[];
}

/**
 * Adds the planned volumes to the pod's `userVolume`/`userVolumeMount` annotations. Entries the user
 * wrote are kept as they are (re-serialized into the map form, or into a list when a name repeats);
 * a planned volume that is already there, or whose directory the user already fills from the same
 * Secret, adds nothing, so a reinvocation gets an empty patch.
 */
export function mergeVolumes(annotations: Readonly<Record<string, string>> | undefined, planned: readonly PlannedVolume[]): MergeResult {
  if (planned.length === 0) return { patch: [], notes: [] };
  const current = annotations ?? {};
  let volumes: UserEntries;
  let mounts: UserEntries;
  try {
    volumes = readUserEntries(current, USER_VOLUME);
    mounts = readUserEntries(current, USER_VOLUME_MOUNT);
  } catch (error) {
    if (error instanceof MalformedAnnotation) return { patch: [], notes: [malformedNote(error)] };
    throw error;
  }

  // Planned volumes never clash with each other (one per directory, each named after it): each is
  // checked against the user's entries only.
  const notes: MergeNote[] = [];
  const newVolumes: Array<[string, VolumeBody]> = [];
  const newMounts: Array<[string, VolumeBody]> = [];
  for (const want of planned) {
    const note = conflict(want, volumes.entries, mounts);
    if (note === 'satisfied') continue;
    if (note) {
      notes.push(note);
      continue;
    }
    if (!volumes.entries.has(want.name)) newVolumes.push([want.name, want.volume]);
    newMounts.push([want.name, { mountPath: want.mountPath, readOnly: true }]);
  }

  const changed: Array<{ key: string; present: boolean; entries: Array<[string, VolumeBody]> }> = [];
  if (newVolumes.length > 0) changed.push({ key: USER_VOLUME, present: volumes.present, entries: [...volumes.written, ...newVolumes] });
  if (newMounts.length > 0) changed.push({ key: USER_VOLUME_MOUNT, present: mounts.present, entries: [...mounts.written, ...newMounts] });
  if (changed.length === 0) return { patch: [], notes };
  if (annotations === undefined) {
    const value = Object.fromEntries(changed.map(({ key, entries }) => [key, writeUserEntries(entries)]));
    return { patch: [{ op: 'add', path: '/metadata/annotations', value }], notes };
  }
  const patch: JsonPatchOperation[] = changed.map(({ key, present, entries }) => ({
    op: present ? 'replace' : 'add',
    path: `/metadata/annotations/${escapePointer(key)}`,
    value: writeUserEntries(entries),
  }));
  return { patch, notes };
}

function conflict(want: PlannedVolume, volumes: ReadonlyMap<string, VolumeBody>, mounts: UserEntries): MergeNote | 'satisfied' | undefined {
  const wanted = `${describeVolume(want.volume)} at ${want.mountPath} for ${want.origins.join(' and ')}`;
  const atPath = mounts.written.find(([, mount]) => typeof mount.mountPath === 'string' && normalizeDir(mount.mountPath) === want.mountPath);
  if (atPath) {
    const [name] = atPath;
    const existing = volumes.get(name);
    if (existing && (sameJson(existing, want.volume) || sameSecret(existing, want.volume))) return 'satisfied';
    return {
      annotation: USER_VOLUME_MOUNT,
      message:
        `the pod already mounts volume "${name}" (${existing ? describeVolume(existing) : 'not defined in userVolume'}) at ${want.mountPath}, ` +
        `so meshguard did not mount ${wanted}, and the sidecar reads whatever "${name}" holds. ` +
        `Remove that entry to let meshguard mount the certificates, or mount ${describeVolume(want.volume)} there yourself.`,
    };
  }
  const sameName = volumes.get(want.name);
  if ((sameName && !sameJson(sameName, want.volume)) || mounts.entries.has(want.name)) {
    return {
      annotation: sameName ? USER_VOLUME : USER_VOLUME_MOUNT,
      message: `the pod already uses the volume name "${want.name}" for something else, so meshguard did not mount ${wanted}. Rename that entry.`,
    };
  }
  return undefined;
}

/** The user already mounts the very Secret meshguard would (say, by hand before meshguard existed). */
function sameSecret(existing: VolumeBody, wanted: VolumeBody): boolean {
  const secretOf = (volume: VolumeBody) => (isRecord(volume.secret) && typeof volume.secret.secretName === 'string' ? volume.secret.secretName : undefined);
  const name = secretOf(wanted);
  return name !== undefined && secretOf(existing) === name;
}

function describeVolume(volume: VolumeBody): string {
  if (isRecord(volume.secret)) return `Secret ${String(volume.secret.secretName)}`;
  const sources = isRecord(volume.projected) && Array.isArray(volume.projected.sources) ? volume.projected.sources : undefined;
  if (sources) {
    const names = sources.map((s: unknown) => (isRecord(s) && isRecord(s.secret) ? String(s.secret.name) : '?'));
    return `Secrets ${names.join(' and ')}`;
  }
  return `a ${Object.keys(volume)[0] ?? 'empty'} volume`;
}

function malformedNote(error: MalformedAnnotation): MergeNote {
  return {
    annotation: error.annotation,
    message:
      `${error.message}, so meshguard left both sidecar.istio.io/userVolume and userVolumeMount as they are and mounted no TLS certificates; ` +
      `Istio's injector cannot read it either. Write it as a JSON map {"<volume>": {...}} or list [{"name": "<volume>", ...}].`,
  };
}

/** RFC 6901: `~` ▶ `~0`, `/` ▶ `~1` (`sidecar.istio.io/userVolume` ▶ `sidecar.istio.io~1userVolume`). */
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
