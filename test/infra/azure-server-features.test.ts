// What the Azure reference modules offer, under Pulumi mocks: the Microsoft Entra administrator, server parameters,
// the built-in PgBouncer and diagnostic settings, each a write to the server that waits for the one before.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AzurePostgresServer, diagnosticLogCategories } from "../../infra/platforms/azure/server";
import { parametersNeedingRestart } from "../../infra/platforms/azure/server-parameters";
import { configProblems } from "./config-problems";
import { byType, type Registration, runStack, runWithMocks, single } from "./harness";
import { T } from "./resource-types";
import { projectDirectory } from "./stack-files";

const publicAzure: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
};
const generalPurpose = { ...publicAzure, skuTier: "GeneralPurpose", skuName: "Standard_D2ds_v5" };
const objectId = "6a1f3c2e-0b1d-4c55-9e0a-3f6f1b2c4d5e";
const entra = { entraAuth: "true", entraAdminObjectId: objectId, entraAdminName: "dba@contoso.com" };
const workspace =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/ops";

/** The tenant azure-native's credentials belong to, as its getClientConfig function answers. */
const clientTenant = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const calls = {
  "azure-native:authorization:getClientConfig": () => ({
    clientId: "c",
    objectId: "o",
    subscriptionId: "00000000-0000-0000-0000-000000000000",
    tenantId: clientTenant,
  }),
};

const configuration = (registrations: readonly Registration[], name: string): Registration | undefined =>
  byType(registrations, T.configuration).find((c) => c.inputs.configurationName === name);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("every write to the server, one at a time", () => {
  it("firewall rule, allow-list, TLS, Entra administrator, PgBouncer, parameters by name, diagnostics, database", async () => {
    const { registrations: r } = await runStack(
      "dev",
      {
        ...generalPurpose,
        ...entra,
        pgbouncer: "true",
        serverParameters: JSON.stringify({ work_mem: "65536", maintenance_work_mem: 2097151 }),
        logAnalyticsWorkspaceId: workspace,
      },
      { calls },
    );
    const writes = [
      single(r, T.firewallRule),
      configuration(r, "azure.extensions"),
      configuration(r, "require_secure_transport"),
      single(r, T.entraAdministrator),
      configuration(r, "pgbouncer.enabled"),
      configuration(r, "maintenance_work_mem"),
      configuration(r, "work_mem"),
      single(r, T.diagnosticSetting),
      single(r, T.database),
    ] as Registration[];
    const waits = writes.slice(1).map((write, index) => ({
      write: write.name,
      waitsFor: write.dependencies.includes((writes[index] as Registration).urn) ? writes[index]?.name : "nothing",
    }));
    expect(waits).toEqual(
      writes.slice(1).map((write, index) => ({ write: write.name, waitsFor: writes[index]?.name })),
    );
  });
});

describe("the Microsoft Entra administrator", () => {
  it("is created with entraAuth and the principal's object id, name and type", async () => {
    const { registrations } = await runStack("dev", {
      ...publicAzure,
      ...entra,
      entraAdminType: "group",
      entraTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    });
    const server = single(registrations, T.server);
    expect(single(registrations, T.entraAdministrator)).toMatchObject({
      inputs: {
        objectId,
        principalName: "dba@contoso.com",
        principalType: "Group",
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        serverName: expect.stringMatching(/^postgres-server/),
      },
      deletedWith: server.urn,
    });
    // Password sign-in stays on: the postgresql provider and the migrations use it.
    expect(server.inputs.authConfig).toMatchObject({ passwordAuth: "Enabled", activeDirectoryAuth: "Enabled" });
  });

  it("takes the tenant of Pulumi's Azure credentials when entraTenantId is unset", async () => {
    const { registrations } = await runStack("dev", { ...publicAzure, ...entra }, { calls });
    expect(single(registrations, T.entraAdministrator).inputs.tenantId).toBe(clientTenant);
  });

  it("is not created without an object id", async () => {
    const { registrations } = await runStack("dev", { ...publicAzure, entraAuth: "true" });
    expect(byType(registrations, T.entraAdministrator)).toEqual([]);
  });

  it("needs entraAuth, and an object id and a name together", () => {
    expect(configProblems({ ...publicAzure, entraAdminObjectId: objectId, entraAdminName: "x" })).toEqual([
      "entraAdminObjectId: is set but entraAuth is false; set entraAuth to true or unset it.",
    ]);
    expect(configProblems({ ...publicAzure, entraAuth: "true", entraAdminObjectId: objectId })).toEqual([
      expect.stringMatching(/^entraAdminName: is required with entraAdminObjectId/),
    ]);
    expect(configProblems({ ...publicAzure, entraAuth: "true", entraAdminName: "dba@contoso.com" })).toEqual([
      expect.stringMatching(/^entraAdminObjectId: is required with entraAdminName/),
    ]);
    expect(configProblems({ ...publicAzure, ...entra, entraAdminObjectId: "dba" })).toEqual([
      'entraAdminObjectId: "dba" is not an object id (a GUID).',
    ]);
  });

  it("refuses Entra-only sign-in, which would lock out the stack's own password connections", () => {
    expect(configProblems({ ...publicAzure, entraOnly: "true" })).toEqual([
      "entraOnly: needs entraAuth true and an Entra administrator (entraAdminObjectId, entraAdminName).",
    ]);
    expect(configProblems({ ...publicAzure, entraAuth: "true", entraOnly: "true" })).toEqual([
      expect.stringMatching(/^entraOnly: needs an Entra administrator/),
    ]);
    expect(configProblems({ ...publicAzure, ...entra, entraOnly: "true" })).toEqual([
      expect.stringMatching(
        /^entraOnly: is not supported by this stack: the postgresql provider and the migrations sign in with the administrator password/,
      ),
    ]);
  });
});

describe("server parameters", () => {
  it("are one Configuration each, user overrides, in name order", async () => {
    const { registrations } = await runStack("dev", {
      ...publicAzure,
      serverParameters: JSON.stringify({
        work_mem: "65536",
        "auto_explain.log_min_duration": 1000,
        log_lock_waits: true,
      }),
    });
    const names = byType(registrations, T.configuration).map((c) => c.inputs.configurationName);
    expect(names).toEqual([
      "azure.extensions",
      "require_secure_transport",
      "auto_explain.log_min_duration",
      "log_lock_waits",
      "work_mem",
    ]);
    expect(configuration(registrations, "log_lock_waits")?.inputs).toMatchObject({
      value: "true",
      source: "user-override",
    });
    expect(configuration(registrations, "auto_explain.log_min_duration")?.inputs.value).toBe("1000");
  });

  it("warn in the preview, and list in an output, those that take effect only after a restart", async () => {
    const warn = vi.spyOn(pulumi.log, "warn");
    const { outputs } = await runStack("dev", {
      ...publicAzure,
      serverParameters: JSON.stringify({ shared_preload_libraries: "pg_stat_statements", work_mem: "65536" }),
    });
    expect(outputs.serverParametersPendingRestart?.value).toEqual(["shared_preload_libraries"]);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/^Server parameters shared_preload_libraries take effect only after a server restart/),
    );

    warn.mockClear();
    const dynamicOnly = await runStack("dev", {
      ...publicAzure,
      serverParameters: JSON.stringify({ work_mem: "65536" }),
    });
    expect(dynamicOnly.outputs.serverParametersPendingRestart).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it("that need a restart are the ones docs/azure.md lists", () => {
    const page = readFileSync(path.join(projectDirectory, "docs", "azure.md"), "utf8");
    const item = /parameters\): (`[\s\S]*?)\. Neither Azure/.exec(page)?.[1] ?? "";
    const listed = [...item.matchAll(/`([a-z_.]+)`/g)].map((match) => match[1]);
    expect(listed).toEqual([...parametersNeedingRestart]);
  });

  it("refuse bad names, the stack's own parameters and values that are not single values", () => {
    expect(
      configProblems({
        ...publicAzure,
        serverParameters: JSON.stringify({
          "Work Mem": "1",
          "azure.extensions": "VECTOR",
          "pgbouncer.enabled": "true",
          require_secure_transport: "off",
          search_path: ["a"],
          work_mem: " ",
        }),
      }),
    ).toEqual([
      'serverParameters.Work Mem: "Work Mem" is not a server parameter name (lower-case letters, digits and _, e.g. maintenance_work_mem or auto_explain.log_min_duration).',
      "serverParameters.azure.extensions: is managed by the stack: it is written from `extensions` (vector is always included). Remove it from serverParameters.",
      "serverParameters.pgbouncer.enabled: is managed by the stack: it is written from the `pgbouncer` setting. Remove it from serverParameters.",
      "serverParameters.require_secure_transport: is managed by the stack: the stack keeps it on. Remove it from serverParameters.",
      "serverParameters.search_path: must be a single value (a string, number or boolean), as Azure stores it.",
      "serverParameters.work_mem: is empty; give the value, or remove the parameter to leave Azure's default.",
    ]);
    expect(configProblems({ ...publicAzure, serverParameters: "[1]" })).toEqual([
      expect.stringMatching(/^serverParameters: is not a map of parameter names to values/),
    ]);
  });
});

describe("the built-in PgBouncer", () => {
  it("is switched on, and the application connects through port 6432, the stack itself directly", async () => {
    const { registrations, outputs } = await runStack("dev", { ...generalPurpose, pgbouncer: "true" });
    expect(configuration(registrations, "pgbouncer.enabled")?.inputs).toMatchObject({
      value: "true",
      source: "user-override",
    });
    expect(outputs.appConnectionString).toEqual({
      value: expect.stringMatching(/^postgresql:\/\/app_app:[^@]+@[^:]+:6432\/app\?sslmode=require$/),
      secret: true,
    });
    expect(outputs.appDirectConnectionString).toEqual({
      value: expect.stringMatching(/@[^:]+:5432\/app\?sslmode=require$/),
      secret: true,
    });
    expect(outputs.adminConnectionString?.value).toMatch(/:5432\/app\?/);
    expect(single(registrations, T.provider).inputs.port).toBe("5432");
    expect((single(registrations, T.migrations).inputs.connection as { port: number }).port).toBe(5432);
  });

  it("is off by default, with one application connection string", async () => {
    const { registrations, outputs } = await runStack("dev", publicAzure);
    expect(configuration(registrations, "pgbouncer.enabled")).toBeUndefined();
    // Every platform exports the direct string; without a pooler it is the same as appConnectionString.
    expect(outputs.appDirectConnectionString).toEqual(outputs.appConnectionString);
  });

  it("is refused on Burstable, and left off on ephemeral stacks, which run on Burstable", async () => {
    expect(configProblems({ ...publicAzure, pgbouncer: "true" })).toEqual([
      expect.stringMatching(/^pgbouncer: needs the GeneralPurpose or MemoryOptimized tier/),
    ]);
    const { registrations } = await runStack("pr-9", { ...generalPurpose, pgbouncer: "true", ephemeral: "true" });
    expect(configuration(registrations, "pgbouncer.enabled")).toBeUndefined();
  });
});

describe("diagnostic settings", () => {
  it("send the server's log categories and metrics to the workspace, and go before the server on destroy", async () => {
    const { registrations } = await runStack("dev", { ...publicAzure, logAnalyticsWorkspaceId: workspace });
    const setting = single(registrations, T.diagnosticSetting);
    expect(setting.inputs).toMatchObject({
      resourceUri: expect.stringMatching(/\/flexibleServers\/postgres-server\w+$/),
      workspaceId: workspace,
      logs: diagnosticLogCategories.map((category) => ({ category, enabled: true })),
      metrics: [{ category: "AllMetrics", enabled: true }],
    });
    expect(diagnosticLogCategories).toContain("PostgreSQLLogs");
    expect(setting.deletedWith).toBe("");
  });

  it("are optional, and need a workspace resource id", async () => {
    expect(byType((await runStack("dev", publicAzure)).registrations, T.diagnosticSetting)).toEqual([]);
    expect(configProblems({ ...publicAzure, logAnalyticsWorkspaceId: "ops" })).toEqual([
      expect.stringMatching(/^logAnalyticsWorkspaceId: "ops" is not a Log Analytics workspace id/),
    ]);
  });
});

describe("AzurePostgresServer for other programs: Entra-only sign-in", () => {
  const serverArgs = {
    resourceGroupName: "rg",
    location: "westeurope",
    postgresVersion: "17",
    sku: { tier: "GeneralPurpose" as const, name: "Standard_D2ds_v5" },
    storageSizeGb: 32,
    storageAutoGrow: true,
    backupRetentionDays: 7,
    geoRedundantBackup: false,
    highAvailability: "Disabled" as const,
    administratorLogin: "pgadmin",
    network: { access: "public" as const, firewallRules: [], allowAzureServices: true },
    extensions: [],
    databaseName: "app",
  };
  const administrator = { objectId, principalName: "dba@contoso.com", principalType: "User" as const };

  it("switches password sign-in off when the caller has an Entra administrator (and token-capable clients)", async () => {
    const { registrations } = await runWithMocks(
      "lib",
      {},
      () => {
        new AzurePostgresServer("pg", { ...serverArgs, entra: { enabled: true, administrator, passwordAuth: false } });
        return {};
      },
      { calls },
    );
    expect(single(registrations, T.server).inputs.authConfig).toMatchObject({
      passwordAuth: "Disabled",
      activeDirectoryAuth: "Enabled",
    });
    expect(single(registrations, T.entraAdministrator).inputs).toMatchObject({ objectId });
  });

  it("refuses Entra-only without an administrator, before registering anything", async () => {
    await expect(
      runWithMocks("lib", {}, () => {
        new AzurePostgresServer("pg", { ...serverArgs, entra: { enabled: true, passwordAuth: false } });
        return {};
      }),
    ).rejects.toThrow(/entra\.passwordAuth false needs entra\.enabled and entra\.administrator/);
  });
});
