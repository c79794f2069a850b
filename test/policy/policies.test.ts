import { Configuration, Database, FirewallRule, Server } from "@pulumi/azure-native/dbforpostgresql";
import { Extension, Provider } from "@pulumi/postgresql";
import { describe, expect, it } from "vitest";
import { extensionAllowlisted } from "../../policy/extension-allowlist";
import { noOpenFirewallRange } from "../../policy/firewall";
import { serverDeleteLock } from "../../policy/lock";
import { policies } from "../../policy/policies";
import { readEndpointRedundancy } from "../../policy/read-endpoint";
import { backupRetention, highAvailability, protectStatefulResources } from "../../policy/server";
import { providerRequiresTls, requireSecureTransport } from "../../policy/tls";
import { type FakeResource, runResourcePolicy, runStackPolicy, unknownStringValue, urnOf } from "./harness";

const types = {
  server: "azure-native:dbforpostgresql:Server",
  database: "azure-native:dbforpostgresql:Database",
  firewallRule: "azure-native:dbforpostgresql:FirewallRule",
  configuration: "azure-native:dbforpostgresql:Configuration",
  extension: "postgresql:index/extension:Extension",
  provider: "pulumi:providers:postgresql",
};

function server(props: Record<string, unknown> = {}, protect = true): FakeResource {
  return {
    type: types.server,
    name: "pgvector-server",
    protect,
    props: {
      resourceGroupName: "rg-prod",
      version: "17",
      sku: { name: "Standard_D4ds_v5", tier: "GeneralPurpose" },
      highAvailability: { mode: "ZoneRedundant" },
      backup: { backupRetentionDays: 14, geoRedundantBackup: "Enabled" },
      ...props,
    },
  };
}

function firewallRule(startIpAddress: unknown, endIpAddress: unknown): FakeResource {
  return {
    type: types.firewallRule,
    name: "office",
    props: { resourceGroupName: "rg-prod", serverName: "pg", startIpAddress, endIpAddress },
  };
}

function configuration(name: string, parameter: Record<string, unknown>): FakeResource {
  return {
    type: types.configuration,
    name,
    props: { resourceGroupName: "rg-prod", serverName: "pg", source: "user-override", ...parameter },
  };
}

function messages(outcome: { violations: { message: string }[] }): string[] {
  return outcome.violations.map((violation) => violation.message);
}

describe("the pack", () => {
  it("has every policy once, with a description", () => {
    const names = policies.map((policy) => policy.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      "postgres-firewall-no-open-range",
      "postgres-high-availability",
      "postgres-backup-retention",
      "postgres-require-secure-transport",
      "postgres-provider-requires-tls",
      "postgres-extension-allowlisted",
      "postgres-protect-server-and-database",
      "postgres-server-delete-lock",
      "postgres-read-endpoint-redundancy",
    ]);
    for (const policy of policies) expect(policy.description.length).toBeGreaterThan(20);
  });

  it("uses the type tokens the SDK classes register", () => {
    expect(Server.isInstance({ __pulumiType: types.server })).toBe(true);
    expect(Database.isInstance({ __pulumiType: types.database })).toBe(true);
    expect(FirewallRule.isInstance({ __pulumiType: types.firewallRule })).toBe(true);
    expect(Configuration.isInstance({ __pulumiType: types.configuration })).toBe(true);
    expect(Extension.isInstance({ __pulumiType: types.extension })).toBe(true);
    expect(Provider.isInstance({ __pulumiType: types.provider })).toBe(true);
  });
});

describe("postgres-firewall-no-open-range", () => {
  const check = (start: unknown, end: unknown, config = {}) =>
    runResourcePolicy(noOpenFirewallRange, firewallRule(start, end), config);

  it("accepts a single address and a /24", async () => {
    expect(messages(await check("203.0.113.10", "203.0.113.10"))).toEqual([]);
    expect(messages(await check("198.51.100.0", "198.51.100.255"))).toEqual([]);
  });

  it("rejects the whole internet", async () => {
    const outcome = await check("0.0.0.0", "255.255.255.255");
    expect(messages(outcome)).toEqual([
      'firewall rule "office" (0.0.0.0 – 255.255.255.255) starts at 0.0.0.0, which opens the server to the internet.',
    ]);
  });

  it("rejects a range wider than maxAddresses, which the configuration can raise", async () => {
    expect(messages(await check("10.0.0.0", "10.0.255.255"))).toEqual([
      'firewall rule "office" (10.0.0.0 – 10.0.255.255) admits 65536 addresses; at most 256 are allowed (maxAddresses in this policy\'s configuration).',
    ]);
    expect(messages(await check("10.0.0.0", "10.0.255.255", { maxAddresses: 65536 }))).toEqual([]);
    expect(messages(await check("1.0.0.0", "255.255.255.255", { maxAddresses: 65536 }))).toHaveLength(1);
  });

  it("rejects Azure's allow-Azure-services rule unless the configuration allows it", async () => {
    expect(messages(await check("0.0.0.0", "0.0.0.0"))[0]).toContain('"allow access from Azure services"');
    expect(messages(await check("0.0.0.0", "0.0.0.0", { allowAzureServices: true }))).toEqual([]);
    expect(messages(await check("0.0.0.0", "0.0.0.255", { allowAzureServices: true }))[0]).toContain(
      "starts at 0.0.0.0",
    );
  });

  it("rejects addresses that are not IPv4 and reversed ranges", async () => {
    expect(messages(await check("10.0.0.256", "10.0.0.1"))[0]).toContain("must be IPv4 addresses");
    expect(messages(await check("10.0.0.0/24", "10.0.0.255"))[0]).toContain("must be IPv4 addresses");
    expect(messages(await check("10.0.0.9", "10.0.0.1"))[0]).toContain("startIpAddress is after endIpAddress");
  });

  it("cannot decide while an address is unknown during preview (the analyzer reports that as advisory)", async () => {
    await expect(check(unknownStringValue, "10.0.0.1")).rejects.toThrow("can't be known during preview");
  });

  it("does not apply to other resources", async () => {
    const outcome = await runResourcePolicy(noOpenFirewallRange, server());
    expect(outcome.notApplicable).toContain(types.firewallRule);
  });
});

describe("postgres-high-availability", () => {
  it("accepts zone-redundant and same-zone standbys", async () => {
    expect(messages(await runResourcePolicy(highAvailability, server()))).toEqual([]);
    const sameZone = server({ highAvailability: { mode: "SameZone" } });
    expect(messages(await runResourcePolicy(highAvailability, sameZone))).toEqual([]);
  });

  it("rejects a disabled or missing standby", async () => {
    const disabled = await runResourcePolicy(highAvailability, server({ highAvailability: { mode: "Disabled" } }));
    expect(messages(disabled)).toEqual([
      'server "pgvector-server" has highAvailability.mode "Disabled"; set it to one of: ZoneRedundant, SameZone.',
    ]);
    const missing = await runResourcePolicy(highAvailability, server({ highAvailability: undefined }));
    expect(messages(missing)[0]).toContain("highAvailability.mode unset");
  });

  it("can require zone redundancy", async () => {
    const sameZone = server({ highAvailability: { mode: "SameZone" } });
    const outcome = await runResourcePolicy(highAvailability, sameZone, { allowedModes: ["ZoneRedundant"] });
    expect(messages(outcome)[0]).toContain("set it to one of: ZoneRedundant.");
  });

  it("does not apply to read replicas", async () => {
    const replica = server({ createMode: "Replica", highAvailability: undefined });
    expect((await runResourcePolicy(highAvailability, replica)).notApplicable).toContain("read replicas");
  });
});

describe("postgres-backup-retention", () => {
  it("accepts 7 days or more", async () => {
    const sevenDays = server({ backup: { backupRetentionDays: 7 } });
    expect(messages(await runResourcePolicy(backupRetention, sevenDays))).toEqual([]);
  });

  it("rejects fewer than 7 days, and an unset retention", async () => {
    const short = server({ backup: { backupRetentionDays: 3 } });
    expect(messages(await runResourcePolicy(backupRetention, short))).toEqual([
      'server "pgvector-server" keeps backups for 3 days; set backup.backupRetentionDays to at least 7.',
    ]);
    const unset = server({ backup: undefined });
    expect(messages(await runResourcePolicy(backupRetention, unset))[0]).toContain(
      "does not set backup.backupRetentionDays",
    );
  });

  it("takes its minimum from the configuration", async () => {
    const fourteen = await runResourcePolicy(backupRetention, server(), { minimumRetentionDays: 30 });
    expect(messages(fourteen)[0]).toContain("keeps backups for 14 days; set backup.backupRetentionDays to at least 30");
  });
});

describe("postgres-require-secure-transport", () => {
  it("accepts require_secure_transport on, and other parameters", async () => {
    const on = configuration("tls", { configurationName: "require_secure_transport", value: "ON" });
    expect(messages(await runResourcePolicy(requireSecureTransport, on))).toEqual([]);
    const allowlist = configuration("allowlist", { configurationName: "azure.extensions", value: "VECTOR" });
    expect((await runResourcePolicy(requireSecureTransport, allowlist)).notApplicable).toContain(
      "require_secure_transport",
    );
  });

  it("rejects turning it off, in any spelling PostgreSQL accepts", async () => {
    for (const value of ["off", "OFF", "false", "0", "no"]) {
      const off = configuration("tls", { configurationName: "require_secure_transport", value });
      expect(messages(await runResourcePolicy(requireSecureTransport, off))).toEqual([
        `Configuration "tls" sets require_secure_transport to "${value}": clients could connect without TLS.`,
      ]);
    }
  });

  it("falls back to the resource name when configurationName is not given", async () => {
    const off = configuration("require_secure_transport", { value: "off" });
    expect(messages(await runResourcePolicy(requireSecureTransport, off))).toHaveLength(1);
  });
});

describe("postgres-provider-requires-tls", () => {
  const provider = (props: Record<string, unknown>): FakeResource => ({
    type: types.provider,
    name: "pg-admin",
    props: { host: "pg.postgres.database.azure.com", superuser: "false", ...props },
  });

  it("accepts require and verify modes", async () => {
    for (const sslmode of ["require", "verify-ca", "verify-full"]) {
      expect(messages(await runResourcePolicy(providerRequiresTls, provider({ sslmode })))).toEqual([]);
    }
    expect(messages(await runResourcePolicy(providerRequiresTls, provider({ sslMode: "require" })))).toEqual([]);
  });

  it("rejects modes that allow clear text, and an unset mode", async () => {
    expect(messages(await runResourcePolicy(providerRequiresTls, provider({ sslmode: "disable" })))[0]).toContain(
      'postgresql provider "pg-admin" has sslmode "disable"',
    );
    expect(messages(await runResourcePolicy(providerRequiresTls, provider({ sslmode: "prefer" })))).toHaveLength(1);
    expect(messages(await runResourcePolicy(providerRequiresTls, provider({})))[0]).toContain("sslmode unset");
  });

  it("does not apply to other resources", async () => {
    expect((await runResourcePolicy(providerRequiresTls, server())).notApplicable).toContain(types.provider);
  });
});

describe("postgres-protect-server-and-database", () => {
  const database = (protect: boolean): FakeResource => ({
    type: types.database,
    name: "app-db",
    protect,
    props: { resourceGroupName: "rg-prod", serverName: "pg", charset: "UTF8" },
  });

  it("accepts protected servers and databases", async () => {
    expect(messages(await runResourcePolicy(protectStatefulResources, server()))).toEqual([]);
    expect(messages(await runResourcePolicy(protectStatefulResources, database(true)))).toEqual([]);
  });

  it("rejects unprotected ones", async () => {
    expect(messages(await runResourcePolicy(protectStatefulResources, server({}, false)))).toEqual([
      'server "pgvector-server" is not protected: pass { protect: true } so it cannot be deleted by accident.',
    ]);
    expect(messages(await runResourcePolicy(protectStatefulResources, database(false)))[0]).toContain(
      'database "app-db" is not protected',
    );
  });

  it("does not apply to other resources", async () => {
    const rule = firewallRule("203.0.113.10", "203.0.113.10");
    expect((await runResourcePolicy(protectStatefulResources, rule)).notApplicable).toBeDefined();
  });
});

describe("postgres-extension-allowlisted", () => {
  const allowlist = (value: string, shape: "inputs" | "outputs" = "inputs"): FakeResource =>
    configuration(
      "vector-allowlist",
      shape === "inputs" ? { configurationName: "azure.extensions", value } : { name: "azure.extensions", value },
    );
  const database: FakeResource = {
    type: types.database,
    name: "app-db",
    props: { charset: "UTF8" },
    dependsOn: ["vector-allowlist"],
  };
  const extension = (dependsOn: string[], name = "vector"): FakeResource => ({
    type: types.extension,
    name: `${name}-extension`,
    props: { name, database: "app" },
    dependsOn,
  });

  it("accepts vector in the allowlist the extension depends on, directly or through the database", async () => {
    const direct = [server(), allowlist("pg_trgm,VECTOR"), extension(["vector-allowlist"])];
    expect(messages(await runStackPolicy(extensionAllowlisted, direct))).toEqual([]);
    const transitive = [server(), allowlist("vector", "outputs"), database, extension(["app-db"])];
    expect(messages(await runStackPolicy(extensionAllowlisted, transitive))).toEqual([]);
  });

  it("rejects an extension missing from the allowlist, naming the extension", async () => {
    const stack = [server(), allowlist("pg_trgm"), extension(["vector-allowlist"])];
    const outcome = await runStackPolicy(extensionAllowlisted, stack);
    expect(outcome.violations).toEqual([
      {
        message:
          'Extension "vector" (vector-extension) is not in the azure.extensions allowlist it depends on ("pg_trgm"): add "vector" to its value.',
        urn: urnOf(extension(["vector-allowlist"])),
      },
    ]);
  });

  it("rejects an extension that does not depend on the allowlist, or a stack without one", async () => {
    const unordered = [server(), allowlist("vector"), extension([])];
    expect(messages(await runStackPolicy(extensionAllowlisted, unordered))[0]).toContain(
      'Extension "vector" (vector-extension) does not depend on an azure.extensions Configuration:',
    );
    const none = [server(), extension([])];
    expect(messages(await runStackPolicy(extensionAllowlisted, none))[0]).toContain("(the stack has none)");
  });

  it("does not apply without an Azure flexible server (Neon, Supabase, existing servers)", async () => {
    const outcome = await runStackPolicy(extensionAllowlisted, [extension([])]);
    expect(outcome.notApplicable).toContain("no Azure Database for PostgreSQL flexible server");
  });
});

describe("postgres-server-delete-lock", () => {
  const lock = (dependsOn: string[], level = "CanNotDelete"): FakeResource => ({
    type: "azure-native:authorization:ManagementLockByScope",
    name: "pgvector-server-lock",
    props: {
      level,
      scope: "/subscriptions/s/resourceGroups/rg-prod/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg",
    },
    dependsOn,
  });

  it("accepts a server with a CanNotDelete lock on it", async () => {
    expect(messages(await runStackPolicy(serverDeleteLock, [server(), lock(["pgvector-server"])]))).toEqual([]);
  });

  it("rejects a server without a lock, with a ReadOnly-less level, or with a lock on something else", async () => {
    const expected = [expect.stringMatching(/^server "pgvector-server" has no CanNotDelete management lock/)];
    expect(messages(await runStackPolicy(serverDeleteLock, [server()]))).toEqual(expected);
    expect(
      messages(await runStackPolicy(serverDeleteLock, [server(), lock(["pgvector-server"], "NotSpecified")])),
    ).toEqual(expected);
    expect(messages(await runStackPolicy(serverDeleteLock, [server(), lock([])]))).toEqual(expected);
  });

  it("does not apply without an Azure flexible server", async () => {
    expect((await runStackPolicy(serverDeleteLock, [])).notApplicable).toMatch(/no Azure Database for PostgreSQL/);
  });
});

describe("postgres-read-endpoint-redundancy", () => {
  const virtualEndpoint: FakeResource = {
    type: "azure-native:dbforpostgresql:VirtualEndpoint",
    name: "pgvector-read-endpoint",
    props: { resourceGroupName: "rg-prod", serverName: "pg", endpointType: "ReadWrite", members: ["pg-replica-1"] },
  };
  const replica = (props: Record<string, unknown> = {}): FakeResource => ({
    ...server({ createMode: "Replica", highAvailability: { mode: "Disabled" }, ...props }),
    name: "pgvector-replica-1",
  });
  const noStandby = { highAvailability: { mode: "Disabled" } };

  it("passes a read endpoint backed by a read replica, or by a primary with high availability", async () => {
    expect(
      messages(await runStackPolicy(readEndpointRedundancy, [server(noStandby), replica(), virtualEndpoint])),
    ).toEqual([]);
    expect(messages(await runStackPolicy(readEndpointRedundancy, [server(), virtualEndpoint]))).toEqual([]);
    expect(
      messages(
        await runStackPolicy(readEndpointRedundancy, [
          server({ highAvailability: { mode: "SameZone" } }),
          virtualEndpoint,
        ]),
      ),
    ).toEqual([]);
  });

  it("rejects a read endpoint with neither a replica nor a standby, naming the endpoint", async () => {
    const outcome = await runStackPolicy(readEndpointRedundancy, [server(noStandby), virtualEndpoint]);
    expect(outcome.violations).toEqual([
      {
        message: expect.stringMatching(/^read endpoint "pgvector-read-endpoint" has no read replica behind it/),
        urn: urnOf(virtualEndpoint),
      },
    ]);
    // A replica's own (absent) high availability does not count for the primary.
    expect(
      messages(
        await runStackPolicy(readEndpointRedundancy, [server({ highAvailability: undefined }), virtualEndpoint]),
      ),
    ).toHaveLength(1);
  });

  it("does not apply without a read endpoint", async () => {
    expect((await runStackPolicy(readEndpointRedundancy, [server(noStandby)])).notApplicable).toMatch(
      /no read endpoint/,
    );
  });
});

describe("postgres-backup-retention on a read replica", () => {
  it("does not apply: the primary's backups cover its data", async () => {
    const outcome = await runResourcePolicy(backupRetention, server({ createMode: "Replica", backup: undefined }));
    expect(outcome.notApplicable).toMatch(/read replica/);
    expect((await runResourcePolicy(backupRetention, server({ backup: undefined }))).violations).toHaveLength(1);
  });
});
