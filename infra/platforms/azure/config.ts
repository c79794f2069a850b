import type { CommonSettings } from "../../config/common";
import type { AzureAdoption } from "./adoption";
import { type FirewallRule, parseFirewallRule } from "./firewall";
import { type MaintenanceWindow, parseMaintenanceWindow } from "./maintenance-window";
import { type EntraPrincipalType, ephemeralServer, type HighAvailabilityMode } from "./offerings";
import type { ReadReplicaSettings } from "./read-replicas-config";
import type { AzureSettingValues } from "./settings";
import type { SkuTier } from "./sku";

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

/** The validated values as the platform takes them: ephemeral stacks get the smallest server, whatever they copied. */
export function resolveAzureSettings(
  values: AzureSettingValues,
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
