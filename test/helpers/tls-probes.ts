import type { SecureVersion } from 'node:tls';
import { openTls } from './raw-tls.js';

/** What one handshake pinned to a single protocol version got. */
export interface HandshakeOutcome {
  /** The negotiated version, undefined when the handshake failed. */
  protocol: string | undefined;
  /** The error code of a failed handshake. */
  code: string | undefined;
  /** SHA-256 fingerprint of the certificate the server presented, undefined when the handshake failed. */
  certificate: string | undefined;
}

/**
 * A verified handshake that offers only `version`. Node 20's OpenSSL will not even offer TLS 1.0/1.1
 * at its default security level; SECLEVEL=0 makes the client really offer them, so a refusal comes
 * from the server (alert 70, protocol_version).
 */
export function handshakeOffering(url: string, ca: string, version: SecureVersion): Promise<HandshakeOutcome> {
  return openTls(url, ca, { minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0' }).then(
    (socket) => {
      const outcome = { protocol: socket.getProtocol() ?? undefined, code: undefined, certificate: socket.getPeerCertificate().fingerprint256 };
      socket.destroy();
      return outcome;
    },
    (error: NodeJS.ErrnoException) => ({ protocol: undefined, code: error.code, certificate: undefined }),
  );
}

/** What a client-initiated TLS 1.2 renegotiation got: `closed` with the socket's error code when refused. */
export async function renegotiationOutcome(url: string, ca: string): Promise<{ outcome: string; code: string | undefined }> {
  const socket = await openTls(url, ca, { maxVersion: 'TLSv1.2' });
  let error: NodeJS.ErrnoException | undefined;
  socket.on('error', (e) => (error = e));
  const outcome = await new Promise<string>((resolve) => {
    socket.once('close', () => resolve('closed'));
    socket.renegotiate({}, (e) => resolve(e ? `renegotiation failed: ${e.message}` : 'renegotiated'));
  });
  socket.destroy();
  return { outcome, code: error?.code };
}
