/** Errors of the Kubernetes client's API calls, as one line for logs, /readyz and the check's messages. */

/** The HTTP status of a failed API call (`ApiException.code`, or `statusCode`), undefined for a network error. */
export function apiErrorStatus(error: unknown): number | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  return typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
}

/** The HTTP status and the API server's Status message when there is one, else the error's first line. */
export function describeApiError(error: unknown): string {
  if (!error || typeof error !== 'object') return String(error);
  const { message, body } = error as { message?: unknown; body?: unknown };
  const status = apiErrorStatus(error);
  const text = statusMessage(body) ?? (typeof message === 'string' ? headline(message) : String(error));
  return (status === undefined ? text : `HTTP ${status}: ${text}`).slice(0, 300);
}

/**
 * The client's ApiException says `HTTP-Code: 401\nMessage: Unauthorized\nBody: ...` when the body
 * is not a Status (401 answers carry none): its `Message:` line. Any other error: its first line.
 */
function headline(message: string): string {
  return /^Message: (.+)$/m.exec(message)?.[1] ?? message.split('\n', 1)[0]!;
}

function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
