import * as resources from "@pulumi/azure-native/resources";
import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/load";
import type { PlatformDatabase } from "../platform-database";
import type { AzureSettings } from "./config";
import { AzurePrivateNetwork } from "./network";
import { AzurePostgresServer, type AzureServerNetwork } from "./server";

export { azureExtensionsAllowlist, extensionsParameter } from "./allowlist";
export { type AzureSettings, azureSettings, parseAzureSettings } from "./config";
export { AzurePrivateNetwork, type AzurePrivateNetworkArgs } from "./network";
export { AzurePostgresServer, type AzurePostgresServerArgs, type AzureServerNetwork } from "./server";

/**
 * The Azure platform: resource group (or an existing one), private network when asked for, and the flexible
 * server with its allow-list and application database.
 */
export function createAzurePlatform(
  config: StackConfig,
  settings: AzureSettings,
  opts?: pulumi.ComponentResourceOptions,
): PlatformDatabase {
  const tags: Record<string, string> = {
    project: config.project,
    stack: config.stack,
    ...(config.ephemeral ? { ephemeral: "true" } : {}),
  };
  const resourceGroupName: pulumi.Input<string> =
    settings.existingResourceGroupName ??
    new resources.ResourceGroup(`${config.project}-${config.stack}`, { location: settings.location, tags }, opts).name;

  let network: AzureServerNetwork;
  let privateNetwork: AzurePrivateNetwork | undefined;
  if (settings.network.access === "public") {
    network = settings.network;
  } else if (settings.network.existing) {
    network = { access: "private", ...settings.network.existing };
  } else {
    privateNetwork = new AzurePrivateNetwork(
      "postgres-network",
      {
        resourceGroupName,
        location: settings.location,
        vnetAddressPrefix: settings.network.vnetAddressPrefix,
        subnetAddressPrefix: settings.network.subnetAddressPrefix,
        dnsZoneName: `${settings.serverName ?? `${config.project}-${config.stack}`}.private.postgres.database.azure.com`,
        tags,
      },
      opts,
    );
    network = {
      access: "private",
      delegatedSubnetId: privateNetwork.subnetId,
      privateDnsZoneId: privateNetwork.privateDnsZoneId,
      dependsOn: [privateNetwork.dnsZoneLink],
    };
  }

  const server = new AzurePostgresServer(
    "postgres",
    {
      resourceGroupName,
      location: settings.location,
      serverName: settings.serverName,
      postgresVersion: settings.postgresVersion,
      sku: settings.sku,
      storageSizeGb: settings.storageSizeGb,
      storageAutoGrow: settings.storageAutoGrow,
      backupRetentionDays: settings.backupRetentionDays,
      geoRedundantBackup: settings.geoRedundantBackup,
      highAvailability: settings.highAvailability,
      availabilityZone: settings.availabilityZone,
      maintenanceWindow: settings.maintenanceWindow,
      administratorLogin: settings.adminLogin,
      entra: settings.entra,
      network,
      extensions: config.extensions,
      databaseName: config.databaseName,
      protect: config.protect,
      tags,
    },
    opts,
  );

  return {
    platform: "azure",
    host: server.fullyQualifiedDomainName,
    port: server.port,
    database: server.databaseName,
    adminUser: server.administratorLogin,
    adminPassword: server.administratorPassword,
    sslmode: "require",
    extensionPrerequisites: [server.extensionsAllowlist],
    connectivityPrerequisites: [...server.firewallRules, ...(privateNetwork ? [privateNetwork.dnsZoneLink] : [])],
    databaseResource: server.database,
    // Everything on the server, the roles included, goes with it: destroy needs no database connection.
    teardownWith: server.server,
    roleTeardownWith: server.server,
    outputs: {
      resourceGroupName,
      serverName: server.server.name,
      extensionsAllowlist: server.extensionsAllowlistValue,
    },
  };
}
