// The real program (configuration from the real stack files) under Pulumi mocks: which resources, with which
// inputs and options, in which order, and that no secret is registered in plain text.
import { beforeAll, describe, expect, it, vi } from "vitest";
import {
  byType,
  generatedPasswords,
  isSecretWrapper,
  type MockRun,
  plainTextLeaks,
  type Registration,
  runStack,
  runWithMocks,
  single,
} from "./harness";
import { T } from "./resource-types";
import { stackFileConfig } from "./stack-files";

const stacks = {
  dev: () => stackFileConfig("dev"),
  prod: () => stackFileConfig("prod"),
  // A pull-request stack: the dev configuration plus `ephemeral: true`, as the README tells.
  "pr-123": () => ({ ...stackFileConfig("dev"), "pgvector-stack:ephemeral": "true" }),
};

async function run(stack: string, config: Record<string, string>): Promise<MockRun & { r: Registration[] }> {
  const result = await runStack(stack, config);
  return { ...result, r: result.registrations };
}

/** Resource counts by type: the resource set of a stack. */
function census(registrations: readonly Registration[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const registration of registrations) counts[registration.type] = (counts[registration.type] ?? 0) + 1;
  return counts;
}

const allowlistOf = (r: Registration[]) =>
  byType(r, T.configuration).find((configuration) => configuration.inputs.configurationName === "azure.extensions");

/** The in-database resources: everything the postgresql provider or the migrations create. */
const inDatabaseTypes = [T.extension, T.migrations, T.role, T.grant, T.defaultPrivileges];

/** An ephemeral Azure stack has a server of its own, so its role keeps the plain name. */
const appRole = "app_app";

describe.each(Object.keys(stacks) as (keyof typeof stacks)[])("stack %s", (stack) => {
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run(stack, stacks[stack]());
  });

  it("orders the work: allow-list, extension, migrations, application role", () => {
    const { r } = result;
    const allowlist = allowlistOf(r);
    const extension = single(r, T.extension, "pgvector-extension-vector");
    const migrations = single(r, T.migrations);
    expect(allowlist).toBeDefined();
    expect(extension.dependencies).toContain(allowlist?.urn);
    expect(migrations.dependencies).toContain(extension.urn);
    expect(single(r, T.role).dependencies).toContain(migrations.urn);
    for (const grant of [...byType(r, T.grant), ...byType(r, T.defaultPrivileges)]) {
      expect({ grant: grant.name, dependsOnMigrations: grant.dependencies.includes(migrations.urn) }).toEqual({
        grant: grant.name,
        dependsOnMigrations: true,
      });
    }
  });

  it("writes to the server one at a time: firewall rules, allow-list, TLS, then the database", () => {
    const { r } = result;
    const tls = byType(r, T.configuration).find((c) => c.inputs.configurationName === "require_secure_transport");
    expect((tls as Registration).inputs).toMatchObject({ value: "on", source: "user-override" });
    // Azure rejects a write while another one runs on the same server (ServerIsBusy).
    const writes = [...byType(r, T.firewallRule), allowlistOf(r), tls, single(r, T.database)] as Registration[];
    const waits = writes.slice(1).map((write, index) => ({
      write: write.name,
      waitsFor: write.dependencies.includes((writes[index] as Registration).urn) ? writes[index]?.name : "nothing",
    }));
    expect(waits).toEqual(
      writes.slice(1).map((write, index) => ({ write: write.name, waitsFor: writes[index]?.name })),
    );
  });

  it("runs everything in the database through the postgresql provider, which needs no superuser", () => {
    const { r } = result;
    const provider = single(r, T.provider);
    expect(provider.inputs).toMatchObject({
      // The server's FQDN, an output of the server.
      host: expect.stringMatching(/^postgres-server\w+\.postgres\.database\.azure\.com$/),
      sslmode: "require",
      superuser: "false",
      connectTimeout: "15",
      port: "5432",
    });
    for (const type of [T.extension, T.role, T.grant, T.defaultPrivileges]) {
      for (const registration of byType(r, type))
        expect(registration.provider.startsWith(`${provider.urn}::`)).toBe(true);
    }
  });

  it("tears down with the server: nothing in it, the application role included, is dropped one by one", () => {
    const { r } = result;
    const server = single(r, T.server);
    const onServer = [T.firewallRule, T.configuration, T.database, ...inDatabaseTypes].flatMap((type) =>
      byType(r, type),
    );
    expect(onServer.filter((registration) => registration.deletedWith !== server.urn).map((x) => x.name)).toEqual([]);
    expect(single(r, T.role).deletedWith).toBe(server.urn);
    expect(single(r, T.migrations).inputs.onDelete).toBe("keep");
    // The server is the stack's: nothing is left behind on purpose.
    expect(r.filter((registration) => registration.retainOnDelete).map((x) => x.name)).toEqual([]);
  });

  it("keeps every secret out of plain text, in inputs and outputs", () => {
    const { r, outputs } = result;
    expect(generatedPasswords.length).toBeGreaterThan(0);
    expect(plainTextLeaks(r, generatedPasswords)).toEqual([]);
    expect(isSecretWrapper(single(r, T.server).serialized.administratorLoginPassword)).toBe(true);
    expect(isSecretWrapper(single(r, T.provider).serialized.password)).toBe(true);
    expect(isSecretWrapper(single(r, T.role).serialized.password)).toBe(true);
    expect(isSecretWrapper(single(r, T.migrations).serialized.connection)).toBe(true);
    expect(outputs.adminConnectionString?.secret).toBe(true);
    expect(outputs.appConnectionString?.secret).toBe(true);
    expect(outputs.adminConnectionString?.value).toMatch(
      /^postgresql:\/\/pgadmin:Mock-[^@]+@.+:5432\/app\?sslmode=require$/,
    );
    expect(outputs.appConnectionString?.value).toMatch(
      new RegExp(`^postgresql://${appRole}:Mock-[^@]+@.+:5432/app\\?sslmode=require$`),
    );
    // Azure has no pooler in front of the server: the direct string is the same one, and as secret.
    expect(outputs.appDirectConnectionString).toEqual(outputs.appConnectionString);
    expect(outputs.host).toEqual({ value: expect.stringMatching(/\.postgres\.database\.azure\.com$/), secret: false });
    expect(outputs.port).toEqual({ value: 5432, secret: false });
    expect(outputs.database).toEqual({ value: "app", secret: false });
  });

  it("grants the application role data access only, on existing and future tables", () => {
    const { r } = result;
    const role = single(r, T.role).inputs;
    expect(role).toMatchObject({ name: appRole, login: true, createDatabase: false, createRole: false });
    expect(role.superuser ?? false).toBe(false);
    // Azure needs no search path beyond the server's: vector is created in public.
    expect(role.searchPaths).toBeUndefined();
    const grants = byType(r, T.grant)
      .filter((grant) => grant.inputs.role === appRole)
      .map((grant) => {
        const { objectType, schema, privileges } = grant.inputs;
        return { objectType, schema, privileges };
      });
    expect(grants).toEqual(
      expect.arrayContaining([
        { objectType: "database", schema: undefined, privileges: ["CONNECT"] },
        { objectType: "schema", schema: "public", privileges: ["USAGE"] },
        { objectType: "table", schema: "public", privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
        { objectType: "sequence", schema: "public", privileges: ["USAGE", "SELECT"] },
      ]),
    );
    expect(grants).toHaveLength(4);
    // PostgreSQL 13 and 14 let PUBLIC create in public: the stack's database takes that away (15's default).
    expect(
      byType(r, T.grant)
        .filter((grant) => grant.inputs.role !== appRole)
        .map((grant) => grant.inputs),
    ).toEqual([{ database: "app", role: "public", schema: "public", objectType: "schema", privileges: ["USAGE"] }]);
    const defaults = byType(r, T.defaultPrivileges).map((d) => {
      const { objectType, owner, schema, privileges } = d.inputs;
      return { objectType, owner, schema, privileges };
    });
    expect(defaults).toEqual(
      expect.arrayContaining([
        {
          objectType: "table",
          owner: "pgadmin",
          schema: "public",
          privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
        },
        { objectType: "sequence", owner: "pgadmin", schema: "public", privileges: ["USAGE", "SELECT"] },
      ]),
    );
    expect(defaults).toHaveLength(2);
  });

  it("creates the configured extensions before the migrations and tells the migrations about them", () => {
    const { r } = result;
    const extensions = byType(r, T.extension);
    expect(extensions.map((e) => e.inputs.name).sort()).toEqual(["pg_trgm", "vector"]);
    for (const extension of extensions) expect(single(r, T.migrations).dependencies).toContain(extension.urn);
    expect(single(r, T.migrations).inputs).toMatchObject({
      platform: "azure",
      requiredExtensions: ["pg_trgm", "vector"],
      trackingTable: "pgvector_migrate.schema_migrations",
      directory: "migrations",
    });
    expect((allowlistOf(r) as Registration).inputs.value).toBe("pg_trgm,vector");
  });
});

describe("environments", () => {
  /** What every Azure stack of the stack files has, whatever its network: the server and the shared layer. */
  const serverAndDatabaseCensus = {
    [T.resourceGroup]: 1,
    [T.password]: 2,
    [T.serverComponent]: 1,
    [T.server]: 1,
    [T.serverReadiness]: 1,
    [T.configuration]: 2,
    [T.database]: 1,
    [T.databaseComponent]: 1,
    [T.provider]: 1,
    [T.extension]: 2,
    [T.migrations]: 1,
    [T.appRoleComponent]: 1,
    [T.role]: 1,
    // The application role's four, and PUBLIC reduced to USAGE on schema public.
    [T.grant]: 5,
    [T.defaultPrivileges]: 2,
  };
  /** Long-lived stacks check, before the server is touched, that an update does not replace it. */
  const guarded = { [T.replacementGuard]: 1 };

  it("dev: public endpoint with the configured firewall rules, unprotected", async () => {
    const { r } = await run("dev", stacks.dev());
    expect(census(r)).toEqual({ ...serverAndDatabaseCensus, ...guarded, [T.firewallRule]: 2 });
    const server = single(r, T.server);
    expect(server.inputs).toMatchObject({
      location: "westeurope",
      version: "17",
      sku: { name: "Standard_B2s", tier: "Burstable" },
      storage: { storageSizeGB: 32, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled" },
      network: { publicNetworkAccess: "Enabled" },
      authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
      administratorLogin: "pgadmin",
    });
    expect(server.customTimeouts).toEqual({ create: "90m", update: "90m", delete: "60m" });
    expect(server.ignoreChanges).toContain("storage.storageSizeGB");
    expect(byType(r, T.firewallRule).map((rule) => rule.inputs)).toEqual([
      expect.objectContaining({
        firewallRuleName: "office",
        startIpAddress: "203.0.113.0",
        endIpAddress: "203.0.113.255",
      }),
      expect.objectContaining({
        firewallRuleName: "ci",
        startIpAddress: "198.51.100.10",
        endIpAddress: "198.51.100.20",
      }),
    ]);
    expect(r.filter((registration) => registration.protect).map((x) => x.name)).toEqual([]);
    expect(single(r, T.database).inputs).toMatchObject({
      databaseName: "app",
      charset: "utf8",
      collation: "en_US.utf8",
    });
  });

  it("dev: the postgresql provider waits for every firewall rule", async () => {
    const { r } = await run("dev", stacks.dev());
    const provider = single(r, T.provider);
    const rules = byType(r, T.firewallRule);
    expect(rules).toHaveLength(2);
    for (const rule of rules) expect(provider.dependencies).toContain(rule.urn);
  });

  it("prod: private access, zone-redundant HA, geo-redundant backup, protected", async () => {
    const { r } = await run("prod", stacks.prod());
    expect(census(r)).toEqual({
      ...serverAndDatabaseCensus,
      ...guarded,
      [T.serverLock]: 1,
      [T.resourceGroupLock]: 1,
      [T.networkComponent]: 1,
      [T.vnet]: 1,
      [T.subnet]: 1,
      [T.dnsZone]: 1,
      // The stack's own network and the runner's (peerVnetId), peered both ways.
      [T.dnsLink]: 2,
      [T.peering]: 2,
    });
    const server = single(r, T.server);
    const subnet = single(r, T.subnet);
    const zone = single(r, T.dnsZone);
    expect(server.inputs).toMatchObject({
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      storage: { storageSizeGB: 256, autoGrow: "Enabled" },
      backup: { backupRetentionDays: 35, geoRedundantBackup: "Enabled" },
      highAvailability: { mode: "ZoneRedundant" },
      maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 2, startMinute: 0 },
      network: {
        publicNetworkAccess: "Disabled",
        delegatedSubnetResourceId: expect.stringContaining("/subnets/"),
        privateDnsZoneArmResourceId: expect.stringContaining("/privateDnsZones/"),
      },
    });
    expect(server.dependencies).toEqual(
      expect.arrayContaining([subnet.urn, zone.urn, single(r, T.dnsLink, "postgres-network-dns-link").urn]),
    );
    expect(subnet.inputs).toMatchObject({
      addressPrefix: "10.42.0.0/24",
      delegations: [{ name: "postgres-flexible-server", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
    });
    expect(zone.inputs.privateZoneName).toBe("pgvector-stack-prod.private.postgres.database.azure.com");
    for (const link of byType(r, T.dnsLink)) {
      expect(link.inputs).toMatchObject({ registrationEnabled: false, location: "Global" });
    }
    expect(byType(r, T.firewallRule)).toEqual([]);
    expect(
      r
        .filter((registration) => registration.protect)
        .map((x) => x.type)
        .sort(),
    ).toEqual([T.database, T.server, T.vnet, T.subnet, T.dnsZone].sort());
  });

  it("ephemeral: smallest server, nothing protected, tagged", async () => {
    const { r } = await run("pr-123", stacks["pr-123"]());
    const server = single(r, T.server);
    expect(server.inputs).toMatchObject({
      sku: { name: "Standard_B1ms", tier: "Burstable" },
      storage: { storageSizeGB: 32 },
      backup: { backupRetentionDays: 7, geoRedundantBackup: "Disabled" },
      highAvailability: { mode: "Disabled" },
      tags: { stack: "pr-123", ephemeral: "true", "managed-by": "pulumi" },
    });
    expect(r.filter((registration) => registration.protect)).toEqual([]);
    // Even a protect setting copied along does not protect an ephemeral stack.
    const copiedProtect = await run("pr-124", { ...stacks["pr-123"](), "pgvector-stack:protect": "true" });
    expect(copiedProtect.r.filter((registration) => registration.protect)).toEqual([]);
  });
});

describe("the azure.extensions allow-list", () => {
  const withExtensions = (extensions: string[]) =>
    run("dev", { ...stacks.dev(), "pgvector-stack:extensions": JSON.stringify(extensions) });

  it.each([
    { extensions: [], allowlist: "vector", created: ["vector"] },
    { extensions: ["pg_trgm"], allowlist: "pg_trgm,vector", created: ["pg_trgm", "vector"] },
    {
      extensions: ["uuid-ossp", "Vector", "PG_TRGM", "pg_trgm", " citext "],
      allowlist: "citext,pg_trgm,uuid-ossp,vector",
      created: ["citext", "pg_trgm", "uuid-ossp", "vector"],
    },
  ])("$extensions -> $allowlist", async ({ extensions, allowlist, created }) => {
    const { r, outputs } = await withExtensions(extensions);
    const configurations = byType(r, T.configuration).filter((c) => c.inputs.configurationName === "azure.extensions");
    expect(configurations).toHaveLength(1);
    expect((configurations[0] as Registration).inputs).toMatchObject({ value: allowlist, source: "user-override" });
    expect(byType(r, T.extension).map((e) => e.inputs.name)).toEqual(created);
    expect(outputs.extensionsAllowlist?.value).toBe(allowlist);
  });
});

describe("infra/main.ts, the program Pulumi runs", () => {
  it("validates, builds the stack and exports the outputs", async () => {
    const result = await runWithMocks("dev", stacks.dev(), async () => {
      vi.resetModules();
      return (await import("../../infra/main.js")).default as Record<string, unknown>;
    });
    expect(Object.keys(result.outputs).sort()).toEqual(
      [
        "adminConnectionString",
        "adminUser",
        "appConnectionString",
        "appDirectConnectionString",
        "appReadOnlyConnectionString",
        "appReadOnlyTarget",
        "appUser",
        "database",
        "extensions",
        "extensionsAllowlist",
        "host",
        "latestMigration",
        "platform",
        "port",
        "resourceGroupName",
        "serverName",
        "sslmode",
      ].sort(),
    );
    expect(result.outputs.appConnectionString?.secret).toBe(true);
    expect(byType(result.registrations, T.server)).toHaveLength(1);
  });
});
