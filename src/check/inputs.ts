import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { InputProblem } from './report.js';

/** One input text: a file, or standard input (`-`). */
export interface Source {
  /** The name findings are reported under: the path as the user spelled it, or `<stdin>`. */
  name: string;
  text: string;
}

export const STDIN_NAME = '<stdin>';

/** Extensions read when walking a directory; a file named on the command line is read whatever its name. */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface ReadResult {
  sources: Source[];
  problems: InputProblem[];
}

/**
 * Reads every path: files, directories (recursively, in name order so the output is stable), and `-`
 * for standard input. Hidden entries and node_modules are skipped inside directories; symbolic links are
 * followed once (a link back to a directory already walked is not walked again).
 */
export async function readSources(paths: readonly string[], stdin: Readable): Promise<ReadResult> {
  const result: ReadResult = { sources: [], problems: [] };
  const walked = new Set<string>();
  for (const path of paths) {
    if (path === '-') {
      result.sources.push({ name: STDIN_NAME, text: await readStream(stdin) });
      continue;
    }
    collect(path, true, walked, result);
  }
  return result;
}

function collect(path: string, named: boolean, walked: Set<string>, result: ReadResult): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    result.problems.push({ file: path, message: describeFsError(error) });
    return;
  }
  if (!isDirectory) {
    if (named || MANIFEST_EXTENSIONS.has(extname(path).toLowerCase())) readFile(path, result);
    return;
  }
  const real = realpathSync(path);
  if (walked.has(real)) return;
  walked.add(real);
  let entries: string[];
  try {
    entries = readdirSync(path).sort();
  } catch (error) {
    result.problems.push({ file: path, message: describeFsError(error) });
    return;
  }
  for (const entry of entries) {
    if (entry.startsWith('.') || entry === 'node_modules') continue;
    collect(join(path, entry), false, walked, result);
  }
}

function readFile(path: string, result: ReadResult): void {
  try {
    result.sources.push({ name: path, text: readFileSync(path, 'utf8') });
  } catch (error) {
    result.problems.push({ file: path, message: describeFsError(error) });
  }
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** `ENOENT: no such file or directory, stat 'x'` ▶ `no such file or directory`. */
function describeFsError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ELOOP: 'too many levels of symbolic links',
  };
  return (code && reasons[code]) ?? message;
}
