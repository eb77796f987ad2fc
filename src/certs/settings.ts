import { Type, type Static } from '@sinclair/typebox';

const Name = Type.String({ minLength: 1 });

/** Where the serving certificate comes from; the `certificates` block of the settings file. */
export const CertificatesSettingsSchema = Type.Object(
  {
    /**
     * files: tls.crt and tls.key in server.certDir, reloaded when they change (cert-manager, a Secret
     * you provide, development). self-managed: meshguard issues, stores and rotates them itself.
     */
    source: Type.Union([Type.Literal('files'), Type.Literal('self-managed')], { default: 'files' }),
    selfManaged: Type.Optional(
      Type.Object(
        {
          /** meshguard's own namespace: the Secret lives there and the Service is addressed in it. */
          namespace: Name,
          /** The Secret every replica reads and writes (create-if-absent, resourceVersion conflicts). */
          secretName: Name,
          /** The Service the API server dials: the serving certificate's DNS names. */
          serviceName: Name,
          /** The configurations whose caBundle meshguard keeps in step with its CA. */
          validatingWebhookConfiguration: Name,
          mutatingWebhookConfiguration: Type.Optional(Name),
          caValidityDays: Type.Integer({ minimum: 2, maximum: 3650, default: 365 }),
          servingValidityDays: Type.Integer({ minimum: 1, maximum: 397, default: 90 }),
          /** How often each replica re-reads the Secret and the caBundles (a few GETs, cheap). */
          checkIntervalSeconds: Type.Integer({ minimum: 1, default: 60 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, default: {} },
);

export type CertificatesSettings = Static<typeof CertificatesSettingsSchema>;
export type SelfManagedSettings = NonNullable<CertificatesSettings['selfManaged']>;
