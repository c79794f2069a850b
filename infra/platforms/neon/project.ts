import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import type { PlatformDatabase } from "../types";
import { neonParentOutputs } from "./branch";
import type { NeonSettings } from "./config";

export interface NeonProjectArgs {
  projectName: string;
  region: string;
  postgresVersion: number;
  orgId?: string;
  compute: NeonSettings["compute"];
  historyRetentionSeconds?: number;
  /** The application database, created on the project's default branch. */
  database: string;
  /** The role that owns the database; its generated password is the admin password of the shared layer. */
  ownerRole: string;
  /** protect the project and database from `pulumi destroy` (prod). */
  protect?: boolean;
}

/** A Neon project with the application database and its owner role on the default branch. */
export class NeonProject extends pulumi.ComponentResource {
  readonly project: neon.Project;
  readonly ownerRole: neon.Role;
  readonly database: neon.Database;
  /** Export as the stack output `neonProjectId`: ephemeral stacks branch from it. */
  readonly projectId: pulumi.Output<string>;
  /** Export as the stack output `neonBranchId`: the branch ephemeral stacks copy. */
  readonly branchId: pulumi.Output<string>;
  readonly platformDatabase: PlatformDatabase;

  constructor(name: string, args: NeonProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:platform:NeonProject", name, {}, opts);
    const protect = args.protect ?? false;
    this.project = new neon.Project(
      name,
      {
        name: args.projectName,
        regionId: args.region,
        pgVersion: args.postgresVersion,
        orgId: args.orgId,
        historyRetentionSeconds: args.historyRetentionSeconds,
        defaultEndpointSettings: {
          autoscalingLimitMinCu: args.compute.minCu,
          autoscalingLimitMaxCu: args.compute.maxCu,
          suspendTimeoutSeconds: args.compute.suspendTimeoutSeconds,
        },
      },
      { parent: this, protect },
    );
    this.projectId = this.project.id;
    this.branchId = this.project.defaultBranchId;
    this.ownerRole = new neon.Role(
      `${name}-owner`,
      { projectId: this.project.id, branchId: this.branchId, name: args.ownerRole },
      { parent: this },
    );
    this.database = new neon.Database(
      name,
      { projectId: this.project.id, branchId: this.branchId, name: args.database, ownerName: this.ownerRole.name },
      { parent: this, protect },
    );

    this.platformDatabase = {
      platform: "neon",
      // The direct host of the default compute: migrations take session-level advisory locks, which Neon's
      // transaction-mode pooler does not keep.
      host: this.project.databaseHost,
      port: 5432,
      database: this.database.name,
      adminUser: this.ownerRole.name,
      adminPassword: pulumi.secret(this.ownerRole.password),
      sslmode: "require",
      // Neon needs no allowlist for `vector`.
      extensionPrerequisites: [],
      connectivityPrerequisites: [this.ownerRole],
      databaseResource: this.database,
      // Dropping the Neon database takes the extension, tables and grants with it.
      teardownWith: this.database,
      outputs: { [neonParentOutputs.projectId]: this.projectId, [neonParentOutputs.branchId]: this.branchId },
    };
    this.registerOutputs({ projectId: this.projectId, branchId: this.branchId });
  }
}
