import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import { azureExtensionsAllowlist, extensionsParameter } from "./allowlist";
import type { ReadReplicaSettings } from "./read-replicas-config";
import { type AzureServerNetwork, serverNetworkArgs } from "./server";
import { pgbouncerParameter, requireSecureTransportParameter } from "./server-parameters";

export interface AzureReadReplicasArgs {
  /** The primary server, and the last write to it: a replica is created only once the primary is done. */
  primary: dbforpostgresql.Server;
  afterPrimary: pulumi.Resource;
  replicas: readonly ReadReplicaSettings[];
  resourceGroupName: pulumi.Input<string>;
  /** The primary's region and compute: a replica's defaults. */
  location: pulumi.Input<string>;
  sku: { tier: string; name: string };
  /** A replica's storage is at least the primary's: the same size. */
  storageSizeGb: number;
  storageAutoGrow: boolean;
  /** The primary's name when set; the replicas are then named <name>-replica-<n>. */
  serverName?: string;
  network: AzureServerNetwork;
  /** Allow-listed on every replica too, so that a promoted replica accepts the same CREATE EXTENSION. */
  extensions: readonly string[];
  /** The primary's server parameters, which a replica does not inherit (see below). */
  serverParameters: Readonly<Record<string, string>>;
  pgbouncer: boolean;
  protect: boolean;
  managementLock: boolean;
  tags: Record<string, string>;
}

const serverTimeouts: pulumi.CustomTimeouts = { create: "90m", update: "90m", delete: "60m" };
const childTimeouts: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "30m" };

/**
 * Read replicas of the primary (createMode Replica) and the virtual endpoints in front of them: a read-write host
 * that always points at the current primary and a read-only host on the first replica, both stable across a
 * promotion (learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas-virtual-endpoints).
 *
 * What a replica inherits, by physical replication: the databases, the `vector` extension and every object the
 * migrations created, the roles and their passwords. What it does not: server parameters, which are per server.
 * So each replica gets the primary's serverParameters (hnsw.ef_search must be the same where the searches run,
 * and PostgreSQL requires max_connections, max_worker_processes, max_wal_senders, max_prepared_transactions and
 * max_locks_per_transaction on a hot standby to be at least the primary's: postgresql.org/docs/current/
 * hot-standby.html#HOT-STANDBY-ADMIN), TLS required, PgBouncer when the primary has it, and the same
 * `azure.extensions` allow-list, which only matters once a replica is promoted (a replica is read-only).
 *
 * Every write follows the primary's rule, one operation per server at a time: the first replica waits for the
 * primary's last write, each replica's own writes run one after the other, the next replica waits for them, and
 * the virtual endpoint (a write on the primary) comes last.
 */
export class AzureReadReplicas extends pulumi.ComponentResource {
  readonly servers: dbforpostgresql.Server[] = [];
  readonly virtualEndpoint: dbforpostgresql.VirtualEndpoint;
  /** The read-write virtual endpoint: the current primary, whichever server that is. */
  readonly writerHost: pulumi.Output<string>;
  /** The read-only virtual endpoint: the first replica. */
  readonly readerHost: pulumi.Output<string>;

  constructor(name: string, args: AzureReadReplicasArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:azure:ReadReplicas", name, {}, opts);
    const tags = { "managed-by": "pulumi", ...args.tags };
    let lastWrite: pulumi.Resource = args.afterPrimary;

    args.replicas.forEach((replica, index) => {
      const replicaName = `${name}-${index + 1}`;
      const sku = replica.sku ?? args.sku;
      const server = new dbforpostgresql.Server(
        replicaName,
        {
          resourceGroupName: args.resourceGroupName,
          location: replica.location ?? args.location,
          ...(args.serverName !== undefined && { serverName: `${args.serverName}-replica-${index + 1}` }),
          createMode: "Replica",
          sourceServerResourceId: args.primary.id,
          sku: { name: sku.name, tier: sku.tier },
          storage: { storageSizeGB: args.storageSizeGb, autoGrow: args.storageAutoGrow ? "Enabled" : "Disabled" },
          network: serverNetworkArgs(args.network),
          tags,
        },
        {
          parent: this,
          protect: args.protect,
          customTimeouts: serverTimeouts,
          ignoreChanges: args.storageAutoGrow ? ["storage.storageSizeGB"] : [],
          dependsOn: [lastWrite],
        },
      );
      this.servers.push(server);
      if (args.managementLock) {
        new authorization.ManagementLockByScope(
          `${replicaName}-lock`,
          {
            scope: server.id,
            level: "CanNotDelete",
            notes: "Managed by Pulumi (protect): set protect to false and run pulumi up before deleting this replica.",
          },
          { parent: this },
        );
      }
      lastWrite = server;
      const onReplica = { resourceGroupName: args.resourceGroupName, serverName: server.name };
      const write = (resourceName: string, configurationName: string, value: string) => {
        lastWrite = new dbforpostgresql.Configuration(
          `${replicaName}-${resourceName}`,
          { ...onReplica, configurationName, value, source: "user-override" },
          { parent: this, customTimeouts: childTimeouts, deletedWith: server, dependsOn: [lastWrite] },
        );
      };
      if (args.network.access === "public") {
        for (const rule of args.network.firewallRules) {
          lastWrite = new dbforpostgresql.FirewallRule(
            `${replicaName}-firewall-${rule.name}`,
            {
              ...onReplica,
              firewallRuleName: rule.name,
              startIpAddress: rule.startIpAddress,
              endIpAddress: rule.endIpAddress,
            },
            { parent: this, customTimeouts: childTimeouts, deletedWith: server, dependsOn: [lastWrite] },
          );
        }
      }
      write("extensions-allowlist", extensionsParameter, azureExtensionsAllowlist(args.extensions));
      write("require-secure-transport", requireSecureTransportParameter, "on");
      if (args.pgbouncer) write("pgbouncer", pgbouncerParameter, "true");
      for (const [parameter, value] of Object.entries(args.serverParameters).sort(([a], [b]) => (a < b ? -1 : 1))) {
        write(`parameter-${parameter}`, parameter, value);
      }
    });

    const first = this.servers[0];
    if (!first) throw new Error(`AzureReadReplicas ${name}: no replica to put a read endpoint on.`);
    this.virtualEndpoint = new dbforpostgresql.VirtualEndpoint(
      `${name}-endpoint`,
      {
        resourceGroupName: args.resourceGroupName,
        serverName: args.primary.name,
        // The only type the API takes: it creates the pair, a writer on the primary and a reader on `members`.
        endpointType: "ReadWrite",
        members: [first.name],
      },
      { parent: this, customTimeouts: childTimeouts, deletedWith: args.primary, dependsOn: [lastWrite] },
    );
    // Azure names them <endpoint>.writer.postgres.database.azure.com and <endpoint>.reader.postgres.database.azure.com.
    const host = (kind: "writer" | "reader", fallback: pulumi.Output<string>) =>
      pulumi
        .all([this.virtualEndpoint.virtualEndpoints, fallback])
        .apply(([hosts, server]) => (hosts ?? []).find((candidate) => candidate.includes(`.${kind}.`)) ?? server);
    this.writerHost = host("writer", args.primary.fullyQualifiedDomainName);
    this.readerHost = host("reader", first.fullyQualifiedDomainName);
    this.registerOutputs({ writerHost: this.writerHost, readerHost: this.readerHost });
  }
}
