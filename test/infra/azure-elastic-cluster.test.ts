// Azure elastic clusters (Citus on flexible server), under Pulumi mocks.
import { describe, expect, it } from "vitest";
import { settingsFixedAtCreation } from "../../infra/platforms/azure";
import { configProblems } from "./config-problems";
import { byType, runStack, single } from "./harness";
import { T } from "./resource-types";

const generalPurpose: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
  skuTier: "GeneralPurpose",
  skuName: "Standard_D4ds_v5",
};
const cluster = (size: number, extra: Record<string, string> = {}) => ({
  ...generalPurpose,
  clusterSize: String(size),
  ...extra,
});

describe("elastic clusters (clusterSize)", () => {
  it("a single server by default: no cluster, migrations not linted as a cluster", async () => {
    const { registrations } = await runStack("dev", generalPurpose);
    expect(single(registrations, T.server).inputs.cluster).toBeUndefined();
    expect(single(registrations, T.migrations).inputs.cluster).toBeUndefined();
  });

  it("creates the server as a cluster of clusterSize nodes, with vector allow-listed before CREATE EXTENSION on the coordinator", async () => {
    const { registrations } = await runStack("dev", cluster(4));
    const server = single(registrations, T.server);
    expect(server.inputs.cluster).toEqual({ clusterSize: 4 });
    const allowlist = byType(registrations, T.configuration).find(
      (c) => c.inputs.configurationName === "azure.extensions",
    );
    expect(allowlist?.inputs.value).toMatch(/VECTOR/i);
    const extension = single(registrations, T.extension);
    expect(extension.dependencies).toContain(allowlist?.urn);
    // The stack's own connections (extension, migrations, roles) go to the coordinator.
    expect(single(registrations, T.provider).inputs.port).toBe("5432");
  });

  it("runs the migrations on the coordinator (5432), linted as a cluster; the application on the load-balanced port 7432", async () => {
    const { registrations, outputs } = await runStack("dev", cluster(2));
    const migrations = single(registrations, T.migrations);
    expect(migrations.inputs.cluster).toBe(true);
    expect(migrations.inputs.connection).toMatchObject({ port: 5432 });
    expect(outputs.appConnectionString?.value).toMatch(/\.postgres\.database\.azure\.com:7432\/app\?sslmode=require$/);
    expect(outputs.appDirectConnectionString?.value).toMatch(/:5432\/app\?sslmode=require$/);
    expect(outputs.appConnectionString?.secret).toBe(true);
  });

  it("with PgBouncer, the application goes through the load-balanced PgBouncer port 8432", async () => {
    const { outputs } = await runStack("dev", cluster(2, { pgbouncer: "true" }));
    expect(outputs.appConnectionString?.value).toMatch(/:8432\/app\?sslmode=require$/);
  });

  it("changes the node count in place: clusterSize is not a setting that replaces the server", async () => {
    expect(Object.keys(settingsFixedAtCreation)).not.toContain("clusterSize");
    const guardOf = async (size: number) =>
      single((await runStack("prod", cluster(size))).registrations, T.replacementGuard).inputs.settings;
    expect(await guardOf(4)).toEqual(await guardOf(2));
  });

  it.each([
    [cluster(-1), 'clusterSize: "-1" is not a number of nodes'],
    [cluster(1.5), "clusterSize:"],
    [
      cluster(2, { readReplicas: JSON.stringify([{}]) }),
      "readReplicas: is not combined with clusterSize by this stack",
    ],
  ])("rejects %j", (config, message) => {
    expect(configProblems(config)).toEqual([expect.stringContaining(message)]);
  });
});
