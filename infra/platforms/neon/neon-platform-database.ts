import * as pulumi from "@pulumi/pulumi";
import type * as neon from "@sst-provider/neon";
import type { PlatformDatabase } from "../platform-database";

/** Outputs the parent (dev) stack must export for ephemeral stacks to branch from it. */
export const neonParentOutputs = { projectId: "neonProjectId", branchId: "neonBranchId" } as const;

/** Stack output: the hosts of the branch's read-only computes (neon.readReplicas), when there are any. */
export const neonReadOnlyHostsOutput = "neonReadOnlyHosts";

/**
 * The compute's pooled host (PgBouncer in transaction mode, up to 10,000 clients): `-pooler` after the endpoint id,
 * ep-cool-darkness-123456.us-east-2.aws.neon.tech -> ep-cool-darkness-123456-pooler.us-east-2.aws.neon.tech
 * (https://neon.com/docs/connect/connection-pooling).
 */
export function neonPooledHost(directHost: string): string {
  const [endpointId, ...domain] = directHost.split(".");
  if (endpointId === undefined || domain.length === 0 || endpointId.endsWith("-pooler")) return directHost;
  return [`${endpointId}-pooler`, ...domain].join(".");
}

export interface NeonPlatformDatabaseArgs {
  /** The compute's direct host: migrations take session-level advisory locks, which Neon's pooler does not keep. */
  host: pulumi.Input<string>;
  database: pulumi.Input<string>;
  /** The Neon role that owns the database; the shared layer's admin. */
  ownerRole: pulumi.Input<string>;
  ownerPassword: pulumi.Input<string>;
  /** What must exist before the shared layer connects (the owner role, the branch's compute). */
  connectivityPrerequisites: pulumi.Resource[];
  databaseResource: pulumi.Resource;
  teardownWith: pulumi.Resource;
  /** The project or branch: Neon roles live on a branch and go with it. */
  roleTeardownWith: pulumi.Resource;
  projectId: pulumi.Output<string>;
  branchId: pulumi.Output<string>;
  /** The branch's read-only computes (read replicas); the first is the application's read endpoint. */
  readReplicas: readonly neon.Endpoint[];
}

/** What a Neon project or branch hands the shared layer. Neon needs no allow-list for `vector`. */
export function neonPlatformDatabase(args: NeonPlatformDatabaseArgs): PlatformDatabase {
  const first = args.readReplicas[0];
  return {
    platform: "neon",
    host: args.host,
    port: 5432,
    database: args.database,
    adminUser: args.ownerRole,
    adminPassword: pulumi.secret(args.ownerPassword),
    appHost: pulumi.output(args.host).apply(neonPooledHost),
    sslmode: "require",
    extensionPrerequisites: [],
    connectivityPrerequisites: args.connectivityPrerequisites,
    databaseResource: args.databaseResource,
    teardownWith: args.teardownWith,
    roleTeardownWith: args.roleTeardownWith,
    // Through the read-only compute's pooler, as appConnectionString goes through the read-write compute's.
    ...(first && { readEndpoint: { host: first.host.apply(neonPooledHost) } }),
    outputs: {
      [neonParentOutputs.projectId]: args.projectId,
      [neonParentOutputs.branchId]: args.branchId,
      ...(first && { [neonReadOnlyHostsOutput]: args.readReplicas.map((replica) => replica.host) }),
    },
  };
}
