import { describe, expect, it } from "vitest";
import { createNeonPlatform, NeonBranch, NeonProject, neonSettingsSchema } from "../../infra/platforms/neon";
import { plaintextOccurrences, resolve, runUnderMocks, single } from "./support/mock-program";

const ownerPassword = "owner-password-from-neon";
const branchPassword = "branch-role-password";
const parentStack = "organization/pgvector-stack/dev";

const neonOutputs = {
  "neon:index/project:Project": (name: string) => ({
    databaseHost: `ep-${name}.us-east-2.aws.neon.tech`,
    defaultBranchId: "br-main-1",
  }),
  "neon:index/role:Role": () => ({ password: ownerPassword }),
  "neon:index/endpoint:Endpoint": (name: string) => ({ host: `ep-${name}-pr.us-east-2.aws.neon.tech` }),
};

const roleLookups: Record<string, unknown>[] = [];
const calls = {
  "neon:index/getBranchRolePassword:getBranchRolePassword": (inputs: Record<string, unknown>) => {
    roleLookups.push(inputs);
    return { ...inputs, password: branchPassword };
  },
};

describe("neon settings", () => {
  it("fills defaults: small autoscaling compute, PostgreSQL 17, database app owned by app_owner, parent dev", () => {
    expect(neonSettingsSchema.parse({})).toEqual({
      region: "aws-us-east-2",
      postgresVersion: 17,
      compute: { minCu: 0.25, maxCu: 1, suspendTimeoutSeconds: 300 },
      database: "app",
      ownerRole: "app_owner",
      parentStack: "dev",
    });
  });

  it.each([
    [{ postgresVersion: 13 }, ["postgresVersion"], "must be one of 14, 15, 16, 17, 18"],
    [{ region: "us-east-1" }, ["region"], "must be a Neon region id"],
    [{ compute: { minCu: 0.3 } }, ["compute", "minCu"], "must be a Neon compute size"],
    [{ compute: { minCu: 2, maxCu: 1 } }, ["compute", "maxCu"], "(1) must be >= minCu (2)"],
    [{ compute: { minCu: 1, maxCu: 10 } }, ["compute", "maxCu"], "autoscaling range of at most 8 CU"],
    [{ database: "My-App" }, ["database"], "lower-case identifier"],
    [{ size: 1 }, [], 'Unrecognized key: "size"'],
  ])("rejects %j at %j", (input, path, message) => {
    const result = neonSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const issue = result.error?.issues.find((candidate) => candidate.path.join(".") === path.join("."));
    expect(issue?.message).toContain(message);
  });
});

describe("NeonProject (dev and prod stacks)", () => {
  const settings = neonSettingsSchema.parse({ region: "aws-eu-central-1", postgresVersion: 16, compute: { maxCu: 2 } });

  async function run(protect: boolean) {
    return runUnderMocks(
      () => createNeonPlatform("db", settings, { stack: protect ? "prod" : "dev", ephemeral: false, protect }),
      { stack: protect ? "prod" : "dev", outputs: neonOutputs, calls },
    );
  }

  it("creates a project with region, version and autoscaling limits, and the database owned by its role", async () => {
    const { result, registrations } = await run(false);
    expect(result).toBeInstanceOf(NeonProject);
    expect(registrations.filter((r) => r.custom).map((r) => r.type)).toEqual([
      "neon:index/project:Project",
      "neon:index/role:Role",
      "neon:index/database:Database",
    ]);
    const project = single(registrations, "neon:index/project:Project");
    expect(project.inputs).toMatchObject({
      name: "pgvector-stack-dev",
      regionId: "aws-eu-central-1",
      pgVersion: 16,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, suspendTimeoutSeconds: 300 },
    });
    const role = single(registrations, "neon:index/role:Role");
    expect(role.inputs).toMatchObject({ projectId: "db-id", branchId: "br-main-1", name: "app_owner" });
    const database = single(registrations, "neon:index/database:Database");
    expect(database.inputs).toMatchObject({ projectId: "db-id", branchId: "br-main-1", name: "app", ownerName: "app_owner" });
    expect(database.dependencies).toEqual(expect.arrayContaining([project.urn, role.urn]));
    expect(project.protect || database.protect).toBe(false);
  });

  it("hands the shared layer the direct host, the owner's secret password, sslmode require and no allowlist", async () => {
    const { result } = await run(false);
    const platform = result.platformDatabase;
    expect((await resolve(platform.host)).value).toBe("ep-db.us-east-2.aws.neon.tech");
    expect(platform.port).toBe(5432);
    expect((await resolve(platform.database)).value).toBe("app");
    expect((await resolve(platform.adminUser)).value).toBe("app_owner");
    expect(await resolve(platform.adminPassword)).toEqual({ value: ownerPassword, secret: true });
    expect(platform.sslmode).toBe("require");
    expect(platform.extensionPrerequisites).toEqual([]);
    expect(platform.extensionSchema).toBeUndefined();
    expect(platform.databaseResource).toBe((result as NeonProject).database);
    expect((await resolve(result.projectId)).value).toBe("db-id");
    expect((await resolve(result.branchId)).value).toBe("br-main-1");
  });

  it("protects the project and database on prod", async () => {
    const { registrations } = await run(true);
    expect(single(registrations, "neon:index/project:Project").protect).toBe(true);
    expect(single(registrations, "neon:index/database:Database").protect).toBe(true);
  });
});

describe("NeonBranch (ephemeral pull-request stacks)", () => {
  const settings = neonSettingsSchema.parse({ compute: { minCu: 0.25, maxCu: 0.5 } });

  // Only these two outputs exist: requireOutput of any other name would fail the run.
  async function run(stackOutputs: Record<string, unknown> = { neonProjectId: "proj-dev", neonBranchId: "br-dev" }) {
    roleLookups.length = 0;
    return runUnderMocks(() => createNeonPlatform("db", settings, { stack: "pr-123", ephemeral: true, protect: true }), {
      stack: "pr-123",
      outputs: neonOutputs,
      calls,
      stackOutputs: { [parentStack]: stackOutputs },
    });
  }

  it("branches the dev stack's branch, found through a StackReference, and gives it a compute of its own", async () => {
    const { result, registrations } = await run();
    expect(result).toBeInstanceOf(NeonBranch);
    expect(registrations.filter((r) => r.custom).map((r) => r.type)).toEqual([
      "pulumi:pulumi:StackReference",
      "neon:index/branch:Branch",
      "neon:index/endpoint:Endpoint",
    ]);
    expect(single(registrations, "pulumi:pulumi:StackReference").inputs).toMatchObject({ name: parentStack });
    const branch = single(registrations, "neon:index/branch:Branch");
    expect(branch.inputs).toEqual({ projectId: "proj-dev", parentId: "br-dev", name: "pr-123", protected: "no" });
    expect(branch.protect).toBe(false);
    const endpoint = single(registrations, "neon:index/endpoint:Endpoint");
    expect(endpoint.inputs).toMatchObject({
      projectId: "proj-dev",
      branchId: "db-id",
      type: "read_write",
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 0.5,
    });
    expect(endpoint.dependencies).toContain(branch.urn);
  });

  it("connects as the copied owner role, whose password it reads from the branch, to the copied database", async () => {
    const { result } = await run();
    const platform = result.platformDatabase;
    expect((await resolve(platform.host)).value).toBe("ep-db-pr.us-east-2.aws.neon.tech");
    expect(platform.database).toBe("app");
    expect(platform.adminUser).toBe("app_owner");
    expect(await resolve(platform.adminPassword)).toEqual({ value: branchPassword, secret: true });
    expect(roleLookups).toEqual([{ projectId: "proj-dev", branchId: "db-id", roleName: "app_owner" }]);
    // In-database objects go with the branch: destroy needs no connection.
    expect(platform.databaseResource).toBe((result as NeonBranch).branch);
    expect(platform.connectivityPrerequisites).toEqual([(result as NeonBranch).endpoint]);
  });

  it("refuses to branch from itself", async () => {
    const self = neonSettingsSchema.parse({ parentStack: "pr-123" });
    const program = () => createNeonPlatform("db", self, { stack: "pr-123", ephemeral: true, protect: false });
    await expect(runUnderMocks(program, { stack: "pr-123" })).rejects.toThrow(
      /neon.parentStack is "pr-123", the stack itself/,
    );
  });
});

describe("secrets", () => {
  it("no Neon password appears in plain text in any registered input", async () => {
    const settings = neonSettingsSchema.parse({});
    for (const ephemeral of [false, true]) {
      const { registrations, result } = await runUnderMocks(
        () => createNeonPlatform("db", settings, { stack: ephemeral ? "pr-1" : "dev", ephemeral, protect: false }),
        {
          stack: ephemeral ? "pr-1" : "dev",
          outputs: neonOutputs,
          calls,
          stackOutputs: { [parentStack]: { neonProjectId: "p", neonBranchId: "b" } },
        },
      );
      await resolve(result.platformDatabase.adminPassword);
      for (const registration of registrations) {
        expect(plaintextOccurrences(registration.wire, ownerPassword)).toEqual([]);
        expect(plaintextOccurrences(registration.wire, branchPassword)).toEqual([]);
      }
    }
  });
});
