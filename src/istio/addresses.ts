import { isIP } from 'node:net';

/**
 * istiod's `security.ValidateIPs`: a value with `/` must parse as a CIDR prefix (Go netip.ParsePrefix),
 * anything else as a plain address (netip.ParseAddr). Returns why the value is invalid, or undefined.
 */
export function ipOrCidrProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  if (slash < 0) return isIP(value) === 0 ? `${quote(value)} is not an IP address` : undefined;
  const address = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  const family = address.includes('%') ? 0 : isIP(address);
  if (family === 0) return `${quote(value)} is not a CIDR range: ${quote(address)} is not an IP address`;
  const max = family === 4 ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(bits) || Number(bits) > max) {
    return `${quote(value)} is not a CIDR range: the prefix length must be a number from 0 to ${max}`;
  }
  return undefined;
}

/**
 * istiod's `security.ValidatePorts` (AuthorizationPolicy `ports`, `notPorts`, `destination.port`): a
 * decimal integer from 0 to 65535. Ranges (`8000-8080`), names (`http`) and wildcards are rejected.
 */
export function portStringProblem(value: string): string | undefined {
  if (!/^\d+$/.test(value)) {
    if (/^\d+\s*[-:]\s*\d+$/.test(value)) return `${quote(value)} is a port range, and Istio matches single ports only`;
    return `${quote(value)} is not a port number`;
  }
  return Number(value) > 65535 ? `${quote(value)} is above 65535` : undefined;
}

/** A port number as istiod's `agent.ValidatePort` accepts it for listeners: 1 to 65535. */
export function isListenerPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function quote(value: string): string {
  return JSON.stringify(value);
}
