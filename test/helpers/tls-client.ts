import { request, type Agent } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface TlsPostResult {
  status: number;
  body: string;
  /** The client's port: the same value means the same TCP connection. */
  localPort: number;
  reusedSocket: boolean;
  /** SHA-256 fingerprint of the certificate the server presented on this connection. */
  peerFingerprint: string;
  headers: Record<string, string | string[] | undefined>;
}

/** POSTs JSON over `agent` and reports which connection and which server certificate answered. */
export function postJson(agent: Agent, url: string, body: unknown): Promise<TlsPostResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const socket = res.socket as TLSSocket;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          localPort: socket.localPort ?? 0,
          reusedSocket: req.reusedSocket,
          peerFingerprint: socket.getPeerCertificate().fingerprint256,
          headers: res.headers,
        }),
      );
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
