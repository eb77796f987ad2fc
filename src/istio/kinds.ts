import type {
  AuthorizationPolicySpec,
  DestinationRuleSpec,
  PeerAuthenticationSpec,
  RequestAuthenticationSpec,
  SidecarSpec,
} from './generated/crd-types.js';

export type {
  AuthorizationPolicySpec,
  DestinationRuleSpec,
  PeerAuthenticationSpec,
  RequestAuthenticationSpec,
  SidecarSpec,
};

/** Minimal Pod shape: the fields the mutation and the rules read. */
export interface PodSpec {
  serviceAccountName?: string;
  containers?: Array<{ name?: string; ports?: Array<{ containerPort?: number; name?: string; protocol?: string }> }>;
}

/**
 * authentication.istio.io/v1alpha1 Policy and MeshPolicy, removed in Istio 1.6 (there is no CRD to
 * generate from): the fields the conversion to PeerAuthentication reads. Anything may arrive here, so
 * readers check each value.
 */
export interface AlphaAuthenticationPolicySpec {
  targets?: Array<{ name?: string; ports?: Array<{ number?: number; name?: string }> }>;
  peers?: Array<{ mtls?: { mode?: string } | null; jwt?: unknown }>;
  peerIsOptional?: boolean;
  origins?: unknown[];
}

/** Spec type of every kind meshguard has rules for, keyed by kind. */
export interface KindSpecs {
  AuthorizationPolicy: AuthorizationPolicySpec;
  PeerAuthentication: PeerAuthenticationSpec;
  RequestAuthentication: RequestAuthenticationSpec;
  DestinationRule: DestinationRuleSpec;
  Sidecar: SidecarSpec;
  Pod: PodSpec;
  Policy: AlphaAuthenticationPolicySpec;
  MeshPolicy: AlphaAuthenticationPolicySpec;
}

export type RuleKind = keyof KindSpecs;

export const KIND_GROUPS: Readonly<Record<RuleKind, string>> = {
  AuthorizationPolicy: 'security.istio.io',
  PeerAuthentication: 'security.istio.io',
  RequestAuthentication: 'security.istio.io',
  DestinationRule: 'networking.istio.io',
  Sidecar: 'networking.istio.io',
  Pod: '',
  Policy: 'authentication.istio.io',
  MeshPolicy: 'authentication.istio.io',
};

/** The versions Istio serves for each kind (v1alpha3 and v1beta1 of the networking kinds are aliases of v1). */
export const KIND_VERSIONS: Readonly<Record<RuleKind, readonly string[]>> = {
  AuthorizationPolicy: ['v1', 'v1beta1'],
  PeerAuthentication: ['v1', 'v1beta1'],
  RequestAuthentication: ['v1', 'v1beta1'],
  DestinationRule: ['v1', 'v1beta1', 'v1alpha3'],
  Sidecar: ['v1', 'v1beta1', 'v1alpha3'],
  Pod: ['v1'],
  Policy: ['v1alpha1'],
  MeshPolicy: ['v1alpha1'],
};

export function ruleKindOf(group: string, kind: string): RuleKind | undefined {
  const candidate = kind as RuleKind;
  return Object.hasOwn(KIND_GROUPS, candidate) && KIND_GROUPS[candidate] === group ? candidate : undefined;
}
