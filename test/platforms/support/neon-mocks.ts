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
