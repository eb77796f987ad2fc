import { originatesTls, tlsSites } from '../istio/destination-rule.js';
import { defineRule, type Finding } from './types.js';

export const mg303 = defineRule({
  id: 'MG303',
  kinds: ['DestinationRule'],
  severity: 'warn',
  summary: 'SIMPLE/MUTUAL TLS origination without caCertificates or credentialName, or with insecureSkipVerify.',
  needsCluster: false,
  check({ object }) {
    const host = object.spec?.host ?? 'the host';
    return tlsSites(object.spec).flatMap(({ path, tls, where }): Finding[] => {
      if (!originatesTls(tls)) return [];
      if (tls.insecureSkipVerify === true) {
        return [{
          rule: 'MG303',
          severity: 'warn',
          path: `${path}.insecureSkipVerify`,
          message:
            `${tls.mode} TLS to ${host}${where} skips verifying the server certificate, so anyone who can intercept the connection can ` +
            `impersonate ${host} and read the traffic. Remove insecureSkipVerify and set caCertificates to the CA that signed the server.`,
        }];
      }
      if (tls.caCertificates || tls.credentialName) return [];
      return [{
        rule: 'MG303',
        severity: 'warn',
        path: `${path}.caCertificates`,
        message:
          `${tls.mode} TLS to ${host}${where} names no CA to verify the server with: the sidecar falls back to the proxy's system trust ` +
          `store (VERIFY_CERTIFICATE_AT_CLIENT), which rejects a server signed by a private or third-party root, or, with that ` +
          `setting off, accepts any certificate. Set caCertificates to the root CA file mounted in the sidecar, or use credentialName.`,
      }];
    });
  },
});
