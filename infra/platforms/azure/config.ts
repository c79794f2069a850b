import type { CommonSettings } from "../../config/common";
import { identifierProblem } from "../../config/identifiers";
import { type Parsed, type Problem, problemsFromZod } from "../../config/problems";
import {
  boolean,
  choice,
  integer,
  listOf,
  quote,
  type SettingValues,
  settingsSchema,
  stringList,
  text,
} from "../../config/setting";
import type { ConfigSource } from "../../config/source";
import { type AzureAdoption, adoptedServerSettings, adoptionProblems, adoptServerIdSetting } from "./adoption";
import { allIpv4, parseCidr, parseIpv4Range } from "./ipv4";
import { parseReadReplicas, type ReadReplicaSettings, readReplicasSetting } from "./read-replicas-config";
import { guidPattern, resourceGroupNamePattern, sameResourceId, virtualNetworkIdProblem } from "./resource-ids";
import { parseServerParameters, serverParametersSetting } from "./server-parameters";

/** Major versions Azure Database for PostgreSQL flexible server creates (11 and 12 are retired for new servers). */
export const azurePostgresVersions = [13, 14, 15, 16, 17, 18] as const;

/**
 * The storage sizes (GiB) flexible server offers on Premium SSD; nothing in between. The azurerm provider's
 * `storage_mb` allowed values (internal/services/postgres/postgresql_flexible_server_resource.go: 32768 ... 2097152,
 * 4193280, 4194304, 8388608, 16777216, 33553408 MiB) divided by 1024: the largest is 32767 GiB, not 32768, and
 * 4095 GiB is offered besides 4096.
 */
export const azureStorageSizesGb = [32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384, 32767] as const;

/** backup_retention_days: validation.IntBetween(7, 35) in the same azurerm file. */
export const backupRetentionDaysRange = { min: 7, max: 35 } as const;

/** Firewall rule names: 1 to 128 characters (azurerm validate/flexible_server_firewall_rule_name.go). */
export const firewallRuleNameMaxLength = 128;

export const skuTiers = ["Burstable", "GeneralPurpose", "MemoryOptimized"] as const;
export type SkuTier = (typeof skuTiers)[number];

export const burstableSkus = [
  "Standard_B1ms",
  "Standard_B2s",
  "Standard_B2ms",
  "Standard_B4ms",
  "Standard_B8ms",
  "Standard_B12ms",
  "Standard_B16ms",
  "Standard_B20ms",
] as const;

/** Compute sizes per tier. D and E sizes come in many vCPU counts and generations, so they are matched by shape. */
const tierSkus: Record<SkuTier, { matches: (name: string) => boolean; examples: string }> = {
  Burstable: {
    matches: (name) => (burstableSkus as readonly string[]).includes(name),
    examples: listOf(burstableSkus),
  },
  GeneralPurpose: {
    matches: (name) => /^Standard_D\d+(a|d|ad)?s_v[3-6]$/.test(name),
    examples:
      "Standard_D<vCPUs>s_v3, Standard_D<vCPUs>ds_v4, Standard_D<vCPUs>ds_v5 or Standard_D<vCPUs>ads_v5 (e.g. Standard_D2ds_v5)",
  },
  MemoryOptimized: {
    matches: (name) => /^Standard_E\d+(a|d|ad)?s_v[3-6]$/.test(name),
    examples:
      "Standard_E<vCPUs>s_v3, Standard_E<vCPUs>ds_v4, Standard_E<vCPUs>ds_v5 or Standard_E<vCPUs>ads_v5 (e.g. Standard_E2ds_v5)",
  },
};

export const highAvailabilityModes = ["Disabled", "SameZone", "ZoneRedundant"] as const;
export type HighAvailabilityMode = (typeof highAvailabilityModes)[number];

export const networkAccessModes = ["public", "private"] as const;

/** Principal types of a Microsoft Entra administrator, as the flexible server API spells them. */
export const entraPrincipalTypes = ["User", "Group", "ServicePrincipal"] as const;
export type EntraPrincipalType = (typeof entraPrincipalTypes)[number];

/** The port of the built-in PgBouncer on every flexible server. */
export const pgbouncerPort = 6432;

/**
 * Elastic clusters: 5432 (and 6432 through PgBouncer) reach the coordinator, 7432 (8432 through PgBouncer) balance
 * connections over every node (learn.microsoft.com/azure/postgresql/elastic-clusters/concepts-elastic-clusters).
 */
export const clusterLoadBalancedPort = 7432;
export const clusterLoadBalancedPgbouncerPort = 8432;

/** What ephemeral stacks run on, whatever the configuration they were copied from says. */
export const ephemeralServer = {
  sku: { tier: "Burstable", name: "Standard_B1ms" },
  storageSizeGb: 32,
  backupRetentionDays: 7,
  geoRedundantBackup: false,
  highAvailability: "Disabled",
  // PgBouncer is not offered on Burstable, which ephemeral stacks run on.
  pgbouncer: false,
} as const;

const days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

export interface MaintenanceWindow {
  /** 0 = Sunday, as the Azure API counts. */
  dayOfWeek: number;
  startHour: number;
  startMinute: number;
}

/**
 * "Sun 02:30" (UTC) -> the window; undefined when the text is not of that form. Day 0-6, hour 0-23, minute 0-59, as
 * azurerm's maintenance_window block validates them (postgresql_flexible_server_resource.go).
 */
export function parseMaintenanceWindow(value: string): MaintenanceWindow | undefined {
  const match = /^([a-z]+)\s+(\d{1,2}):(\d{2})$/i.exec(value.trim());
  if (!match) return undefined;
  const [, dayText = "", hourText = "", minuteText = ""] = match;
  const dayName = dayText.toLowerCase();
  const dayOfWeek = days.findIndex((day) => dayName === day || dayName === day.slice(0, 3));
  const startHour = Number(hourText);
  const startMinute = Number(minuteText);
  if (dayOfWeek < 0 || startHour > 23 || startMinute > 59) return undefined;
  return { dayOfWeek, startHour, startMinute };
}

export interface FirewallRule {
  name: string;
  startIpAddress: string;
  endIpAddress: string;
}

type ParsedRule = { ok: true; rule: FirewallRule; first: number; last: number } | { ok: false; problem: string };

/** "office=203.0.113.0/24" -> the Azure firewall rule. */
export function parseFirewallRule(text: string): ParsedRule {
  const separator = text.indexOf("=");
  const name = separator < 0 ? "" : text.slice(0, separator).trim();
  if (separator < 0 || name === "") {
    return {
      ok: false,
      problem: `${quote(text)} is not NAME=RANGE (e.g. office=203.0.113.0/24 or ci=198.51.100.10-198.51.100.20).`,
    };
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    return {
      ok: false,
      problem: `${quote(text)}: the rule name ${quote(name)} may use only letters, digits, _ . and -.`,
    };
  }
  if (name.length > firewallRuleNameMaxLength) {
    return {
      ok: false,
      problem: `${quote(text)}: the rule name is ${name.length} characters long; Azure takes at most ${firewallRuleNameMaxLength}.`,
    };
  }
  const range = parseIpv4Range(text.slice(separator + 1));
  if (!range.ok) return { ok: false, problem: `${quote(text)}: the range ${range.problem}.` };
  return {
    ok: true,
    first: range.first,
    last: range.last,
    rule: { name, startIpAddress: range.range.start, endIpAddress: range.range.end },
  };
}

/** Why `name` is not a compute size of `tier` (with the tier it belongs to, when it is another's), or undefined. */
export function skuProblem(tier: SkuTier, name: string, tierSetting = "skuTier"): string | undefined {
  if (tierSkus[tier].matches(name)) return undefined;
  const actualTier = skuTiers.find((candidate) => tierSkus[candidate].matches(name));
  const hint = actualTier
    ? ` ${quote(name)} is a ${actualTier} size: set ${tierSetting} to ${actualTier}, or choose a ${tier} size.`
    : "";
  return `${quote(name)} is not a ${tier} compute size. ${tier} accepts ${tierSkus[tier].examples}.${hint}`;
}

/** 3 to 63 lower-case letters, digits and - (azurerm validate/flexible_server_name.go: at most 63). */
const serverNamePattern = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const logAnalyticsWorkspacePattern =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+$/i;

function zoneProblem(value: string): string | undefined {
  return /^[123]$/.test(value) ? undefined : `${quote(value)} is not a zone. Accepted values: 1, 2 or 3.`;
}
const reservedAdminLogins = new Set([
  "admin",
  "administrator",
  "root",
  "guest",
  "public",
  "azure_superuser",
  "azuresu",
]);

function adminLoginProblem(value: string): string | undefined {
  const problem = identifierProblem(value);
  if (problem) return problem;
  if (value.startsWith("pg_") || value.startsWith("azure_") || reservedAdminLogins.has(value)) {
    return `${quote(value)} is reserved on Azure (admin, administrator, root, guest, public, azure_*, pg_*).`;
  }
  return undefined;
}

/** Settings of the Azure platform. Pulumi.yaml declares the same keys, types and defaults (a test checks it). */
export const azureSettings = {
  adoptServerId: adoptServerIdSetting,
  existingResourceGroupName: text({
    default: "",
    description: "Use this existing resource group instead of creating one (the stack never deletes it).",
    check: (value) =>
      resourceGroupNamePattern.test(value)
        ? undefined
        : `${quote(value)} is not a resource group name (1-90 letters, digits, - _ . ( ), not ending with .).`,
  }),
  serverName: text({
    default: "",
    description: "Server name, part of the host name <name>.postgres.database.azure.com. Default: generated.",
    check: (value) =>
      serverNamePattern.test(value)
        ? undefined
        : `${quote(value)} is not a server name (3-63 lower-case letters, digits and -, not starting or ending with -).`,
  }),
  skuTier: choice({
    accepted: skuTiers,
    default: "Burstable",
    what: "a compute tier",
    description: "Compute tier: Burstable, GeneralPurpose or MemoryOptimized.",
  }),
  skuName: text({
    default: "Standard_B1ms",
    description: "Compute size of the tier, e.g. Standard_B1ms (Burstable), Standard_D2ds_v5 (GeneralPurpose).",
  }),
  storageSizeGb: integer({
    default: 32,
    oneOf: azureStorageSizesGb,
    what: "a storage size Azure offers, in GiB",
    description: `Storage in GiB, one of ${azureStorageSizesGb.join(", ")}.`,
  }),
  storageAutoGrow: boolean({
    default: true,
    description: "Grow storage automatically when it runs low (storageSizeGb is then a starting size).",
  }),
  backupRetentionDays: integer({
    default: 7,
    ...backupRetentionDaysRange,
    what: "a backup retention Azure offers",
    description: "Days of point-in-time restore, 7 to 35.",
  }),
  geoRedundantBackup: boolean({
    default: false,
    description: "Copy backups to the paired region. Azure sets it when the server is created only.",
  }),
  highAvailability: choice({
    accepted: highAvailabilityModes,
    default: "Disabled",
    what: "a high availability mode",
    description: "Disabled, SameZone or ZoneRedundant (a standby in another zone). Not available on Burstable.",
  }),
  availabilityZone: text({
    default: "",
    description: "Zone of the primary server: 1, 2 or 3. Default: Azure chooses.",
    check: zoneProblem,
  }),
  standbyAvailabilityZone: text({
    default: "",
    description:
      "ZoneRedundant only: zone of the standby, 1, 2 or 3, other than the primary's. Default: Azure chooses.",
    check: zoneProblem,
  }),
  maintenanceWindow: text({
    default: "",
    description: 'Weekly maintenance start in UTC, e.g. "Sun 02:30". Default: Azure chooses.',
    check: (value) =>
      parseMaintenanceWindow(value)
        ? undefined
        : `${quote(value)} is not a weekly start time. Accepted: a day and a UTC time, e.g. "Sun 02:30" or "Wednesday 23:00".`,
  }),
  adminLogin: text({
    default: "pgadmin",
    description: "Administrator login; it also runs the migrations and owns the tables. Fixed at creation.",
    check: adminLoginProblem,
  }),
  entraAuth: boolean({
    default: false,
    description: "Also accept Microsoft Entra ID sign-in (password sign-in stays on: Pulumi uses it).",
  }),
  entraTenantId: text({
    default: "",
    description: "Entra tenant for entraAuth. Default: the subscription's tenant.",
    check: (value) => (guidPattern.test(value) ? undefined : `${quote(value)} is not a tenant id (a GUID).`),
  }),
  entraAdminObjectId: text({
    default: "",
    description:
      "entraAuth: object id of the Microsoft Entra user, group or service principal made server administrator.",
    check: (value) => (guidPattern.test(value) ? undefined : `${quote(value)} is not an object id (a GUID).`),
  }),
  entraAdminName: text({
    default: "",
    description: "entraAuth: the administrator's name as it signs in (user principal name, group or application name).",
  }),
  entraAdminType: choice({
    accepted: entraPrincipalTypes,
    default: "User",
    what: "a principal type",
    description: "entraAuth: User, Group or ServicePrincipal, what entraAdminObjectId is.",
  }),
  entraOnly: boolean({
    default: false,
    description: "Switch password sign-in off (Entra only). Refused: the stack's own connections use the password.",
  }),
  clusterSize: integer({
    default: 0,
    min: 0,
    what: "a number of nodes",
    description:
      "Nodes of an Azure elastic cluster (Citus); 0: a single server. Changing it adds nodes in place (then rebalance shards).",
  }),
  pgbouncer: boolean({
    default: false,
    description: `Turn on the built-in PgBouncer (port ${pgbouncerPort}); appConnectionString then goes through it. Not on Burstable.`,
  }),
  logAnalyticsWorkspaceId: text({
    default: "",
    description: "Send the server's logs and metrics to this Log Analytics workspace (resource id). Default: none.",
    check: (value) =>
      logAnalyticsWorkspacePattern.test(value)
        ? undefined
        : `${quote(value)} is not a Log Analytics workspace id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>).`,
  }),
  managementLocks: boolean({
    default: true,
    description:
      "With protect: CanNotDelete locks on the server and the stack's resource group (needs Owner or User Access Administrator).",
  }),
  allowServerReplacement: boolean({
    default: false,
    description:
      "Confirm, for one update, a change to a setting that replaces the server (adminLogin, networkAccess, ...).",
  }),
  networkAccess: choice({
    accepted: networkAccessModes,
    default: "private",
    what: "a network access mode",
    description:
      "private: a delegated subnet and private DNS zone, no public endpoint; public: internet endpoint limited by firewallRules.",
  }),
  firewallRules: stringList({
    default: [],
    description:
      "Public access only: NAME=RANGE entries that may connect, e.g. office=203.0.113.0/24 or ci=198.51.100.10-198.51.100.20.",
  }),
  allowAzureServices: boolean({
    default: false,
    description: "Public access only: admit connections from any Azure service (Azure's 0.0.0.0 rule), any tenant.",
  }),
  allowAllIpAddresses: boolean({
    default: false,
    description:
      "Public access only: permit a firewall rule that admits every IPv4 address. Off: such a rule is rejected.",
  }),
  vnetAddressPrefix: text({
    default: "10.42.0.0/16",
    description: "Private access: address space of the virtual network the stack creates.",
    check: (value) => cidrProblem(value),
  }),
  subnetAddressPrefix: text({
    default: "10.42.0.0/24",
    description: "Private access: the subnet delegated to the server, inside vnetAddressPrefix.",
    check: (value) => cidrProblem(value),
  }),
  delegatedSubnetId: text({
    default: "",
    description:
      "Private access: resource id of an existing subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers.",
  }),
  privateDnsZoneId: text({
    default: "",
    description:
      "Private access: resource id of an existing private DNS zone *.postgres.database.azure.com (with delegatedSubnetId).",
  }),
  deployerInVnet: boolean({
    default: false,
    description:
      "Private access: the machine running Pulumi reaches the stack's virtual network by itself (it runs inside it, or through a route you manage), so the stack peers nothing.",
  }),
  peerVnetId: text({
    default: "",
    description:
      "Private access: resource id of the virtual network Pulumi runs in (hub or CI runner network); peered with the stack's both ways, and linked to its private DNS zone.",
    check: virtualNetworkIdProblem,
  }),
  dnsZoneLinkVnetIds: stringList({
    default: [],
    description:
      "Private access: resource ids of more virtual networks to link the private DNS zone to, so that their clients resolve the server (e.g. the applications' networks).",
    check: virtualNetworkIdProblem,
  }),
};

function cidrProblem(value: string): string | undefined {
  const cidr = parseCidr(value);
  return cidr.ok ? undefined : `${quote(value)} ${cidr.problem}.`;
}

type AzureRawValues = SettingValues<typeof azureSettings>;

export type AzureNetwork =
  | { access: "public"; firewallRules: FirewallRule[]; allowAzureServices: boolean }
  | {
      access: "private";
      /** Bring your own network; otherwise the stack creates a virtual network, subnet and DNS zone. */
      existing?: { delegatedSubnetId: string; privateDnsZoneId: string };
      vnetAddressPrefix: string;
      subnetAddressPrefix: string;
      /** The network Pulumi runs in: peered with the stack's network both ways, and linked to its DNS zone. */
      peerVnetId?: string;
      /** More networks linked to the DNS zone (never the peer's again). */
      dnsZoneLinkVnetIds?: string[];
    };

/** The server's version, compute, storage, backups and availability: settings and server arguments alike. */
export interface AzureServerSpec {
  /** PostgreSQL major version, e.g. "17". */
  postgresVersion: string;
  sku: { tier: SkuTier; name: string };
  storageSizeGb: number;
  /** With auto-grow the size only ever grows, so later changes to storageSizeGb are ignored. */
  storageAutoGrow: boolean;
  backupRetentionDays: number;
  geoRedundantBackup: boolean;
  highAvailability: HighAvailabilityMode;
  availabilityZone?: string;
  /** ZoneRedundant only; Azure chooses when omitted. */
  standbyAvailabilityZone?: string;
  /** UTC; Azure chooses when omitted. */
  maintenanceWindow?: MaintenanceWindow;
}

/** The Azure settings after validation, with the ephemeral-stack overrides applied. */
export interface AzureSettings extends AzureServerSpec {
  location: string;
  existingResourceGroupName?: string;
  serverName?: string;
  adminLogin: string;
  entra: EntraSettings;
  network: AzureNetwork;
  /** Server parameter name -> value, beyond those the stack manages. */
  serverParameters: Record<string, string>;
  pgbouncer: boolean;
  logAnalyticsWorkspaceId?: string;
  /** Lock the server and the stack's resource group against deletion when the stack is protected. */
  managementLocks: boolean;
  /** The user confirmed that this update may replace the server. */
  allowServerReplacement: boolean;
  /** Nodes of the elastic cluster (Citus) when the server is one; absent for a single server. */
  clusterSize?: number;
  /** Read replicas of the primary (setting readReplicas), when there are any; never on ephemeral stacks. */
  readReplicas?: ReadReplicaSettings[];
  /** A server made outside Pulumi that the stack imports (adoptServerId). */
  adopt?: AzureAdoption;
}

export interface EntraAdministrator {
  objectId: string;
  principalName: string;
  principalType: EntraPrincipalType;
}

export interface EntraSettings {
  enabled: boolean;
  tenantId?: string;
  administrator?: EntraAdministrator;
}

/** The setting that holds the Azure region: azure-native's own provider setting. */
export const locationSetting = "azure-native:location";

export function parseAzureSettings(source: ConfigSource, common: CommonSettings): Parsed<AzureSettings> {
  const rawValues = Object.fromEntries(Object.keys(azureSettings).map((key) => [key, source.get(key)]));
  const parsed = settingsSchema(azureSettings).safeParse(rawValues);
  const problems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error);
  const serverParameters = parseServerParameters(source.get(serverParametersSetting));
  if (!serverParameters.ok) problems.push(...serverParameters.problems);
  const location = source.get(locationSetting) ?? "";
  if (location.trim() === "") {
    problems.push({
      setting: locationSetting,
      message:
        "is not set; it is the Azure region of every resource. Set it: `pulumi config set azure-native:location westeurope`.",
    });
  }
  if (!(azurePostgresVersions as readonly number[]).includes(common.postgresVersion)) {
    problems.push({
      setting: "postgresVersion",
      message:
        `${common.postgresVersion} is not a PostgreSQL major version Azure Database for PostgreSQL flexible server ` +
        `creates. Accepted values: ${listOf(azurePostgresVersions)}.`,
    });
  }
  if (!parsed.success) return { ok: false, problems };
  problems.push(...crossFieldProblems(parsed.data, common), ...adoptionProblems(parsed.data, common, source));
  const readReplicas = parseReadReplicas(source.get(readReplicasSetting), {
    primaryLocation: location.trim(),
    primarySku: { tier: parsed.data.skuTier, name: parsed.data.skuName },
    tiers: skuTiers,
    skuProblem: (tier, name) => skuProblem(tier as SkuTier, name, "the replica's skuTier"),
    privateNetwork: parsed.data.networkAccess === "private",
  });
  if (!readReplicas.ok) problems.push(...readReplicas.problems);
  if (problems.length > 0 || !serverParameters.ok || !readReplicas.ok) return { ok: false, problems };
  const settings = {
    ...resolve(parsed.data, location.trim(), common, serverParameters.value),
    ...adoptedServerSettings(parsed.data, source),
  };
  // Pull-request stacks are thrown away: no replicas for them, whatever the copied configuration says.
  const replicas = common.ephemeral ? [] : readReplicas.value;
  if (parsed.data.clusterSize > 0 && replicas.length > 0) {
    return {
      ok: false,
      problems: [
        {
          setting: readReplicasSetting,
          message:
            "is not combined with clusterSize by this stack: an elastic cluster scales reads over its nodes (port 7432). Remove readReplicas, or set clusterSize to 0.",
        },
      ],
    };
  }
  return {
    ok: true,
    value: {
      ...settings,
      ...(replicas.length > 0 && { readReplicas: replicas }),
      // Kept on pull-request stacks too: their migrations call Citus functions.
      ...(parsed.data.clusterSize > 0 && { clusterSize: parsed.data.clusterSize }),
    },
  };
}

function crossFieldProblems(values: AzureRawValues, common: CommonSettings): Problem[] {
  const problems: Problem[] = [];
  const tier = values.skuTier;
  const sizeProblem = skuProblem(tier, values.skuName);
  if (sizeProblem) problems.push({ setting: "skuName", message: sizeProblem });
  if (values.highAvailability !== "Disabled" && tier === "Burstable") {
    problems.push({
      setting: "highAvailability",
      message: `${quote(values.highAvailability)} needs the GeneralPurpose or MemoryOptimized tier; Burstable servers have no high availability. Set highAvailability to Disabled or change skuTier.`,
    });
  }
  if (values.entraTenantId !== "" && !values.entraAuth) {
    problems.push({
      setting: "entraTenantId",
      message: "is set but entraAuth is false; set entraAuth to true or unset it.",
    });
  }
  problems.push(...standbyZoneProblems(values), ...entraProblems(values));
  // "PgBouncer is supported on General Purpose and Memory Optimized compute tiers" (learn.microsoft.com/azure/
  // postgresql/flexible-server/concepts-pgbouncer); ephemeral stacks, always Burstable, switch it off instead.
  if (values.pgbouncer && tier === "Burstable" && !common.ephemeral) {
    problems.push({
      setting: "pgbouncer",
      message:
        "needs the GeneralPurpose or MemoryOptimized tier: Azure offers no built-in PgBouncer on Burstable. Set pgbouncer to false or change skuTier.",
    });
  }
  problems.push(
    ...(values.networkAccess === "public" ? publicNetworkProblems(values) : privateNetworkProblems(values)),
  );
  return problems;
}

/** Microsoft's placement: SameZone puts the standby in the primary's zone, ZoneRedundant in another one. */
function standbyZoneProblems(values: AzureRawValues): Problem[] {
  const standby = values.standbyAvailabilityZone;
  if (standby === "") return [];
  const setting = "standbyAvailabilityZone";
  if (values.highAvailability !== "ZoneRedundant") {
    return [
      {
        setting,
        message: `applies to highAvailability ZoneRedundant only (it is ${values.highAvailability}; SameZone puts the standby in the primary's zone). Unset it or set highAvailability to ZoneRedundant.`,
      },
    ];
  }
  if (standby === values.availabilityZone) {
    return [
      {
        setting,
        message: `${quote(standby)} is the primary's zone (availabilityZone); a zone-redundant standby lives in another zone. Choose another zone, or unset it to let Azure choose.`,
      },
    ];
  }
  return [];
}

function entraProblems(values: AzureRawValues): Problem[] {
  const problems: Problem[] = [];
  const admin = values.entraAdminObjectId !== "" || values.entraAdminName !== "";
  if (admin && !values.entraAuth) {
    const setting = values.entraAdminObjectId !== "" ? "entraAdminObjectId" : "entraAdminName";
    problems.push({ setting, message: "is set but entraAuth is false; set entraAuth to true or unset it." });
  } else if (values.entraAdminObjectId !== "" && values.entraAdminName.trim() === "") {
    problems.push({
      setting: "entraAdminName",
      message:
        "is required with entraAdminObjectId: the name the administrator signs in with (e.g. dba@contoso.com or the group's name).",
    });
  } else if (values.entraAdminName !== "" && values.entraAdminObjectId === "") {
    problems.push({
      setting: "entraAdminObjectId",
      message:
        "is required with entraAdminName: the object id of that user, group or service principal (az ad user show --id <name> --query id).",
    });
  }
  if (values.entraOnly) {
    const message = !values.entraAuth
      ? "needs entraAuth true and an Entra administrator (entraAdminObjectId, entraAdminName)."
      : values.entraAdminObjectId === ""
        ? "needs an Entra administrator (entraAdminObjectId, entraAdminName): without one and without passwords nobody can sign in."
        : "is not supported by this stack: the postgresql provider and the migrations sign in with the administrator password, " +
          "which Entra-only sign-in switches off. Keep entraOnly false (passwords stay on beside Entra) until they connect with Entra tokens.";
    problems.push({ setting: "entraOnly", message });
  }
  return problems;
}

function publicNetworkProblems(values: AzureRawValues): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  values.firewallRules.forEach((entry, index) => {
    const setting = `firewallRules[${index}]`;
    const parsed = parseFirewallRule(entry);
    if (!parsed.ok) {
      problems.push({ setting, message: parsed.problem });
      return;
    }
    if (names.has(parsed.rule.name)) {
      problems.push({ setting, message: `${quote(entry)}: another rule is already named ${quote(parsed.rule.name)}.` });
    }
    names.add(parsed.rule.name);
    if (parsed.first === 0 && parsed.last === 0) {
      problems.push({
        setting,
        message: `${quote(entry)} is Azure's "allow Azure services" rule (0.0.0.0); set allowAzureServices to true instead.`,
      });
    } else if (parsed.first === allIpv4.first && parsed.last === allIpv4.last && !values.allowAllIpAddresses) {
      problems.push({
        setting,
        message:
          `${quote(entry)} admits every IPv4 address on the internet. List your CI and office ranges instead, ` +
          "or, if you really mean it, set allowAllIpAddresses to true.",
      });
    }
  });
  if (values.firewallRules.length === 0 && !values.allowAzureServices) {
    problems.push({
      setting: "firewallRules",
      message:
        "is empty, so with networkAccess public nobody can connect, not even Pulumi to create the extension. " +
        "Add the ranges Pulumi and your applications connect from (e.g. office=203.0.113.0/24), or set allowAzureServices to true.",
    });
  }
  const privateOnly = [
    "delegatedSubnetId",
    "privateDnsZoneId",
    "deployerInVnet",
    "peerVnetId",
    "dnsZoneLinkVnetIds",
  ] as const;
  for (const key of privateOnly) {
    if (isSet(values[key])) {
      problems.push({
        setting: key,
        message: "applies to networkAccess private only; unset it or set networkAccess to private.",
      });
    }
  }
  return problems;
}

function privateNetworkProblems(values: AzureRawValues): Problem[] {
  const problems: Problem[] = [];
  if (values.firewallRules.length > 0 || values.allowAzureServices || values.allowAllIpAddresses) {
    const setting =
      values.firewallRules.length > 0
        ? "firewallRules"
        : values.allowAzureServices
          ? "allowAzureServices"
          : "allowAllIpAddresses";
    problems.push({
      setting,
      message:
        "applies to networkAccess public only: a private server has no public endpoint. Unset it or set networkAccess to public.",
    });
  }
  const bringOwn = values.delegatedSubnetId !== "" || values.privateDnsZoneId !== "";
  if (bringOwn) {
    if (values.delegatedSubnetId === "" || values.privateDnsZoneId === "") {
      const missing = values.delegatedSubnetId === "" ? "delegatedSubnetId" : "privateDnsZoneId";
      problems.push({
        setting: missing,
        message: "is required too: an existing network needs both delegatedSubnetId and privateDnsZoneId.",
      });
    }
    if (values.delegatedSubnetId !== "" && !/\/subnets\/[^/]+$/i.test(values.delegatedSubnetId)) {
      problems.push({
        setting: "delegatedSubnetId",
        message: `${quote(values.delegatedSubnetId)} is not a subnet resource id (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>).`,
      });
    }
    if (
      values.privateDnsZoneId !== "" &&
      !/\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i.test(values.privateDnsZoneId)
    ) {
      problems.push({
        setting: "privateDnsZoneId",
        message: `${quote(values.privateDnsZoneId)} is not the resource id of a private DNS zone ending in .postgres.database.azure.com.`,
      });
    }
    for (const key of ["peerVnetId", "dnsZoneLinkVnetIds"] as const) {
      if (isSet(values[key])) {
        problems.push({
          setting: key,
          message:
            "applies to the network the stack creates; with delegatedSubnetId and privateDnsZoneId, peer your network and link your DNS zone yourself. Unset it.",
        });
      }
    }
    return problems;
  }
  problems.push(...deployerPathProblems(values));
  const vnet = parseCidr(values.vnetAddressPrefix);
  const subnet = parseCidr(values.subnetAddressPrefix);
  if (vnet.ok && subnet.ok && (subnet.first < vnet.first || subnet.last > vnet.last)) {
    problems.push({
      setting: "subnetAddressPrefix",
      message: `${quote(values.subnetAddressPrefix)} is not inside vnetAddressPrefix ${quote(values.vnetAddressPrefix)}.`,
    });
  }
  return problems;
}

/** A setting that is not at its empty default. */
function isSet(value: string | boolean | readonly string[]): boolean {
  return typeof value === "string" ? value !== "" : typeof value === "boolean" ? value : value.length > 0;
}

/**
 * Pulumi itself connects to the private server (extensions, migrations, roles), so the network it runs in needs a
 * route to the stack's virtual network and a link to its private DNS zone: peering does not carry the zone
 * (learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private, "Private DNS zone and virtual
 * network peering"). Without either, the server is created and the first connection fails.
 */
function deployerPathProblems(values: AzureRawValues): Problem[] {
  const problems: Problem[] = [];
  if (values.peerVnetId === "" && !values.deployerInVnet) {
    problems.push({
      setting: "peerVnetId",
      message:
        "is not set, and nothing else connects the machine running Pulumi to the private network this stack creates: " +
        "the server would be created, then Pulumi could neither resolve nor reach it to create the extensions. Choose one: " +
        "(1) Pulumi runs inside the stack's virtual network (or reaches it through a route you manage): set deployerInVnet to true; " +
        "(2) Pulumi runs in a hub or CI runner network: set peerVnetId to its resource id (peered both ways, DNS zone linked); " +
        "(3) bring your own network: set delegatedSubnetId and privateDnsZoneId. See docs/azure.md#private-access.",
    });
  }
  const seen: string[] = values.peerVnetId === "" ? [] : [values.peerVnetId];
  values.dnsZoneLinkVnetIds.forEach((id, index) => {
    if (seen.some((other) => sameResourceId(other, id))) {
      problems.push({
        setting: `dnsZoneLinkVnetIds[${index}]`,
        message: `${quote(id)} is listed twice (or is peerVnetId, whose network is linked already); remove it.`,
      });
    }
    seen.push(id);
  });
  return problems;
}

function resolve(
  values: AzureRawValues,
  location: string,
  common: CommonSettings,
  serverParameters: Record<string, string>,
): AzureSettings {
  const ephemeral = common.ephemeral;
  const window = values.maintenanceWindow === "" ? undefined : parseMaintenanceWindow(values.maintenanceWindow);
  const network: AzureNetwork =
    values.networkAccess === "public"
      ? {
          access: "public",
          firewallRules: values.firewallRules.map((entry) => (parseFirewallRule(entry) as { rule: FirewallRule }).rule),
          allowAzureServices: values.allowAzureServices,
        }
      : {
          access: "private",
          vnetAddressPrefix: values.vnetAddressPrefix,
          subnetAddressPrefix: values.subnetAddressPrefix,
          ...(values.delegatedSubnetId === ""
            ? {}
            : { existing: { delegatedSubnetId: values.delegatedSubnetId, privateDnsZoneId: values.privateDnsZoneId } }),
          ...(values.peerVnetId === "" ? {} : { peerVnetId: values.peerVnetId.trim() }),
          ...(values.dnsZoneLinkVnetIds.length === 0
            ? {}
            : { dnsZoneLinkVnetIds: values.dnsZoneLinkVnetIds.map((id) => id.trim()) }),
        };
  return {
    location,
    ...(values.existingResourceGroupName === "" ? {} : { existingResourceGroupName: values.existingResourceGroupName }),
    // An ephemeral stack copies the dev settings; a fixed name would collide with the dev server's.
    ...(values.serverName === "" || ephemeral ? {} : { serverName: values.serverName }),
    postgresVersion: String(common.postgresVersion),
    sku: ephemeral ? { ...ephemeralServer.sku } : { tier: values.skuTier, name: values.skuName },
    storageSizeGb: ephemeral ? ephemeralServer.storageSizeGb : values.storageSizeGb,
    storageAutoGrow: values.storageAutoGrow,
    backupRetentionDays: ephemeral ? ephemeralServer.backupRetentionDays : values.backupRetentionDays,
    geoRedundantBackup: ephemeral ? ephemeralServer.geoRedundantBackup : values.geoRedundantBackup,
    highAvailability: ephemeral ? ephemeralServer.highAvailability : values.highAvailability,
    ...(values.availabilityZone === "" ? {} : { availabilityZone: values.availabilityZone }),
    ...(values.standbyAvailabilityZone === "" || ephemeral
      ? {}
      : { standbyAvailabilityZone: values.standbyAvailabilityZone }),
    ...(window ? { maintenanceWindow: window } : {}),
    adminLogin: values.adminLogin,
    entra: {
      enabled: values.entraAuth,
      ...(values.entraTenantId === "" ? {} : { tenantId: values.entraTenantId }),
      ...(values.entraAdminObjectId === ""
        ? {}
        : {
            administrator: {
              objectId: values.entraAdminObjectId,
              principalName: values.entraAdminName,
              principalType: values.entraAdminType,
            },
          }),
    },
    network,
    serverParameters,
    pgbouncer: ephemeral ? ephemeralServer.pgbouncer : values.pgbouncer,
    ...(values.logAnalyticsWorkspaceId === "" ? {} : { logAnalyticsWorkspaceId: values.logAnalyticsWorkspaceId }),
    managementLocks: values.managementLocks,
    allowServerReplacement: values.allowServerReplacement,
  };
}
