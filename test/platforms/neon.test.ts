import { describe, expect, it } from "vitest";
import { neonSettingsSchema } from "../../infra/platforms/neon";
import { neonPooledHost } from "../../infra/platforms/neon/neon-platform-database";
import { configProblems } from "../infra/config-problems";
import { byType, generatedPasswords, plainTextLeaks, type Registration, single } from "../infra/harness";
import {
  neonApiKey,
  neonApiRejection,
  neonBranchPassword,
  neonConfig,
  neonFreePlanMaxHistoryRetentionSeconds,
  neonOwnerPassword,
  neonParentStack,
  neonProjectCreateRequest,
  neonRoleLookups,
  runNeonStack,
} from "./support/neon-mocks";

const project = "pgvector-stack";
const run = runNeonStack;

const custom = (registrations: readonly Registration[]) => registrations.filter((r) => r.custom).map((r) => r.type);
const inDatabaseTypes = [
  "postgresql:index/extension:Extension",
  "pulumi-nodejs:dynamic/pgvector:Migrations",
  "postgresql:index/grant:Grant",
  "postgresql:index/defaultPrivileges:DefaultPrivileges",
];

describe("neon settings", () => {
  it("fills defaults: a small autoscaling compute, owner role app_owner, ephemeral stacks branch from dev", () => {
    expect(neonSettingsSchema.parse({})).toEqual({
      region: "aws-us-east-2",
      plan: "free",
      compute: { minCu: 0.25, maxCu: 1 },
      historyRetentionSeconds: 21600,
      ownerRole: "app_owner",
      parentStack: "dev",
    });
  });

  const problems = (config: Record<string, string>, secretKeys = ["neon:apiKey"], stack = "dev") =>
    configProblems(config, { stack, secretKeys });

  it.each([
    [{ region: "us-east-1" }, "neon.region: must be a Neon region id such as aws-us-east-2 or azure-eastus2"],
    [{ compute: { minCu: 0.3 } }, "neon.compute.minCu: must be a Neon compute size: 0.25, 0.5, 1, 2,"],
    [{ compute: { minCu: 2, maxCu: 1 } }, "neon.compute.maxCu: (1) must be >= minCu (2)"],
    [
      { plan: "scale", compute: { minCu: 1, maxCu: 10 } },
      "neon.compute.maxCu: minus minCu is 9 CU; Neon allows an autoscaling range of at most 8 CU",
    ],
    [{ ownerRole: "Owner" }, 'neon.ownerRole: "Owner" is not a lower-case PostgreSQL identifier'],
    [{ ownerRole: "postgres" }, 'neon.ownerRole: "postgres" is reserved'],
    [
      { computeSize: 1 },
      'neon: has no field "computeSize". Accepted fields: plan, projectName, region, orgId, compute, readReplicas, historyRetentionSeconds, ownerRole, parentStack or adopt.',
    ],
    [{ historyRetentionSeconds: -1 }, "neon.historyRetentionSeconds: -1 is too small: at least 0."],
    [{ compute: { maxCu: "2" } }, 'neon.compute.maxCu: "2" is not a number.'],
    [{ plan: "pro" }, "neon.plan:"],
    [
      { historyRetentionSeconds: 86400 },
      "neon.historyRetentionSeconds: (86400) exceeds the free plan's restore window of at most 21600 seconds (set neon.plan to launch or scale",
    ],
    [
      { plan: "launch", historyRetentionSeconds: 2592000 },
      "neon.historyRetentionSeconds: (2592000) exceeds the launch plan's restore window of at most 604800 seconds",
    ],
    [{ compute: { maxCu: 4 } }, "neon.compute.maxCu: (4) exceeds the free plan's autoscaling limit of 2 CU"],
    [
      { compute: { suspendTimeoutSeconds: 600 } },
      "neon.compute.suspendTimeoutSeconds: cannot be set on the free plan: its computes always suspend after 5 minutes",
    ],
    [
      { plan: "launch", compute: { suspendTimeoutSeconds: 600 } },
      "neon.compute.suspendTimeoutSeconds: (600) is not offered on the launch plan",
    ],
  ])("rejects %j", (neon, message) => {
    expect(problems(neonConfig(neon))).toEqual([expect.stringContaining(message)]);
  });

  it("accepts what each plan allows", () => {
    expect(
      problems(neonConfig({ plan: "launch", historyRetentionSeconds: 604800, compute: { suspendTimeoutSeconds: -1 } })),
    ).toEqual([]);
    expect(
      problems(
        neonConfig({
          plan: "scale",
          historyRetentionSeconds: 2592000,
          compute: { maxCu: 16, minCu: 8, suspendTimeoutSeconds: 600 },
        }),
      ),
    ).toEqual([]);
  });

  it("rejects a PostgreSQL version Neon does not offer, naming the accepted ones", () => {
    expect(problems(neonConfig({}, { postgresVersion: "13" }))).toEqual([
      "postgresVersion: 13 is not offered by Neon. Accepted values: 14, 15, 16, 17, 18.",
    ]);
  });

  it("requires the API key, encrypted, before anything is registered", () => {
    const { "neon:apiKey": _, ...withoutKey } = neonConfig({});
    const saved = process.env.NEON_API_KEY;
    delete process.env.NEON_API_KEY;
    try {
      expect(problems(withoutKey)).toEqual([expect.stringContaining("neon:apiKey: is required on platform neon")]);
      process.env.NEON_API_KEY = neonApiKey;
      expect(problems(withoutKey)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.NEON_API_KEY;
      else process.env.NEON_API_KEY = saved;
    }
    expect(problems(neonConfig({}), [])).toEqual([
      expect.stringContaining("neon:apiKey: holds a secret but is stored in plain text"),
    ]);
    expect(problems(neonConfig({}), []).join("\n")).not.toContain(neonApiKey);
  });

  it("refuses an ephemeral stack that names itself as the parent", () => {
    expect(problems(neonConfig({ parentStack: "pr-7" }, { ephemeral: "true" }), undefined, "pr-7")).toEqual([
      expect.stringContaining('neon.parentStack: "pr-7" is this stack'),
    ]);
    expect(
      problems(neonConfig({ parentStack: `acme/${project}/pr-7` }, { ephemeral: "true" }), undefined, "pr-7"),
    ).toHaveLength(1);
    expect(problems(neonConfig({ parentStack: "staging" }, { ephemeral: "true" }), undefined, "pr-7")).toEqual([]);
  });
});

describe("dev and prod stacks: a Neon project", () => {
  const config = neonConfig(
    { plan: "launch", region: "aws-eu-central-1", compute: { maxCu: 2 }, historyRetentionSeconds: 604800 },
    { postgresVersion: "16" },
  );

  it("creates the project (region, version, autoscaling limits), the owner role and the database on its default branch", async () => {
    const { registrations } = await run("dev", config);
    expect(byType(registrations, "pulumi:pulumi:StackReference")).toEqual([]);
    const project = single(registrations, "neon:index/project:Project");
    expect(project.inputs).toEqual({
      name: "pgvector-stack-dev",
      regionId: "aws-eu-central-1",
      pgVersion: 16,
      historyRetentionSeconds: 604800,
      defaultEndpointSettings: { autoscalingLimitMinCu: 0.25, autoscalingLimitMaxCu: 2, suspendTimeoutSeconds: 300 },
    });
    const role = single(registrations, "neon:index/role:Role");
    expect(role.inputs).toEqual({ projectId: "neon-id", branchId: "br-main-1", name: "app_owner" });
    const database = single(registrations, "neon:index/database:Database");
    expect(database.inputs).toEqual({
      projectId: "neon-id",
      branchId: "br-main-1",
      name: "app",
      ownerName: "app_owner",
    });
    expect(database.dependencies).toEqual(expect.arrayContaining([project.urn, role.urn]));
    expect([project.protect, database.protect]).toEqual([false, false]);
  });

  it("connects the shared layer to the project's host as the owner role, with sslmode require", async () => {
    const { registrations, outputs } = await run("dev", config);
    const provider = single(registrations, "pulumi:providers:postgresql");
    expect(provider.inputs).toMatchObject({
      host: "ep-neon-main.us-east-2.aws.neon.tech",
      port: "5432",
      database: "app",
      username: "app_owner",
      password: neonOwnerPassword,
      sslmode: "require",
      superuser: "false",
    });
    expect(outputs.platform?.value).toBe("neon");
    expect(outputs.adminConnectionString).toEqual({
      value: `postgresql://app_owner:${neonOwnerPassword}@ep-neon-main.us-east-2.aws.neon.tech:5432/app?sslmode=require`,
      secret: true,
    });
  });

  it("exports neonProjectId and neonBranchId, which pull-request stacks branch from", async () => {
    const { outputs } = await run("dev", config);
    expect(outputs.neonProjectId).toEqual({ value: "neon-id", secret: false });
    expect(outputs.neonBranchId).toEqual({ value: "br-main-1", secret: false });
  });

  it("orders the shared layer as on Azure: the database, then the extension, then the migrations, then the app role", async () => {
    const { registrations } = await run("dev", config);
    const neonDatabase = single(registrations, "neon:index/database:Database");
    const neonRole = single(registrations, "neon:index/role:Role");
    const provider = single(registrations, "pulumi:providers:postgresql");
    const extension = single(registrations, "postgresql:index/extension:Extension");
    const migrations = single(registrations, "pulumi-nodejs:dynamic/pgvector:Migrations");
    const appRole = single(registrations, "postgresql:index/role:Role");
    expect(provider.dependencies).toContain(neonRole.urn);
    expect(extension.inputs).toEqual({ name: "vector", database: "app" });
    expect(extension.dependencies).toContain(neonDatabase.urn);
    expect(migrations.dependencies).toContain(extension.urn);
    expect(appRole.dependencies).toContain(migrations.urn);
    // Neon needs no allow-list: nothing but the database stands before the extension.
    expect(extension.dependencies.filter((urn) => !urn.includes("postgresql"))).toEqual([neonDatabase.urn]);
  });

  it("drops nothing inside the database one by one: it goes with the Neon database", async () => {
    const { registrations } = await run("dev", config);
    const neonDatabase = single(registrations, "neon:index/database:Database");
    const inside = registrations.filter((r) => inDatabaseTypes.includes(r.type));
    expect(new Set(inside.map((r) => r.type))).toEqual(new Set(inDatabaseTypes));
    for (const registration of inside) {
      expect({ name: registration.name, deletedWith: registration.deletedWith }).toEqual({
        name: registration.name,
        deletedWith: neonDatabase.urn,
      });
    }
  });

  it("protects the project and the database on prod", async () => {
    const { registrations } = await run("prod", { ...config, protect: "true" });
    expect(single(registrations, "neon:index/project:Project").protect).toBe(true);
    expect(single(registrations, "neon:index/database:Database").protect).toBe(true);
    expect(single(registrations, "neon:index/project:Project").inputs.name).toBe("pgvector-stack-prod");
  });
});

describe("the application's connection strings", () => {
  const userAndHost = (value: unknown) => {
    const url = new URL(String(value));
    return `${url.username}@${url.hostname}`;
  };

  it.each([
    ["dev", {}, "ep-neon-main"],
    ["pr-3", { ephemeral: "true" }, "ep-neon-pr"],
  ])(
    "%s: appConnectionString goes through the compute's pooler, appDirectConnectionString to the compute",
    async (stack, extra, endpoint) => {
      const { registrations, outputs } = await run(stack, neonConfig({}, extra));
      const appUser = String(single(registrations, "postgresql:index/role:Role").inputs.name);
      expect(userAndHost(outputs.appConnectionString?.value)).toBe(
        `${appUser}@${endpoint}-pooler.us-east-2.aws.neon.tech`,
      );
      expect(userAndHost(outputs.appDirectConnectionString?.value)).toBe(
        `${appUser}@${endpoint}.us-east-2.aws.neon.tech`,
      );
      expect([outputs.appConnectionString?.secret, outputs.appDirectConnectionString?.secret]).toEqual([true, true]);
      // The migrations keep the direct host: they hold session-level advisory locks, which PgBouncer does not keep.
      expect(userAndHost(outputs.adminConnectionString?.value)).toBe(`app_owner@${endpoint}.us-east-2.aws.neon.tech`);
    },
  );

  it("derives the pooled host by suffixing the endpoint id", () => {
    expect(neonPooledHost("ep-cool-darkness-123456.us-east-2.aws.neon.tech")).toBe(
      "ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech",
    );
    expect(neonPooledHost("ep-x-pooler.eu-central-1.aws.neon.tech")).toBe("ep-x-pooler.eu-central-1.aws.neon.tech");
  });
});

describe("the Free plan (the default): what the Neon provider sends is accepted", () => {
  it("asks for a restore window the Free plan accepts; the provider's own default is refused", async () => {
    const { registrations } = await run("dev", neonConfig({}));
    const project = single(registrations, "neon:index/project:Project");
    const request = neonProjectCreateRequest(project.inputs);
    expect(request.history_retention_seconds).toBe(21600);
    expect(neonApiRejection(request, neonFreePlanMaxHistoryRetentionSeconds)).toBeUndefined();
    const { historyRetentionSeconds: _, ...unset } = project.inputs;
    expect(neonApiRejection(neonProjectCreateRequest(unset), neonFreePlanMaxHistoryRetentionSeconds)).toBe(
      '[HTTP Code: 400] requested history retention seconds exceeds allowed maximum; requested_history_retention_seconds:"86400", max:"21600"',
    );
  });

  it("sends no suspend timeout, which Neon ignores on Free (a perpetual diff), for the project or a branch's compute", async () => {
    const dev = await run("dev", neonConfig({}));
    expect(single(dev.registrations, "neon:index/project:Project").inputs.defaultEndpointSettings).toEqual({
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 1,
    });
    const pr = await run("pr-5", neonConfig({}, { ephemeral: "true" }));
    expect(single(pr.registrations, "neon:index/endpoint:Endpoint").inputs).not.toHaveProperty("suspendTimeoutSeconds");
  });
});

describe("pull-request stacks: a branch of the dev stack's branch", () => {
  const config = neonConfig(
    { plan: "launch", compute: { minCu: 0.25, maxCu: 0.5 } },
    { ephemeral: "true", protect: "true" },
  );

  it("finds the dev project and branch through a StackReference and branches from it, with a compute of its own", async () => {
    const { registrations } = await run("pr-123", config);
    expect(
      custom(registrations).filter((type) => type.startsWith("neon:") || type.startsWith("pulumi:pulumi")),
    ).toEqual(["pulumi:pulumi:StackReference", "neon:index/branch:Branch", "neon:index/endpoint:Endpoint"]);
    expect(single(registrations, "pulumi:pulumi:StackReference").inputs).toMatchObject({ name: neonParentStack });
    const branch = single(registrations, "neon:index/branch:Branch");
    expect(branch.inputs).toEqual({ projectId: "proj-dev", parentId: "br-dev", name: "pr-123", protected: "no" });
    const endpoint = single(registrations, "neon:index/endpoint:Endpoint");
    expect(endpoint.inputs).toEqual({
      projectId: "proj-dev",
      branchId: "neon-id",
      type: "read_write",
      autoscalingLimitMinCu: 0.25,
      autoscalingLimitMaxCu: 0.5,
      suspendTimeoutSeconds: 300,
    });
    expect(endpoint.dependencies).toContain(branch.urn);
    expect(registrations.some((r) => r.protect)).toBe(false);
  });

  it("connects to the branch's compute as the copied owner role, whose password it reads from the branch", async () => {
    const { registrations, outputs } = await run("pr-123", config);
    expect(neonRoleLookups).toEqual([{ projectId: "proj-dev", branchId: "neon-id", roleName: "app_owner" }]);
    const provider = single(registrations, "pulumi:providers:postgresql");
    expect(provider.inputs).toMatchObject({
      host: "ep-neon-pr.us-east-2.aws.neon.tech",
      database: "app",
      username: "app_owner",
      password: neonBranchPassword,
    });
    expect(provider.dependencies).toContain(single(registrations, "neon:index/endpoint:Endpoint").urn);
    expect(outputs.neonBranchId).toEqual({ value: "neon-id", secret: false });
  });

  it("creates an app role of its own: the branch already holds a copy of dev's app_app", async () => {
    const { registrations } = await run("pr-123", config);
    expect(single(registrations, "postgresql:index/role:Role").inputs.name).toBe("app_app_pr_123");
  });

  it("tears down with the branch: no extension, migration, grant or role is dropped over a connection", async () => {
    const { registrations } = await run("pr-123", config);
    const branch = single(registrations, "neon:index/branch:Branch");
    const inside = registrations.filter((r) => [...inDatabaseTypes, "postgresql:index/role:Role"].includes(r.type));
    expect(new Set(inside.map((r) => r.type))).toEqual(new Set([...inDatabaseTypes, "postgresql:index/role:Role"]));
    for (const registration of inside)
      expect([registration.name, registration.deletedWith]).toEqual([registration.name, branch.urn]);
  });
});

describe("secrets", () => {
  it("no password or key appears in plain text in any registered input, on dev or on a pull-request stack", async () => {
    for (const [stack, extra] of [
      ["dev", {}],
      ["pr-9", { ephemeral: "true" }],
    ] as const) {
      generatedPasswords.length = 0;
      const { registrations, outputs } = await run(stack, neonConfig({}, extra));
      expect(generatedPasswords.length).toBeGreaterThan(0);
      expect(
        plainTextLeaks(registrations, [neonApiKey, neonOwnerPassword, neonBranchPassword, ...generatedPasswords]),
      ).toEqual([]);
      expect(outputs.adminConnectionString?.secret).toBe(true);
      expect(outputs.appConnectionString?.secret).toBe(true);
    }
  });
});

describe("read replicas (neon.readReplicas): read-only computes on the stack's branch", () => {
  it("without any, exports appReadOnlyConnectionString equal to appConnectionString, targeting the primary", async () => {
    const { registrations, outputs } = await run("dev", neonConfig({}));
    expect(byType(registrations, "neon:index/endpoint:Endpoint")).toEqual([]);
    expect(outputs.appReadOnlyConnectionString).toEqual(outputs.appConnectionString);
    expect(outputs.appReadOnlyConnectionString?.secret).toBe(true);
    expect(outputs.appReadOnlyTarget?.value).toBe("primary");
    expect(outputs.neonReadOnlyHosts).toBeUndefined();
  });

  it("creates read_only endpoints on the project's default branch, sized like the compute; the first, through its pooler, is the read endpoint", async () => {
    const { registrations, outputs } = await run("dev", neonConfig({ readReplicas: 2, compute: { maxCu: 2 } }));
    const endpoints = byType(registrations, "neon:index/endpoint:Endpoint");
    expect(endpoints.map((endpoint) => [endpoint.name, endpoint.inputs])).toEqual(
      ["neon-read-1", "neon-read-2"].map((name) => [
        name,
        {
          projectId: "neon-id",
          branchId: "br-main-1",
          type: "read_only",
          autoscalingLimitMinCu: 0.25,
          autoscalingLimitMaxCu: 2,
        },
      ]),
    );
    const appRole = single(registrations, "postgresql:index/role:Role");
    const appPassword = generatedPasswords.at(-1);
    expect(outputs.appReadOnlyConnectionString).toEqual({
      value: `postgresql://${appRole.inputs.name}:${appPassword}@ep-neon-read-1-pr-pooler.us-east-2.aws.neon.tech:5432/app?sslmode=require`,
      secret: true,
    });
    expect(outputs.appReadOnlyTarget?.value).toBe("read-endpoint");
    expect(outputs.neonReadOnlyHosts?.value).toEqual([
      "ep-neon-read-1-pr.us-east-2.aws.neon.tech",
      "ep-neon-read-2-pr.us-east-2.aws.neon.tech",
    ]);
    // Migrations and the stack's own connections stay on the read-write compute.
    expect(single(registrations, "pulumi:providers:postgresql").inputs.host).toBe(
      "ep-neon-main.us-east-2.aws.neon.tech",
    );
    expect(plainTextLeaks(registrations, [neonOwnerPassword, ...generatedPasswords])).toEqual([]);
  });

  it("on a pull-request stack, creates them on the stack's own branch", async () => {
    const { registrations, outputs } = await run("pr-5", neonConfig({ readReplicas: 1 }, { ephemeral: "true" }));
    const readOnly = byType(registrations, "neon:index/endpoint:Endpoint").filter((e) => e.inputs.type === "read_only");
    expect(readOnly.map((endpoint) => endpoint.inputs.branchId)).toEqual(["neon-id"]);
    expect(readOnly[0]?.dependencies).toContain(single(registrations, "neon:index/branch:Branch").urn);
    expect(outputs.appReadOnlyConnectionString?.value).toContain(
      "@ep-neon-read-1-pr-pooler.us-east-2.aws.neon.tech:5432/app",
    );
  });

  it.each([
    [{ readReplicas: -1 }, "neon.readReplicas: -1 is too small: at least 0."],
    [{ readReplicas: 1.5 }, "neon.readReplicas:"],
    [
      { readReplicas: 4 },
      "neon.readReplicas: (4) exceeds the free plan's 3 read replicas per project (set neon.plan to launch or scale",
    ],
  ])("rejects %j", (neon, message) => {
    expect(configProblems(neonConfig(neon), { stack: "dev", secretKeys: ["neon:apiKey"] })).toEqual([
      expect.stringContaining(message),
    ]);
  });

  it("accepts more than 3 on a paid plan", () => {
    expect(
      configProblems(neonConfig({ plan: "launch", readReplicas: 4 }), { stack: "dev", secretKeys: ["neon:apiKey"] }),
    ).toEqual([]);
  });
});
