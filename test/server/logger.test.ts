import t from 'tap';
import { capturingLogger } from '../helpers/log-capture.js';
import { quickCertificates } from '../helpers/quick-certs.js';
import { secretLeaks } from '../helpers/secret-scan.js';

const { certPem, keyPem } = quickCertificates();
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';

t.test('a serving certificate, a certificate Secret or request headers logged whole have their credentials redacted', async (t) => {
  const { logger, lines } = capturingLogger();
  logger.info({ certificate: { cert: certPem, key: keyPem, notAfter: '2030-01-01T00:00:00.000Z' } }, 'certificate');
  logger.info({ secret: { metadata: { name: 'meshguard-certs' }, data: { 'tls.key': Buffer.from(keyPem).toString('base64') }, stringData: { 'tls.key': keyPem } } }, 'secret');
  logger.info({ req: { url: '/validate', headers: { authorization: `Bearer ${TOKEN}`, cookie: `session=${TOKEN}`, 'content-type': 'application/json' } } }, 'request');

  t.same(secretLeaks(lines, [Buffer.from(keyPem).toString('base64')]), []);
  t.match(lines[0], { certificate: { cert: certPem, key: '[redacted]' } });
  t.match(lines[1], { secret: { metadata: { name: 'meshguard-certs' }, data: '[redacted]', stringData: '[redacted]' } });
  t.match(lines[2], { req: { url: '/validate', headers: { authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' } } });
});

t.test('the same field names elsewhere in a line are logged as they are: a review line names a Secret and a key by reference', async (t) => {
  const { logger, lines } = capturingLogger();
  logger.info({ secret: 'meshguard/meshguard-certs', key: 'tls.key', rules: ['MG501'], name: 'backend' }, 'review');
  t.match(lines[0], { secret: 'meshguard/meshguard-certs', key: 'tls.key', rules: ['MG501'], name: 'backend', msg: 'review' });
});
