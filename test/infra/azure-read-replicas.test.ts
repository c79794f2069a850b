// Azure read replicas and their virtual endpoints, under Pulumi mocks.
import { describe, expect, it } from "vitest";
import { configProblems } from "./config-problems";
import { byType, generatedPasswords, plainTextLeaks, type Registration, runStack, single } from "./harness";
import { T } from "./resource-types";

const virtualEndpointType = "azure-native:dbforpostgresql:VirtualEndpoint";
const generalPurpose: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
  skuTier: "GeneralPurpose",
  skuName: "Standard_D2ds_v5",
};
const replicas = (list: unknown[]) => ({ ...generalPurpose, readReplicas: JSON.stringify(list) });

/**
 * The virtual endpoint's outputs as Azure returns them: the pair of host names <endpoint>.reader/.writer
 * (azure-rest-api-specs, Microsoft.DBforPostgreSQL examples VirtualEndpointCreate.json, 2025-08-01).
 */
const outputs = {
  [virtualEndpointType]: (name: string) => ({
    virtualEndpoints: [`${name}.reader.postgres.database.azure.com`, `${name}.writer.postgres.database.azure.com`],
  }),
};

const servers = (registrations: readonly Registration[]) => byType(registrations, T.server);
const replicaServers = (registrations: readonly Registration[]) =>
  servers(registrations).filter((server) => server.inputs.createMode === "Replica");
const primary = (registrations: readonly Registration[]) =>
  servers(registrations).find((server) => server.inputs.createMode !== "Replica") as Registration;

describe("read replicas (readReplicas)", () => {
  it("creates none by default, and appReadOnlyConnectionString is the primary's", async () => {
    const { registrations, outputs: stack } = await runStack("dev", generalPurpose);
    expect(replicaServers(registrations)).toEqual([]);
    expect(byType(registrations, virtualEndpointType)).toEqual([]);
    expect(stack.appReadOnlyConnectionString).toEqual(stack.appConnectionString);
    expect(stack.appReadOnlyTarget?.value).toBe("primary");
  });

  it("creates replicas of the primary, in the primary's or another region, with the primary's or their own compute", async () => {
    const { registrations } = await runStack(
      "dev",
      replicas([{}, { location: "northeurope", skuTier: "MemoryOptimized", skuName: "Standard_E4ds_v5" }]),
      { outputs },
    );
    const [first, second] = replicaServers(registrations);
    const source = primary(registrations);
    expect(first?.inputs).toMatchObject({
      createMode: "Replica",
      sourceServerResourceId: expect.stringMatching(
        new RegExp(`/providers/Microsoft\\.DBforPostgreSQL/flexibleServers/${source.name}5e6f7a8b$`),
      ),
      location: "westeurope",
      sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
      network: { publicNetworkAccess: "Enabled" },
    });
    expect(second?.inputs).toMatchObject({
      createMode: "Replica",
      location: "northeurope",
      sku: { name: "Standard_E4ds_v5", tier: "MemoryOptimized" },
    });
    // A replica takes no administrator: it has the primary's roles.
    expect(first?.inputs.administratorLogin).toBeUndefined();
    expect(first?.inputs.administratorLoginPassword).toBeUndefined();
  });

  it("gives each replica what it does not inherit: firewall rules, TLS, the allow-list, PgBouncer, the server parameters", async () => {
    const { registrations } = await runStack(
      "dev",
      {
        ...replicas([{}]),
        pgbouncer: "true",
        serverParameters: JSON.stringify({ "hnsw.ef_search": "100", max_connections: "859" }),
      },
      { outputs },
    );
    const replica = replicaServers(registrations)[0] as Registration;
    const onReplica = [...byType(registrations, T.configuration), ...byType(registrations, T.firewallRule)].filter(
      (write) => write.dependencies.length > 0 && write.name.startsWith("postgres-replica-1-"),
    );
    expect(
      Object.fromEntries(
        onReplica
          .filter((write) => write.type === T.configuration)
          .map((write) => [write.inputs.configurationName, write.inputs.value]),
      ),
    ).toEqual({
      // The primary's allow-list, as azure.extensions spells it.
      "azure.extensions": byType(registrations, T.configuration).find(
        (write) => write.inputs.configurationName === "azure.extensions" && !write.name.startsWith("postgres-replica"),
      )?.inputs.value,
      require_secure_transport: "on",
      "pgbouncer.enabled": "true",
      "hnsw.ef_search": "100",
      max_connections: "859",
    });
    expect(onReplica.filter((write) => write.type === T.firewallRule).map((rule) => rule.inputs)).toEqual([
      expect.objectContaining({
        firewallRuleName: "office",
        startIpAddress: "203.0.113.0",
        endIpAddress: "203.0.113.255",
      }),
    ]);
    for (const write of onReplica) {
      expect(write.inputs.serverName).toBe(`${replica.name}5e6f7a8b`);
      expect(write.deletedWith).toBe(replica.urn);
    }
  });

  it("writes one at a time: primary's last write, replica 1 and its writes, replica 2 and its writes, the virtual endpoint", async () => {
    const { registrations } = await runStack("dev", replicas([{}, {}]), { outputs });
    const byName = new Map(registrations.map((registration) => [registration.urn, registration.name]));
    const ordered = [
      single(registrations, T.database),
      ...registrations.filter((r) => r.name.startsWith("postgres-replica-1")),
      ...registrations.filter((r) => r.name.startsWith("postgres-replica-2")),
      single(registrations, virtualEndpointType),
    ].filter((r) => r.custom && r.type !== T.serverLock);
    const waits = ordered.slice(1).map((write, index) => ({
      write: write.name,
      waitsFor:
        write.dependencies.map((urn) => byName.get(urn)).filter((name) => name === ordered[index]?.name)[0] ??
        "nothing",
    }));
    expect(waits).toEqual(
      ordered.slice(1).map((write, index) => ({ write: write.name, waitsFor: ordered[index]?.name })),
    );
    expect(ordered.map((r) => r.name)).toEqual([
      "postgres-database",
      "postgres-replica-1",
      "postgres-replica-1-firewall-office",
      "postgres-replica-1-extensions-allowlist",
      "postgres-replica-1-require-secure-transport",
      "postgres-replica-2",
      "postgres-replica-2-firewall-office",
      "postgres-replica-2-extensions-allowlist",
      "postgres-replica-2-require-secure-transport",
      "postgres-replica-endpoint",
    ]);
  });

  it("puts the virtual endpoints on the primary, the reader on the first replica; the app strings use them", async () => {
    generatedPasswords.length = 0;
    const { registrations, outputs: stack } = await runStack("dev", replicas([{}, {}]), { outputs });
    const endpoint = single(registrations, virtualEndpointType);
    const source = primary(registrations);
    const first = replicaServers(registrations)[0] as Registration;
    expect(endpoint.inputs).toMatchObject({
      serverName: `${source.name}5e6f7a8b`,
      endpointType: "ReadWrite",
      members: [`${first.name}5e6f7a8b`],
    });
    expect(endpoint.deletedWith).toBe(source.urn);
    const reader = "postgres-replica-endpoint.reader.postgres.database.azure.com";
    const writer = "postgres-replica-endpoint.writer.postgres.database.azure.com";
    expect(stack.virtualEndpointReaderHost?.value).toBe(reader);
    expect(stack.virtualEndpointWriterHost?.value).toBe(writer);
    expect(stack.appReadOnlyTarget?.value).toBe("read-endpoint");
    expect(stack.appReadOnlyConnectionString?.secret).toBe(true);
    expect(stack.appReadOnlyConnectionString?.value).toMatch(
      new RegExp(`^postgresql://app_app:[^@]+@${reader}:5432/app\\?sslmode=require$`),
    );
    expect(stack.appConnectionString?.value).toMatch(new RegExp(`@${writer}:5432/app\\?sslmode=require$`));
    // The stack's own connections stay on the primary's own host.
    expect(single(registrations, T.provider).inputs.host).toBe(`${source.name}5e6f7a8b.postgres.database.azure.com`);
    expect(stack.readReplicaNames?.value).toEqual(replicaServers(registrations).map((r) => `${r.name}5e6f7a8b`));
    expect(plainTextLeaks(registrations, generatedPasswords)).toEqual([]);
  });

  it("names replicas after a fixed serverName, protects and locks them with the primary", async () => {
    const { registrations } = await runStack(
      "prod",
      { ...replicas([{}]), serverName: "pgvec-prod", protect: "true" },
      { outputs },
    );
    const replica = replicaServers(registrations)[0] as Registration;
    expect(replica.inputs.serverName).toBe("pgvec-prod-replica-1");
    expect(replica.protect).toBe(true);
    const lock = byType(registrations, T.serverLock).find((candidate) => candidate.name === "postgres-replica-1-lock");
    expect(lock?.inputs.level).toBe("CanNotDelete");
    expect(lock?.dependencies).toContain(replica.urn);
  });

  it("creates none on a pull-request stack, whatever the copied configuration says", async () => {
    const { registrations } = await runStack("pr-3", { ...replicas([{}]), ephemeral: "true" }, { outputs });
    expect(replicaServers(registrations)).toEqual([]);
    expect(byType(registrations, virtualEndpointType)).toEqual([]);
  });

  it.each([
    [[{}, {}, {}, {}, {}, {}], "readReplicas: Azure allows at most 5 read replicas of a server"],
    [[{ skuTier: "Huge" }], 'readReplicas[0].skuTier: "Huge" is not a compute tier'],
    [[{ skuTier: "MemoryOptimized" }], "readReplicas[0].skuName: is required with skuTier"],
    [
      [{ skuName: "Standard_E4ds_v5" }],
      `readReplicas[0].skuName: "Standard_E4ds_v5" is not a GeneralPurpose compute size`,
    ],
    [[{ location: "West Europe" }], "readReplicas[0].location: must be an Azure region name"],
    [[{ size: 2 }], "readReplicas[0]"],
  ])("rejects readReplicas %j", (list, message) => {
    expect(configProblems(replicas(list))).toEqual([expect.stringContaining(message)]);
  });

  it("rejects a replica in another region with private access, and a setting that is not a list", () => {
    const privateReplica = {
      "azure-native:location": "westeurope",
      skuTier: "GeneralPurpose",
      skuName: "Standard_D2ds_v5",
      deployerInVnet: "true",
      readReplicas: JSON.stringify([{ location: "northeurope" }]),
    };
    expect(configProblems(privateReplica)).toEqual([
      expect.stringContaining('readReplicas[0].location: "northeurope" is not the primary\'s region ("westeurope")'),
    ]);
    expect(configProblems({ ...generalPurpose, readReplicas: '{"location":"x"}' })).toEqual([
      expect.stringContaining("readReplicas: is not a list of replicas"),
    ]);
  });
});
