import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a raw exchange saw: the bytes the server sent, and whether it closed the socket before we gave up. */
export interface RawExchange {
  response: string;
  closedByServer: boolean;
  /** The HTTP status of the first response, or 0 when the server sent none. */
  status: number;
  error?: string;
}

/** A step of a raw exchange: bytes to write, or a pause. */
export type RawStep = string | Buffer | { pauseMs: number };

export function endpointOf(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}

/** A verified TLS connection to the admission listener, resolved once the handshake is done. */
export function openTls(url: string, ca: string, options: ConnectionOptions = {}): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ ...endpointOf(url), ca, servername: 'localhost', ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Writes the steps over a fresh TLS connection (or plain TCP with `plain`), then waits for the server
 * to close the socket; `giveUpMs` after the connection is up the client closes it itself and
 * `closedByServer` is false.
 */
export async function rawExchange(
  url: string,
  ca: string,
  steps: readonly RawStep[],
  { giveUpMs = 8_000, plain = false }: { giveUpMs?: number; plain?: boolean } = {},
): Promise<RawExchange> {
  const socket: Socket = plain ? netConnect(endpointOf(url)) : tlsConnect({ ...endpointOf(url), ca, servername: 'localhost' });
  const chunks: Buffer[] = [];
  let error: string | undefined;
  let givenUp = false;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (e: Error) => (error = e.message));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await Promise.race([new Promise((resolve) => socket.once(plain ? 'connect' : 'secureConnect', resolve)), closed]);
  // The clock starts once the connection is up: a loaded machine may take a while to complete handshakes.
  const giveUp = setTimeout(() => {
    givenUp = true;
    socket.destroy();
  }, giveUpMs);
  socket.once('close', () => clearTimeout(giveUp));
  for (const step of steps) {
    if (socket.destroyed) break;
    if (typeof step === 'object' && 'pauseMs' in step) await sleep(step.pauseMs);
    else socket.write(step);
  }
  await closed;
  const response = Buffer.concat(chunks).toString('latin1');
  return { response, closedByServer: !givenUp, status: statusOf(response), ...(error ? { error } : {}) };
}

export function statusOf(response: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(response);
  return match ? Number(match[1]) : 0;
}

/** An HTTP/1.1 request head for POST with a JSON body of `length` bytes. */
export function postHead(path: string, length: number, extra = ''): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;
}
