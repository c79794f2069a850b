import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/load";
import type { Platform } from "../platform";
import type { PlatformDatabase } from "../platform-database";
import type { AzureSettings } from "./config";
import { AzurePrivateNetwork } from "./network";
import { clusterLoadBalancedPgbouncerPort, clusterLoadBalancedPort, pgbouncerPort } from "./offerings";
import { AzureReadReplicas } from "./read-replicas";
import { ServerReplacementGuard, type ServerReplacementGuardArgs } from "./replacement-guard";
import { azureSection } from "./section";
import { AzurePostgresServer, type AzureServerNetwork } from "./server";
import { parametersPendingRestart } from "./server-parameters";
import { locationSetting } from "./settings";

export { azureExtensionsAllowlist, extensionsParameter } from "./allowlist";
export type { AzureSettings } from "./config";
export { AzurePrivateNetwork, type AzurePrivateNetworkArgs } from "./network";
export { AzureReadReplicas, type AzureReadReplicasArgs } from "./read-replicas";
export { ServerReplacementGuard, type ServerReplacementGuardArgs, settingsFixedAtCreation } from "./replacement-guard";
export { azureSection, parseAzureSettings } from "./section";
export { AzurePostgresServer, type AzurePostgresServerArgs, type AzureServerNetwork } from "./server";
export { azureSettings } from "./settings";

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
  const resourceGroup = settings.existingResourceGroupName
    ? undefined
    : new resources.ResourceGroup(`${config.project}-${config.stack}`, { location: settings.location, tags }, opts);
  const resourceGroupName: pulumi.Input<string> =
    settings.existingResourceGroupName ?? (resourceGroup as resources.ResourceGroup).name;
  // An Azure lock also stops deletions from the portal or the CLI; only on a group the stack owns.
  const locked = config.protect && settings.managementLocks;
  if (locked && resourceGroup) {
    new authorization.ManagementLockAtResourceGroupLevel(
      `${config.project}-${config.stack}-lock`,
      {
        resourceGroupName: resourceGroup.name,
        level: "CanNotDelete",
        notes: "Managed by Pulumi (protect): set protect to false and run pulumi up before deleting this group.",
      },
      opts,
    );
  }

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
        peerVirtualNetworkId: settings.network.peerVnetId,
        dnsZoneLinkVirtualNetworkIds: settings.network.dnsZoneLinkVnetIds,
        tags,
        protect: config.protect,
      },
      opts,
    );
    network = {
      access: "private",
      delegatedSubnetId: privateNetwork.subnetId,
      privateDnsZoneId: privateNetwork.privateDnsZoneId,
      // A wrong peer id fails here, before the server takes its quarter of an hour.
      dependsOn: privateNetwork.clientPathResources,
    };
  }

  // Pull-request stacks are thrown away anyway; elsewhere a replaced server is a lost database.
  const guard = config.ephemeral
    ? undefined
    : new ServerReplacementGuard("postgres-replacement-guard", replacementGuardArgs(settings), opts);

  const pendingRestart = parametersPendingRestart(settings.serverParameters);
  if (pendingRestart.length > 0) {
    void pulumi.log.warn(
      `Server parameters ${pendingRestart.join(", ")} take effect only after a server restart, which neither Azure nor ` +
        "Pulumi performs: after `pulumi up`, restart it in a quiet moment (`az postgres flexible-server restart`).",
    );
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
      standbyAvailabilityZone: settings.standbyAvailabilityZone,
      maintenanceWindow: settings.maintenanceWindow,
      administratorLogin: settings.adminLogin,
      entra: settings.entra,
      network,
      extensions: config.extensions,
      databaseName: config.databaseName,
      protect: config.protect,
      serverParameters: settings.serverParameters,
      pgbouncer: settings.pgbouncer,
      clusterSize: settings.clusterSize,
      logAnalyticsWorkspaceId: settings.logAnalyticsWorkspaceId,
      managementLock: locked,
      serverDependsOn: guard ? [guard] : [],
      ...(settings.adopt && { adopt: settings.adopt }),
      tags,
    },
    opts,
  );

  const replicas = settings.readReplicas
    ? new AzureReadReplicas(
        "postgres-replica",
        {
          primary: server.server,
          afterPrimary: server.database,
          replicas: settings.readReplicas,
          resourceGroupName,
          location: settings.location,
          sku: settings.sku,
          storageSizeGb: settings.storageSizeGb,
          storageAutoGrow: settings.storageAutoGrow,
          serverName: settings.serverName,
          network,
          extensions: config.extensions,
          serverParameters: settings.serverParameters,
          pgbouncer: settings.pgbouncer,
          protect: config.protect,
          managementLock: locked,
          tags,
        },
        opts,
      )
    : undefined;

  return {
    platform: "azure",
    host: server.fullyQualifiedDomainName,
    // The virtual endpoints stay on the primary and on a replica across a promotion; the stack's own connections
    // (extensions, migrations, roles) use the server's own host.
    ...(replicas && { appHost: replicas.writerHost, readEndpoint: { host: replicas.readerHost } }),
    port: server.port,
    // On an elastic cluster the migrations run on the coordinator (port), the application is balanced over the nodes.
    ...(settings.clusterSize !== undefined
      ? {
          cluster: true,
          applicationPort: settings.pgbouncer ? clusterLoadBalancedPgbouncerPort : clusterLoadBalancedPort,
        }
      : settings.pgbouncer
        ? { applicationPort: pgbouncerPort }
        : {}),
    database: server.databaseName,
    adminUser: server.administratorLogin,
    adminPassword: server.administratorPassword,
    sslmode: "require",
    extensionPrerequisites: [server.extensionsAllowlist],
    connectivityPrerequisites: [...server.firewallRules, ...(privateNetwork?.clientPathResources ?? [])],
    databaseResource: server.database,
    // Everything on the server, the roles included, goes with it: destroy needs no database connection.
    teardownWith: server.server,
    roleTeardownWith: server.server,
    outputs: {
      resourceGroupName,
      serverName: server.server.name,
      extensionsAllowlist: server.extensionsAllowlistValue,
      ...(pendingRestart.length > 0 ? { serverParametersPendingRestart: pendingRestart } : {}),
      ...(replicas && {
        readReplicaNames: replicas.servers.map((replica) => replica.name),
        virtualEndpointWriterHost: replicas.writerHost,
        virtualEndpointReaderHost: replicas.readerHost,
      }),
    },
  };
}

/** The Azure platform as the registry lists it. */
export const azurePlatform: Platform<AzureSettings> = { section: azureSection, create: createAzurePlatform };

/** This update's values of the settings that replace the server, for the guard to compare with the last update's. */
function replacementGuardArgs(settings: AzureSettings): ServerReplacementGuardArgs {
  return {
    settings: {
      [locationSetting]: settings.location,
      existingResourceGroupName: settings.existingResourceGroupName ?? "",
      serverName: settings.serverName ?? "",
      adminLogin: settings.adminLogin,
      availabilityZone: settings.availabilityZone ?? "",
      geoRedundantBackup: String(settings.geoRedundantBackup),
      networkAccess: settings.network.access,
      delegatedSubnetId:
        settings.network.access === "private" ? (settings.network.existing?.delegatedSubnetId ?? "") : "",
    },
    allowServerReplacement: settings.allowServerReplacement,
  };
}
