import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, commonSettingsDocs, staticConfigSource } from "../../infra/config";
import { platformRegistry } from "../../infra/platforms";
import type { AzureSettings } from "../../infra/platforms/azure/config";
import { createStack } from "../../infra/program";
import { loadStackConfig, type StackConfig } from "../../infra/stack-config";
import { docsReferenceExists } from "../support/docs";
import { project, runWithMocks } from "./harness";
import { projectDirectory } from "./stack-files";

/** A valid Azure configuration with a public endpoint, to vary one setting at a time. */
const publicAzure: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
};

function load(values: Record<string, string>, secretKeys: string[] = []): StackConfig {
  return loadStackConfig(staticConfigSource(project, "dev", values, secretKeys));
}

function azure(config: StackConfig): AzureSettings {
  if (config.platform.name !== "azure") throw new Error(`expected azure, got ${config.platform.name}`);
  return config.platform.settings;
}

/** The ConfigError the values raise. */
function configError(values: Record<string, string>, secretKeys: string[] = []): ConfigError {
  try {
    load(values, secretKeys);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

/** The message lines of the problems, each "pgvector-stack:<setting>: <message>". */
function problemLines(values: Record<string, string>, secretKeys: string[] = []): string[] {
  return configError(values, secretKeys)
    .message.split("\n")
    .filter((line) => line.startsWith("  - "))
    .map((line) => line.slice(4));
}

describe("valid configurations", () => {
  it("fills in the defaults of Pulumi.yaml", () => {
    // deployerInVnet: a private stack must say how Pulumi reaches its network (see "the deployer's network").
    const config = load({ "azure-native:location": "westeurope", deployerInVnet: "true" });
    expect(config).toMatchObject({
      ephemeral: false,
      protect: false,
      postgresVersion: 17,
      databaseName: "app",
      extensions: ["vector"],
      migrations: {
        directory: "migrations",
        trackingTable: "pgvector_migrate.schema_migrations",
        lockTimeoutSeconds: 60,
        allowOutOfOrder: false,
        timeoutMinutes: 120,
      },
      appRole: { name: "app_app", access: "readwrite", schemas: ["public"] },
      connectTimeoutSeconds: 15,
    });
    expect(azure(config)).toEqual({
      location: "westeurope",
      postgresVersion: "17",
      sku: { tier: "Burstable", name: "Standard_B1ms" },
      storageSizeGb: 32,
      storageAutoGrow: true,
      backupRetentionDays: 7,
      geoRedundantBackup: false,
      highAvailability: "Disabled",
      adminLogin: "pgadmin",
      entra: { enabled: false },
      network: { access: "private", vnetAddressPrefix: "10.42.0.0/16", subnetAddressPrefix: "10.42.0.0/24" },
      serverParameters: {},
      pgbouncer: false,
      managementLocks: true,
      allowServerReplacement: false,
    });
  });

  it("turns firewall entries into Azure start/end rules", () => {
    const config = load({
      ...publicAzure,
      firewallRules: JSON.stringify(["office=203.0.113.0/24", "ci=198.51.100.10-198.51.100.20", "home=192.0.2.7"]),
    });
    expect(azure(config).network).toEqual({
      access: "public",
      allowAzureServices: false,
      firewallRules: [
        { name: "office", startIpAddress: "203.0.113.0", endIpAddress: "203.0.113.255" },
        { name: "ci", startIpAddress: "198.51.100.10", endIpAddress: "198.51.100.20" },
        { name: "home", startIpAddress: "192.0.2.7", endIpAddress: "192.0.2.7" },
      ],
    });
  });

  it("accepts choices in any case and returns Azure's spelling", () => {
    const config = load({
      ...publicAzure,
      skuTier: "generalpurpose",
      skuName: "Standard_D2ds_v5",
      highAvailability: "zoneredundant",
      maintenanceWindow: "wednesday 23:30",
    });
    expect(azure(config)).toMatchObject({
      sku: { tier: "GeneralPurpose", name: "Standard_D2ds_v5" },
      highAvailability: "ZoneRedundant",
      maintenanceWindow: { dayOfWeek: 3, startHour: 23, startMinute: 30 },
    });
  });

  it("puts ephemeral stacks on the smallest server, unprotected, whatever the copied settings say", () => {
    const config = load({
      ...publicAzure,
      ephemeral: "true",
      protect: "true",
      skuTier: "MemoryOptimized",
      skuName: "Standard_E4ds_v5",
      storageSizeGb: "1024",
      highAvailability: "ZoneRedundant",
      geoRedundantBackup: "true",
      backupRetentionDays: "35",
      serverName: "pgvector-dev",
    });
    expect(config.protect).toBe(false);
    // The dev server's name would collide: ephemeral servers get a generated one.
    expect(azure(config).serverName).toBeUndefined();
    expect(azure(config)).toMatchObject({
      sku: { tier: "Burstable", name: "Standard_B1ms" },
      storageSizeGb: 32,
      highAvailability: "Disabled",
      geoRedundantBackup: false,
      backupRetentionDays: 7,
    });
  });

  it("admits the whole internet only with the explicit opt-in", () => {
    const config = load({
      ...publicAzure,
      firewallRules: JSON.stringify(["anyone=0.0.0.0/0"]),
      allowAllIpAddresses: "true",
    });
    expect(azure(config).network).toMatchObject({
      firewallRules: [{ name: "anyone", startIpAddress: "0.0.0.0", endIpAddress: "255.255.255.255" }],
    });
  });
});

describe("configuration errors name the setting, the value and the accepted values", () => {
  it("unknown platform", () => {
    expect(problemLines({ ...publicAzure, platform: "aws" })).toEqual([
      'pgvector-stack:platform: "aws" is not a supported platform. Accepted values: azure, neon, supabase or existing.',
    ]);
  });

  it("PostgreSQL version Azure does not offer", () => {
    expect(problemLines({ ...publicAzure, postgresVersion: "12" })).toEqual([
      "pgvector-stack:postgresVersion: 12 is not a PostgreSQL major version Azure Database for PostgreSQL flexible server creates. Accepted values: 13, 14, 15, 16, 17 or 18.",
    ]);
    expect(problemLines({ ...publicAzure, postgresVersion: "seventeen" })).toEqual([
      'pgvector-stack:postgresVersion: "seventeen" is not a PostgreSQL major version. Accepted values: whole numbers from 10 to 99.',
    ]);
  });

  it("SKU name that does not belong to the tier", () => {
    expect(problemLines({ ...publicAzure, skuTier: "Burstable", skuName: "Standard_D2ds_v5" })).toEqual([
      'pgvector-stack:skuName: "Standard_D2ds_v5" is not a Burstable compute size. Burstable accepts Standard_B1ms, ' +
        "Standard_B2s, Standard_B2ms, Standard_B4ms, Standard_B8ms, Standard_B12ms, Standard_B16ms or Standard_B20ms. " +
        '"Standard_D2ds_v5" is a GeneralPurpose size: set skuTier to GeneralPurpose, or choose a Burstable size.',
    ]);
    const [line] = problemLines({ ...publicAzure, skuTier: "MemoryOptimized", skuName: "Standard_X9" });
    expect(line).toMatch(
      /^pgvector-stack:skuName: "Standard_X9" is not a MemoryOptimized compute size\. MemoryOptimized accepts Standard_E<vCPUs>s_v3, .*\.$/,
    );
  });

  it("unknown SKU tier", () => {
    expect(problemLines({ ...publicAzure, skuTier: "Premium" })).toEqual([
      'pgvector-stack:skuTier: "Premium" is not a compute tier. Accepted values: Burstable, GeneralPurpose or MemoryOptimized.',
    ]);
  });

  it("storage size Azure does not offer", () => {
    expect(problemLines({ ...publicAzure, storageSizeGb: "100" })).toEqual([
      'pgvector-stack:storageSizeGb: "100" is not a storage size Azure offers, in GiB. Accepted values: 32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384 or 32767.',
    ]);
  });

  it("backup retention out of range", () => {
    expect(problemLines({ ...publicAzure, backupRetentionDays: "3" })).toEqual([
      'pgvector-stack:backupRetentionDays: "3" is not a backup retention Azure offers. Accepted values: whole numbers from 7 to 35.',
    ]);
  });

  it("firewall entries that are not IP ranges", () => {
    const rules = [
      "office=203.0.113.0/33",
      "vpn=300.1.1.1",
      "ci=198.51.100.20-198.51.100.10",
      "203.0.113.9",
      "lab=203.0.113.5/24",
      "bad name=192.0.2.1",
    ];
    expect(problemLines({ ...publicAzure, firewallRules: JSON.stringify(rules) })).toEqual([
      'pgvector-stack:firewallRules[0]: "office=203.0.113.0/33": the range is not an IPv4 CIDR block (e.g. 203.0.113.0/24).',
      'pgvector-stack:firewallRules[1]: "vpn=300.1.1.1": the range is not an IPv4 address, range or CIDR block (203.0.113.7, 198.51.100.10-198.51.100.20 or 203.0.113.0/24).',
      'pgvector-stack:firewallRules[2]: "ci=198.51.100.20-198.51.100.10": the range starts after it ends (198.51.100.20 > 198.51.100.10).',
      'pgvector-stack:firewallRules[3]: "203.0.113.9" is not NAME=RANGE (e.g. office=203.0.113.0/24 or ci=198.51.100.10-198.51.100.20).',
      'pgvector-stack:firewallRules[4]: "lab=203.0.113.5/24": the range has host bits set after the /24 prefix; the block starts at 203.0.113.0/24.',
      'pgvector-stack:firewallRules[5]: "bad name=192.0.2.1": the rule name "bad name" may use only letters, digits, _ . and -.',
    ]);
  });

  it("firewall rules that are not a list", () => {
    expect(problemLines({ ...publicAzure, firewallRules: "office=203.0.113.0/24" })).toEqual([
      "pgvector-stack:firewallRules: \"office=203.0.113.0/24\" is not a list of strings. Set items with `pulumi config set --path '<key>[0]' <value>`, or write a YAML list in the stack file.",
    ]);
  });

  it("a rule open to the whole internet without the opt-in", () => {
    for (const range of ["0.0.0.0/0", "0.0.0.0-255.255.255.255"]) {
      expect(problemLines({ ...publicAzure, firewallRules: JSON.stringify([`anyone=${range}`]) })).toEqual([
        `pgvector-stack:firewallRules[0]: "anyone=${range}" admits every IPv4 address on the internet. List your CI and office ranges instead, or, if you really mean it, set allowAllIpAddresses to true.`,
      ]);
    }
  });

  it("Azure's 0.0.0.0 rule written as a range", () => {
    expect(problemLines({ ...publicAzure, firewallRules: JSON.stringify(["azure=0.0.0.0"]) })).toEqual([
      'pgvector-stack:firewallRules[0]: "azure=0.0.0.0" is Azure\'s "allow Azure services" rule (0.0.0.0); set allowAzureServices to true instead.',
    ]);
  });

  it("a public endpoint nobody may reach", () => {
    expect(problemLines({ ...publicAzure, firewallRules: "[]" })).toEqual([
      "pgvector-stack:firewallRules: is empty, so with networkAccess public nobody can connect, not even Pulumi to create the extension. Add the ranges Pulumi and your applications connect from (e.g. office=203.0.113.0/24), or set allowAzureServices to true.",
    ]);
  });

  it("firewall rules on a private server", () => {
    expect(problemLines({ ...publicAzure, networkAccess: "private", deployerInVnet: "true" })).toEqual([
      "pgvector-stack:firewallRules: applies to networkAccess public only: a private server has no public endpoint. Unset it or set networkAccess to public.",
    ]);
  });

  it("settings of the other network mode", () => {
    expect(problemLines({ ...publicAzure, delegatedSubnetId: "/x/subnets/s" })).toEqual([
      "pgvector-stack:delegatedSubnetId: applies to networkAccess private only; unset it or set networkAccess to private.",
    ]);
    expect(
      problemLines({ "azure-native:location": "westeurope", deployerInVnet: "true", allowAzureServices: "true" }),
    ).toEqual([
      "pgvector-stack:allowAzureServices: applies to networkAccess public only: a private server has no public endpoint. Unset it or set networkAccess to public.",
    ]);
  });

  it("an existing private network given by halves or by wrong ids", () => {
    const privateAzure = { "azure-native:location": "westeurope" };
    expect(
      problemLines({ ...privateAzure, delegatedSubnetId: "/subscriptions/s/virtualNetworks/v/subnets/db" }),
    ).toEqual([
      "pgvector-stack:privateDnsZoneId: is required too: an existing network needs both delegatedSubnetId and privateDnsZoneId.",
    ]);
    expect(problemLines({ ...privateAzure, delegatedSubnetId: "subnet-db", privateDnsZoneId: "zone" })).toEqual([
      'pgvector-stack:delegatedSubnetId: "subnet-db" is not a subnet resource id (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>).',
      'pgvector-stack:privateDnsZoneId: "zone" is not the resource id of a private DNS zone ending in .postgres.database.azure.com.',
    ]);
  });

  it("a subnet outside the virtual network, and address prefixes that are not CIDR blocks", () => {
    const privateAzure = { "azure-native:location": "westeurope", deployerInVnet: "true" };
    expect(problemLines({ ...privateAzure, subnetAddressPrefix: "10.43.0.0/24" })).toEqual([
      'pgvector-stack:subnetAddressPrefix: "10.43.0.0/24" is not inside vnetAddressPrefix "10.42.0.0/16".',
    ]);
    expect(problemLines({ ...privateAzure, vnetAddressPrefix: "10.42.0.0" })).toEqual([
      'pgvector-stack:vnetAddressPrefix: "10.42.0.0" is not an IPv4 CIDR block (e.g. 203.0.113.0/24).',
    ]);
  });

  it("an Entra tenant without Entra sign-in, or one that is not a GUID", () => {
    expect(problemLines({ ...publicAzure, entraTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" })).toEqual([
      "pgvector-stack:entraTenantId: is set but entraAuth is false; set entraAuth to true or unset it.",
    ]);
    expect(problemLines({ ...publicAzure, entraAuth: "true", entraTenantId: "contoso" })).toEqual([
      'pgvector-stack:entraTenantId: "contoso" is not a tenant id (a GUID).',
    ]);
  });

  it("high availability on Burstable", () => {
    expect(problemLines({ ...publicAzure, highAvailability: "ZoneRedundant" })).toEqual([
      'pgvector-stack:highAvailability: "ZoneRedundant" needs the GeneralPurpose or MemoryOptimized tier; Burstable servers have no high availability. Set highAvailability to Disabled or change skuTier.',
    ]);
  });

  it("missing Azure region", () => {
    const { "azure-native:location": _, ...withoutLocation } = publicAzure;
    expect(problemLines(withoutLocation)).toEqual([
      "azure-native:location: is not set; it is the Azure region of every resource. Set it: `pulumi config set azure-native:location westeurope`.",
    ]);
  });

  it("maintenance window, zone, admin login and names", () => {
    expect(
      problemLines({
        ...publicAzure,
        maintenanceWindow: "Sunday at 2",
        availabilityZone: "4",
        adminLogin: "azure_superuser",
        databaseName: "App-DB",
        serverName: "-bad",
      }),
    ).toEqual([
      'pgvector-stack:databaseName: "App-DB" is not a lower-case PostgreSQL identifier (a-z, 0-9 and _, starting with a letter or _, at most 63).',
      'pgvector-stack:serverName: "-bad" is not a server name (3-63 lower-case letters, digits and -, not starting or ending with -).',
      'pgvector-stack:availabilityZone: "4" is not a zone. Accepted values: 1, 2 or 3.',
      'pgvector-stack:maintenanceWindow: "Sunday at 2" is not a weekly start time. Accepted: a day and a UTC time, e.g. "Sun 02:30" or "Wednesday 23:00".',
      'pgvector-stack:adminLogin: "azure_superuser" is reserved on Azure (admin, administrator, root, guest, public, azure_*, pg_*).',
    ]);
  });

  it("misspelt settings, with a suggestion", () => {
    expect(problemLines({ ...publicAzure, skuname: "Standard_B2s" })).toEqual([
      "pgvector-stack:skuname: is not a setting of this project; did you mean skuName? Remove it with `pulumi config rm skuname`.",
    ]);
  });

  it("a migrations directory that does not exist", () => {
    expect(problemLines({ ...publicAzure, migrationsDirectory: "db/migrations" })).toEqual([
      `pgvector-stack:migrationsDirectory: "db/migrations" is not a folder (looked for ${path.join(projectDirectory, "db/migrations")}). Set it to the folder of the SQL migrations, relative to the project directory (default migrations), or create the first migration there with \`pgvector-migrate new <name> --dir <folder>\`.`,
    ]);
    expect(problemLines({ ...publicAzure, migrationsDirectory: "README.md" })[0]).toContain(
      '"README.md" is not a folder',
    );
  });

  it("extension names", () => {
    expect(problemLines({ ...publicAzure, extensions: JSON.stringify(["pg_trgm", "drop table"]) })).toEqual([
      'pgvector-stack:extensions[1]: "drop table" is not an extension name (letters, digits, _ and -, e.g. pg_trgm or uuid-ossp).',
    ]);
  });

  it("lists every problem at once, common and platform settings alike", () => {
    const error = configError({ ...publicAzure, storageSizeGb: "100", skuTier: "Premium", appRoleAccess: "all" });
    expect(error.problems.map((problem) => problem.setting)).toEqual(["appRoleAccess", "skuTier", "storageSizeGb"]);
    expect(error.message).toMatch(/^The configuration of stack "dev" has 3 problems:\n/);
  });

  it("is a RunError, which the Pulumi CLI prints without a stack trace", () => {
    expect(pulumi.RunError.isInstance(configError({ platform: "aws" }))).toBe(true);
  });
});

describe("secrets", () => {
  const url = "postgres://owner:S3cret-Passw0rd@db.example.com:5432/postgres?sslmode=require";

  it("a missing required secret", () => {
    expect(problemLines({ platform: "existing" })).toEqual([
      "pgvector-stack:existing.host: is required when the secret existingUrl is not set (set existing.host, or set existingUrl to a postgres:// URL)",
      "pgvector-stack:existing.user: is required when the secret existingUrl is not set (set existing.user, or set existingUrl to a postgres:// URL)",
    ]);
  });

  it("a secret stored in plain text", () => {
    expect(problemLines({ platform: "existing", existingUrl: url })).toEqual([
      "pgvector-stack:existingUrl: holds a secret but is stored in plain text in Pulumi.dev.yaml. Set it again encrypted: `pulumi config set --secret existingUrl <value>`.",
    ]);
    expect(load({ platform: "existing", existingUrl: url }, ["existingUrl"]).platform.name).toBe("existing");
  });

  it("a secret inside the plain `existing` object", () => {
    expect(problemLines({ platform: "existing", existing: JSON.stringify({ password: "S3cret-Passw0rd" }) })).toEqual([
      "pgvector-stack:existing.password: holds a secret in plain text; remove it and set the secret existingPassword instead: `pulumi config set --secret existingPassword <value>`.",
    ]);
  });

  it("never repeats a secret value in a message", () => {
    const badUrl = "mysql://owner:S3cret-Passw0rd@db.example.com/postgres";
    const error = configError({ platform: "existing", existingUrl: badUrl }, []);
    expect(error.message).toContain("pgvector-stack:existingUrl");
    expect(error.message).not.toContain("S3cret-Passw0rd");
  });
});

describe("the docs pointer at the end of the error", () => {
  const lastLine = (values: Record<string, string>, secretKeys: string[] = []) =>
    configError(values, secretKeys).message.split("\n").at(-1);
  const neon = { platform: "neon", "neon:apiKey": "napi_x" };

  it("names the section that documents the failing settings, and each such section once", () => {
    expect(lastLine({ ...publicAzure, storageSizeGb: "100", skuTier: "Cheap" })).toBe(
      "Change a setting with `pulumi config set <key> <value>` (add --secret for secrets); see docs/azure.md#settings.",
    );
    expect(lastLine({ ...neon, neon: JSON.stringify({ region: "mars" }) }, ["neon:apiKey"])).toMatch(
      /; see docs\/platforms\.md#neon\.$/,
    );
    expect(lastLine({ platform: "existing", existingUrl: "postgres://u@h/db" })).toMatch(
      /; see docs\/platforms\.md#existing-any-postgresql-you-can-reach\.$/,
    );
    // A platform's own rule on a common setting points to the platform's page (Neon offers 14 to 18)...
    expect(lastLine({ ...neon, postgresVersion: "13" }, ["neon:apiKey"])).toMatch(/; see docs\/platforms\.md#neon\.$/);
    // ...a common setting's own rule to the common settings' page, whatever the platform (not to Azure's page).
    expect(lastLine({ platform: "supabase", databaseName: "Bad-Name" })).toMatch(
      /; see docs\/settings\.md#common-settings and docs\/platforms\.md#supabase\.$/,
    );
  });

  it("points to headings the docs have", () => {
    const topics = [commonSettingsDocs, ...Object.values(platformRegistry).map((platform) => platform.section.docs)];
    const missing = topics.filter((topic) => !docsReferenceExists(projectDirectory, topic));
    expect(topics).toHaveLength(5);
    expect(missing).toEqual([]);
  });
});

describe("validation happens before any resource is registered", () => {
  it("a wrong setting stops the program with no registration", async () => {
    let thrown: unknown;
    const run = await runWithMocks("dev", { ...publicAzure, storageSizeGb: "100" }, () => {
      try {
        return createStack(loadStackConfig());
      } catch (error) {
        thrown = error;
        return {};
      }
    });
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toContain("pgvector-stack:storageSizeGb");
    expect(run.registrations).toEqual([]);
  });

  it("reads the configuration and secret flags the Pulumi engine passes", async () => {
    let config: StackConfig | undefined;
    await runWithMocks(
      "dev",
      { platform: "existing", existingUrl: "postgres://owner:pw@db.example.com/postgres" },
      () => {
        config = loadStackConfig();
        return {};
      },
      { secretKeys: ["existingUrl"] },
    );
    expect(config?.platform.name).toBe("existing");
    expect(config?.stack).toBe("dev");
    expect(config?.project).toBe(project);
  });
});
