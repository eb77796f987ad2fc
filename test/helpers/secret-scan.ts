/** Shapes of credentials that must never appear in a log line, whatever put them there. */
const SECRET_SHAPES: ReadonlyArray<[string, RegExp]> = [
  ['a PEM private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['a JSON Web Token (service account tokens are JWTs)', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/],
  ['a bearer token', /bearer\s+[\w.~+/-]{8,}/i],
];

/**
 * The log lines that carry credential material: anything shaped like a private key, a token or a
 * bearer header, and any of the `planted` values (raw or JSON-escaped, as a JSON log line holds them).
 * Returns one description per leak, [] when the lines are clean.
 */
export function secretLeaks(lines: ReadonlyArray<string | object>, planted: readonly string[] = []): string[] {
  const needles = planted.flatMap((value) => [value, JSON.stringify(value).slice(1, -1)]);
  const leaks: string[] = [];
  for (const entry of lines) {
    const line = typeof entry === 'string' ? entry : JSON.stringify(entry);
    for (const [what, shape] of SECRET_SHAPES) if (shape.test(line)) leaks.push(`${what} in ${line.slice(0, 200)}`);
    if (needles.some((needle) => line.includes(needle))) leaks.push(`a planted secret in ${line.slice(0, 200)}`);
  }
  return leaks;
}
