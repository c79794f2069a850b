// What the Neon provider and the dev stack hand a Neon stack under mocks: the project's host and default branch,
// the owner role's password, the branch's compute, the parent stack's outputs and the branch role lookup.
import { type MockOptions, type MockRun, project, runStack } from "../../infra/harness";

export const neonApiKey = "napi_test_key_0123456789";
export const neonOwnerPassword = "owner-password-from-neon";
export const neonBranchPassword = "branch-role-password";
export const neonParentStack = `organization/${project}/dev`;

/** The inputs of every getBranchRolePassword call of the last runNeonStack. */
export const neonRoleLookups: Record<string, unknown>[] = [];

const neonMocks: MockOptions = {
  secretKeys: ["neon:apiKey"],
  outputs: {
    "neon:index/project:Project": (name) => ({
      databaseHost: `ep-${name}-main.us-east-2.aws.neon.tech`,
      defaultBranchId: "br-main-1",
    }),
    "neon:index/role:Role": () => ({ password: neonOwnerPassword }),
    "neon:index/endpoint:Endpoint": (name) => ({ host: `ep-${name}-pr.us-east-2.aws.neon.tech` }),
  },
  calls: {
    "neon:index/getBranchRolePassword:getBranchRolePassword": (inputs) => {
      neonRoleLookups.push(inputs);
      return { ...inputs, id: "lookup", password: neonBranchPassword };
    },
  },
  stackOutputs: { [neonParentStack]: { neonProjectId: "proj-dev", neonBranchId: "br-dev", unrelated: "x" } },
};

export function neonConfig(neon: Record<string, unknown>, extra: Record<string, string> = {}): Record<string, string> {
  return { platform: "neon", "neon:apiKey": neonApiKey, neon: JSON.stringify(neon), ...extra };
}

export function runNeonStack(stack: string, config: Record<string, string>): Promise<MockRun> {
  neonRoleLookups.length = 0;
  return runStack(stack, config, neonMocks);
}

/** The part of Neon's project creation request that plans limit. */
export interface NeonProjectCreateRequest {
  history_retention_seconds: number;
  default_endpoint_settings: { suspend_timeout_seconds?: number };
}

/**
 * The project creation request the Neon provider builds from a registered Project's inputs, as far as plans limit
 * it (kislerdm/terraform-provider-neon, internal/provider/resource_project.go): `history_retention_seconds` is
 * Optional with a schema Default, so an unset one goes out as that default, which the bridged 0.13.0 schema
 * documents as "Default: 1 day" (node_modules/@sst-provider/neon/bin/project.d.ts; issue #176 shows the provider
 * sending 86400); mapToDefaultEndpointsSettings sends `suspend_timeout_seconds` only when it is > 0.
 */
export function neonProjectCreateRequest(inputs: Record<string, unknown>): NeonProjectCreateRequest {
  const providerDefaultHistoryRetentionSeconds = 86_400;
  const endpoint = (inputs.defaultEndpointSettings ?? {}) as Record<string, unknown>;
  const suspend = Number(endpoint.suspendTimeoutSeconds ?? 0);
  return {
    history_retention_seconds: Number(inputs.historyRetentionSeconds ?? providerDefaultHistoryRetentionSeconds),
    default_endpoint_settings: suspend > 0 ? { suspend_timeout_seconds: suspend } : {},
  };
}

/** Neon's Free plan: a restore window of at most 6 hours (https://neon.com/docs/introduction/restore-window). */
export const neonFreePlanMaxHistoryRetentionSeconds = 21_600;

/**
 * The Neon API's HTTP 400 for a restore window over the plan's maximum, worded as the API words it
 * (kislerdm/terraform-provider-neon issue #176); undefined when the request is accepted.
 */
export function neonApiRejection(request: NeonProjectCreateRequest, maxHistoryRetentionSeconds: number) {
  const requested = request.history_retention_seconds;
  if (requested <= maxHistoryRetentionSeconds) return undefined;
  return `[HTTP Code: 400] requested history retention seconds exceeds allowed maximum; requested_history_retention_seconds:"${requested}", max:"${maxHistoryRetentionSeconds}"`;
}
