import { createServer, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TLS_MIN_VERSION, loadServingCertificate } from '../src/server/tls.js';
import { fixedAllowedReview, floorServerArgs } from './floor-common.js';

/**
 * The floor: what any webhook pays for TLS, HTTP and JSON and can never go below. Bare node:https
 * with meshguard's certificate and TLS settings; it reads the body, parses it, and answers a fixed
 * allowed AdmissionReview with the request's uid. Run as its own process by the benchmark.
 */
const { certDir, port } = floorServerArgs('floor-server');

const certificate = loadServingCertificate(certDir);
const options: ServerOptions = { key: certificate.key, cert: certificate.cert, minVersion: TLS_MIN_VERSION, keepAliveTimeout: 95_000 };
const server = createServer(options, answer);
server.listen(port, '127.0.0.1');
// An orderly exit, so that a V8 CPU profile (--cpu-prof) is written.
process.once('SIGINT', () => process.exit(0));

function answer(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    let uid: unknown;
    try {
      uid = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: unknown } }).request?.uid;
    } catch {
      uid = undefined;
    }
    if (typeof uid !== 'string') {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"BadRequest"}');
      return;
    }
    const body = JSON.stringify(fixedAllowedReview(uid));
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  });
}
