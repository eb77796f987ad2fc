import { createHash } from 'node:crypto';
import type { PodMount, SecretFile } from './mapping.js';
import type { VolumeBody } from './user-volumes.js';

/** The files one Sidecar or DestinationRule (or the pod itself) asks for, with a label for messages. */
export interface MappingSource {
  /** `Sidecar demo/httpbin`, `DestinationRule demo/backend-mtls`. */
  label: string;
  files: readonly SecretFile[];
}

/** One volume meshguard wants in istio-proxy: a directory and what it holds. */
export interface PlannedVolume {
  name: string;
  mountPath: string;
  volume: VolumeBody;
  /** Which mappings asked for it, for messages. */
  origins: string[];
}

export interface VolumePlan {
  volumes: PlannedVolume[];
  /** Mappings that ask for the same file or directory with different contents, one sentence each. */
  conflicts: string[];
}

interface Item {
  secret: string;
  key: string;
  fileName: string;
  origin: string;
  fieldPath: string;
}

interface Directory {
  podSecret?: string;
  items: Item[];
  origins: string[];
}

/**
 * One volume per directory. The pod's own `meshguard.io/tls-mounts` mounts a whole Secret and wins
 * over Sidecar and DestinationRule mappings for its directory. Otherwise only the keys the sidecar
 * reads are projected, each to the file name the Istio object names (least privilege: a cert-manager
 * CA Secret also holds the CA's private key); files from two Secrets in one directory become one
 * projected volume, since a directory can hold only one volume.
 */
export function planVolumes(podMounts: readonly PodMount[], sources: readonly MappingSource[]): VolumePlan {
  const conflicts: string[] = [];
  const directories = new Map<string, Directory>();
  const directory = (dir: string) => directories.get(dir) ?? directories.set(dir, { items: [], origins: [] }).get(dir)!;

  for (const mount of podMounts) {
    const entry = directory(mount.dir);
    if (entry.podSecret === undefined) {
      entry.podSecret = mount.secret;
      entry.origins.push('the pod');
    } else if (entry.podSecret !== mount.secret) {
      conflicts.push(`the pod maps both Secret ${entry.podSecret} and Secret ${mount.secret} to ${mount.dir}; only ${entry.podSecret} is mounted.`);
    }
  }
  for (const source of sources) {
    for (const file of source.files) addItem(directory(file.dir), file, source.label, conflicts);
  }

  const names = volumeNames([...directories.keys()]);
  const volumes = [...directories].map(([dir, entry]) => ({
    name: names.get(dir)!,
    mountPath: dir,
    volume: volumeBody(entry),
    origins: entry.origins,
  }));
  return { volumes, conflicts };
}

function addItem(entry: Directory, file: SecretFile, origin: string, conflicts: string[]): void {
  const path = `${file.dir}/${file.fileName}`;
  if (entry.podSecret !== undefined) {
    if (entry.podSecret !== file.secret || file.key !== file.fileName) {
      conflicts.push(
        `${origin} ${file.fieldPath} reads ${path} from key ${file.key} of Secret ${file.secret}, but the pod's meshguard.io/tls-mounts ` +
          `mounts the whole Secret ${entry.podSecret} at ${file.dir}, so the sidecar finds ${entry.podSecret}'s keys there instead; ` +
          `point the file at another directory or drop that entry of meshguard.io/tls-mounts.`,
      );
    }
    return;
  }
  const same = entry.items.find((item) => item.fileName === file.fileName);
  if (!same) {
    entry.items.push({ secret: file.secret, key: file.key, fileName: file.fileName, origin, fieldPath: file.fieldPath });
    if (!entry.origins.includes(origin)) entry.origins.push(origin);
  } else if (same.secret !== file.secret || same.key !== file.key) {
    conflicts.push(
      `${origin} ${file.fieldPath} reads ${path} from key ${file.key} of Secret ${file.secret}, but ${same.origin} ${same.fieldPath} ` +
        `already fills that file from key ${same.key} of Secret ${same.secret}; only the first is mounted. Give one of them another file name or directory.`,
    );
  }
}

function volumeBody(entry: Directory): VolumeBody {
  if (entry.podSecret !== undefined) return { secret: { secretName: entry.podSecret } };
  const bySecret = new Map<string, Array<{ key: string; path: string }>>();
  for (const item of entry.items) {
    const items = bySecret.get(item.secret) ?? bySecret.set(item.secret, []).get(item.secret)!;
    items.push({ key: item.key, path: item.fileName });
  }
  const [only, ...others] = bySecret;
  if (only && others.length === 0) return { secret: { secretName: only[0], items: only[1] } };
  return { projected: { sources: [...bySecret].map(([name, items]) => ({ secret: { name, items } })) } };
}

/**
 * `meshguard-` plus the directory as a DNS label (`/etc/istio/tls-certs` ▶ `meshguard-etc-istio-tls-certs`):
 * readable, never one of Istio's own volume names, and the same on every invocation. Too long or
 * clashing slugs get a hash of the directory instead.
 */
function volumeNames(dirs: readonly string[]): Map<string, string> {
  const slugs = new Map(dirs.map((dir) => [dir, `meshguard-${dir.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}`]));
  const counts = new Map<string, number>();
  for (const slug of slugs.values()) counts.set(slug, (counts.get(slug) ?? 0) + 1);
  return new Map(
    [...slugs].map(([dir, slug]) => {
      if (slug.length <= 63 && counts.get(slug) === 1) return [dir, slug];
      const hash = createHash('sha256').update(dir).digest('hex').slice(0, 10);
      return [dir, `${slug.slice(0, 52).replace(/-+$/, '')}-${hash}`];
    }),
  );
}
