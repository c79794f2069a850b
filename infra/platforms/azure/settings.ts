import { identifierProblem } from "../../config/identifiers";
import { boolean, choice, integer, quote, type SettingValues, stringList, text } from "../../config/setting";
import { adoptServerIdSetting } from "./adoption";
import { parseCidr } from "./ipv4";
import { maintenanceWindowProblem } from "./maintenance-window";
import {
  azureStorageSizesGb,
  backupRetentionDaysRange,
  entraPrincipalTypes,
  highAvailabilityModes,
  networkAccessModes,
  pgbouncerPort,
} from "./offerings";
import { guidPattern, resourceGroupNamePattern, virtualNetworkIdProblem } from "./resource-ids";
import { skuTiers } from "./sku";

/** The setting that holds the Azure region: azure-native's own provider setting. */
export const locationSetting = "azure-native:location";
export const locationDescription = "Azure region of every resource (required on platform azure), e.g. westeurope.";

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

/** The flat settings of the Azure platform; `npm run docs` writes their declarations into Pulumi.yaml and docs/azure.md. */
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
    defaultText: "generated",
    description:
      "Server name, part of the host name <name>.postgres.database.azure.com (3-63 lower-case letters, digits and -). Default: generated.",
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
    description:
      "Compute size of the tier: Standard_B* for Burstable (B1ms ... B20ms), Standard_D*s_v3 to _v6 for GeneralPurpose (e.g. Standard_D2ds_v5), Standard_E*s_v3 to _v6 for MemoryOptimized.",
  }),
  storageSizeGb: integer({
    default: 32,
    oneOf: azureStorageSizesGb,
    what: "a storage size Azure offers, in GiB",
    description: `Storage in GiB, one of ${azureStorageSizesGb.join(", ")} (Azure's largest is 32767, not 32768). Storage can only grow.`,
  }),
  storageAutoGrow: boolean({
    default: true,
    description:
      "Grow storage automatically when it runs low (storageSizeGb is then a starting size, and later changes to it are ignored).",
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
    defaultText: "Azure chooses",
    description: "Zone of the primary server: 1, 2 or 3. Fixed at creation. Default: Azure chooses.",
    check: zoneProblem,
  }),
  standbyAvailabilityZone: text({
    default: "",
    defaultText: "Azure chooses",
    description:
      "ZoneRedundant only: zone of the standby, 1, 2 or 3, other than the primary's (SameZone puts it in the primary's). After a failover the zones swap, and the stack does not swap them back. Default: Azure chooses.",
    check: zoneProblem,
  }),
  maintenanceWindow: text({
    default: "",
    defaultText: "Azure chooses",
    description: 'Weekly maintenance start in UTC, e.g. "Sun 02:30". Default: Azure chooses.',
    check: maintenanceWindowProblem,
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
    defaultText: "the subscription's",
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
    description:
      "Switch password sign-in off (Entra only). Refused: the stack's postgresql provider and migrations sign in with the administrator password.",
  }),
  clusterSize: integer({
    default: 0,
    min: 0,
    what: "a number of nodes",
    description:
      "Nodes of an Azure elastic cluster (Citus); 0: a single server. Migrations run on the coordinator (5432), appConnectionString uses the load-balanced port 7432 (8432 with pgbouncer). Changing it adds nodes in place (then rebalance shards).",
  }),
  pgbouncer: boolean({
    default: false,
    description: `Turn on the built-in PgBouncer (port ${pgbouncerPort}); appConnectionString then goes through it, appDirectConnectionString straight to 5432. Not on Burstable; off on ephemeral stacks.`,
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
      "Public access only: NAME=RANGE entries that may connect; a range is an address, first-last or a CIDR block, e.g. office=203.0.113.0/24 or ci=198.51.100.10-198.51.100.20.",
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
      "Private access: resource id of the virtual network Pulumi runs in (hub or CI runner network); peered with the stack's both ways, and linked to its private DNS zone. Required on a private stack that creates its network, unless deployerInVnet.",
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

/** The flat settings' values after validation, before the cross-setting rules (checks.ts). */
export type AzureSettingValues = SettingValues<typeof azureSettings>;

/** A setting that is not at its empty default. */
export function isSet(value: string | boolean | readonly string[]): boolean {
  return typeof value === "string" ? value !== "" : typeof value === "boolean" ? value : value.length > 0;
}
