{{- define "meshguard.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "meshguard.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "meshguard.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "meshguard.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "meshguard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meshguard.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "meshguard.labels" -}}
{{ include "meshguard.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end }}

{{- define "meshguard.validatingWebhookName" -}}
{{ include "meshguard.fullname" . }}
{{- end }}

{{/* Must sort before Istio's injector configurations: see webhooks.mutating.configurationName. */}}
{{- define "meshguard.mutatingWebhookName" -}}
{{- $name := .Values.webhooks.mutating.configurationName | default (printf "00-%s" (include "meshguard.fullname" .)) }}
{{- if not (lt $name "istio-revision-tag-") }}
{{- fail (printf "webhooks.mutating.configurationName %q sorts after Istio's injector (istio-revision-tag-*, istio-sidecar-injector): Kubernetes calls mutating webhooks in name order and Istio's injector runs once, so meshguard's TLS volume annotations would arrive too late. Choose a name that sorts before \"istio-revision-tag-\", such as 00-meshguard." $name) }}
{{- end }}
{{- $name }}
{{- end }}

{{/* The Secret holding tls.crt and tls.key, in every certificate mode. */}}
{{- define "meshguard.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "secret" }}
{{- required "certificates.secret.name is required when certificates.mode is secret" .Values.certificates.secret.name }}
{{- else if eq .Values.certificates.mode "cert-manager" }}
{{- printf "%s-tls" (include "meshguard.fullname" .) }}
{{- else }}
{{- printf "%s-certs" (include "meshguard.fullname" .) }}
{{- end }}
{{- end }}

{{- define "meshguard.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* How the webhook configurations learn the CA: patched at runtime, injected by cert-manager, or given. */}}
{{- define "meshguard.caBundle" -}}
{{- if eq .Values.certificates.mode "secret" }}
caBundle: {{ required "certificates.secret.caBundle is required when certificates.mode is secret" .Values.certificates.secret.caBundle }}
{{- end }}
{{- end }}

{{- define "meshguard.webhookAnnotations" -}}
{{- if eq .Values.certificates.mode "cert-manager" }}
annotations:
  cert-manager.io/inject-ca-from: {{ printf "%s/%s-serving" .Release.Namespace (include "meshguard.fullname" .) }}
{{- end }}
{{- end }}

{{/* Namespaces meshguard never reviews: the configured ones and its own. */}}
{{- define "meshguard.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- range (append .Values.webhooks.excludedNamespaces .Release.Namespace | uniq) }}
        - {{ . | quote }}
        {{- end }}
{{- end }}

{{- define "meshguard.clientConfig" -}}
clientConfig:
  service:
    name: {{ include "meshguard.fullname" .root }}
    namespace: {{ .root.Release.Namespace }}
    path: {{ .path }}
    port: 443
  {{- with include "meshguard.caBundle" .root }}
  {{- . | nindent 2 }}
  {{- end }}
{{- end }}

{{/*
The settings meshguard reads only at start (server, certificates). The Deployment carries their
checksum, so changing them restarts the pods; everything else in the ConfigMap is reloaded live.
*/}}
{{- define "meshguard.startupSettings" -}}
{{- $server := dict
  "host" "0.0.0.0"
  "admissionPort" .Values.ports.admission
  "healthPort" .Values.ports.health
  "certDir" "/etc/meshguard/tls"
  "shutdownDelaySeconds" .Values.shutdownDelaySeconds }}
{{- $certificates := dict "source" "files" }}
{{- if eq .Values.certificates.mode "self-managed" }}
{{- $selfManaged := dict
  "namespace" .Release.Namespace
  "secretName" (include "meshguard.tlsSecretName" .)
  "serviceName" (include "meshguard.fullname" .)
  "validatingWebhookConfiguration" (include "meshguard.validatingWebhookName" .)
  "caValidityDays" .Values.certificates.selfManaged.caValidityDays
  "servingValidityDays" .Values.certificates.selfManaged.servingValidityDays }}
{{- if .Values.webhooks.mutating.enabled }}
{{- $_ := set $selfManaged "mutatingWebhookConfiguration" (include "meshguard.mutatingWebhookName" .) }}
{{- end }}
{{- $certificates = dict "source" "self-managed" "selfManaged" $selfManaged }}
{{- end }}
{{- toYaml (dict "server" $server "certificates" $certificates "cluster" (dict "source" "kubernetes")) }}
{{- end }}
