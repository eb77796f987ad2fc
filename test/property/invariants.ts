import { isDeepStrictEqual } from 'node:util';
import fastJsonPatch from 'fast-json-patch';
import type { AdmissionReview, JsonPatchOperation } from '../../src/admission/types.js';

const RESPONSE_KEYS = new Set(['uid', 'allowed', 'status', 'warnings', 'patchType', 'patch']);
const PATCH_OPS = new Set(['add', 'remove', 'replace', 'test', 'move', 'copy']);

/**
 * Why a webhook answer is not one the API server accepts and shows well, or [] when it is: the uid
 * echoed, a boolean verdict, a 403/400 status with a one-line-per-finding message on denial, warnings
 * that are single non-empty lines, a base64 JSON Patch only with patchType, and plain JSON throughout.
 */
export function wellFormedProblems(review: AdmissionReview, uid: string): string[] {
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(problem);
  if (review.apiVersion !== 'admission.k8s.io/v1') fail(`apiVersion ${String(review.apiVersion)}`);
  if (review.kind !== 'AdmissionReview') fail(`kind ${String(review.kind)}`);
  const response = review.response;
  if (!response) return [...problems, 'no response'];
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(review)), review)) fail('not plain JSON');
  const unknown = Object.keys(response).filter((key) => !RESPONSE_KEYS.has(key));
  if (unknown.length > 0) fail(`unknown response fields ${unknown.join(', ')}`);
  if (response.uid !== uid) fail(`uid ${response.uid} instead of ${uid}`);
  if (typeof response.allowed !== 'boolean') fail('allowed is not a boolean');
  if (response.allowed && response.status) fail('allowed with a status');
  if (!response.allowed) problems.push(...statusProblems(response.status));
  if (response.warnings !== undefined) {
    if (!Array.isArray(response.warnings) || response.warnings.length === 0) fail('warnings present but empty');
    for (const warning of response.warnings ?? []) {
      if (typeof warning !== 'string' || warning.trim() === '' || /[\r\n\t]/.test(warning)) fail(`warning the API server drops: ${JSON.stringify(warning)}`);
    }
  }
  if ((response.patch === undefined) !== (response.patchType === undefined)) fail('patch and patchType must come together');
  if (response.patch !== undefined) {
    if (response.patchType !== 'JSONPatch') fail(`patchType ${String(response.patchType)}`);
    const ops = decodePatch(response.patch);
    if (!ops) fail('patch is not base64 JSON Patch');
    else if (!response.allowed) fail('patch on a denied review');
  }
  return problems;
}

function statusProblems(status: { code?: number; reason?: string; message?: string } | undefined): string[] {
  if (!status) return ['denied without a status'];
  const problems: string[] = [];
  if (typeof status.message !== 'string' || status.message === '') problems.push('denial without a message');
  if (status.code === 403) {
    if (status.reason !== 'Forbidden') problems.push(`403 with reason ${String(status.reason)}`);
    for (const line of String(status.message).split('\n')) {
      if (!/^\[MG\d{3}\] [^\s]/.test(line)) problems.push(`denial line without a rule id and field: ${JSON.stringify(line.slice(0, 80))}`);
      if (/\t/.test(line)) problems.push('tab in a denial line');
    }
  } else if (status.code === 400) {
    if (status.reason !== 'BadRequest') problems.push(`400 with reason ${String(status.reason)}`);
    if (!String(status.message).startsWith('meshguard cannot check this ')) problems.push(`400 message ${JSON.stringify(status.message)}`);
    if (/[\r\n\t]/.test(String(status.message))) problems.push('400 message is not one line');
  } else {
    problems.push(`status code ${String(status.code)}`);
  }
  return problems;
}

/** The JSON Patch of a response, or undefined when it is not base64 JSON of RFC 6902 operations. */
export function decodePatch(patch: string | undefined): JsonPatchOperation[] | undefined {
  if (patch === undefined) return [];
  let ops: unknown;
  try {
    ops = JSON.parse(Buffer.from(patch, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  const valid =
    Array.isArray(ops) &&
    ops.every((op: { op?: unknown; path?: unknown }) => typeof op === 'object' && op !== null && PATCH_OPS.has(String(op.op)) && typeof op.path === 'string');
  return valid ? (ops as JsonPatchOperation[]) : undefined;
}

/** Applies a patch the way the API server does (every operation must apply); throws when one does not. */
export function applyPatch<T>(document: T, ops: readonly JsonPatchOperation[]): T {
  return fastJsonPatch.applyPatch(structuredClone(document), ops as fastJsonPatch.Operation[], true, false).newDocument;
}
