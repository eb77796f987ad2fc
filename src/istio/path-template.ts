/**
 * istiod's `security.CheckValidPathTemplate`: `{*}` matches one path segment and `{**}` any number of
 * segments; `{**}` must be the last operator, nothing else may contain braces, and with a template the
 * other segments must be plain RFC 3986 pchar literals (no `*`).
 */
const MATCH_ONE = '{*}';
const MATCH_ANY = '{**}';
const VALID_LITERAL = /^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/;

export function containsPathTemplate(path: string): boolean {
  return path.includes(MATCH_ONE) || path.includes(MATCH_ANY);
}

/** Why istiod rejects the path's template syntax, or undefined when it accepts it. */
export function pathTemplateProblem(path: string): string | undefined {
  const templated = containsPathTemplate(path);
  let sawMatchAny = false;
  for (const segment of path.replace(/^\/+|\/+$/g, '').split('/')) {
    if (segment === MATCH_ONE || segment === MATCH_ANY) {
      if (sawMatchAny) return '{**} must be the last operator of the template';
      sawMatchAny = segment === MATCH_ANY;
      continue;
    }
    if (/[{}]/.test(segment)) return `segment ${JSON.stringify(segment)} has braces that are not a {*} or {**} operator of their own`;
    if (templated && !VALID_LITERAL.test(segment)) return `segment ${JSON.stringify(segment)} is not a plain literal, which a path template requires`;
  }
  return undefined;
}
