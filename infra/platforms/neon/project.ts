import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import type { PlatformDatabase } from "../platform-database";
import type { NeonSettings } from "./config";
import { neonPlatformDatabase } from "./neon-platform-database";
import { neonReadReplicas } from "./read-replicas";

export interface NeonProjectArgs {
  projectName: string;
  region: string;
  postgresVersion: number;
  orgId?: string;
  /** suspendTimeoutSeconds undefined: not sent (the Free plan's is fixed). */
  compute: NeonSettings["compute"];
  /** Read-only computes on the default branch. Default 0. */
  readReplicas?: number;
  historyRetentionSeconds?: number;
  /** The application database, created on the project's default branch. */
  database: string;
  /** The role that owns the database; its generated password is the admin password of the shared layer. */
  ownerRole: string;
  /** protect the project and database from `pulumi destroy` (prod). */
  protect?: boolean;
  /** An existing project to import, with the branch that holds the database and the owner role. */
  adopt?: NeonAdoption;
}

export interface NeonAdoption {
  projectId: string;
  branchId: string;
}

/**
 * The import ids of an adopted project's resources, as the Neon provider parses them: the project by its id, a
 * role or a database by `<project id>/<branch id>/<name>` (kislerdm/terraform-provider-neon,
 * internal/provider/resource_role.go and resource_database.go: parseComplexID).
 */
export function neonImportIds(adopt: NeonAdoption, names: { ownerRole: string; database: string }) {
  const onBranch = (name: string) => `${adopt.projectId}/${adopt.branchId}/${name}`;
  return { project: adopt.projectId, ownerRole: onBranch(names.ownerRole), database: onBranch(names.database) };
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
  /** Read-only computes on the default branch (neon.readReplicas). */
  readonly readReplicas: neon.Endpoint[];
  readonly platformDatabase: PlatformDatabase;

  constructor(name: string, args: NeonProjectArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:platform:NeonProject", name, {}, opts);
    const protect = args.protect ?? false;
    const imports = args.adopt && neonImportIds(args.adopt, { ownerRole: args.ownerRole, database: args.database });
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
      { parent: this, protect, ...(imports && { import: imports.project }) },
    );
    this.projectId = this.project.id;
    this.branchId = args.adopt ? pulumi.output(args.adopt.branchId) : this.project.defaultBranchId;
    this.ownerRole = new neon.Role(
      `${name}-owner`,
      { projectId: this.project.id, branchId: this.branchId, name: args.ownerRole },
      { parent: this, ...(imports && { import: imports.ownerRole }) },
    );
    this.database = new neon.Database(
      name,
      { projectId: this.project.id, branchId: this.branchId, name: args.database, ownerName: this.ownerRole.name },
      { parent: this, protect, ...(imports && { import: imports.database }) },
    );
    this.readReplicas = neonReadReplicas(
      name,
      { projectId: this.project.id, branchId: this.branchId, compute: args.compute, count: args.readReplicas ?? 0 },
      { parent: this },
    );

    this.platformDatabase = neonPlatformDatabase({
      host: this.project.databaseHost,
      database: this.database.name,
      ownerRole: this.ownerRole.name,
      ownerPassword: this.ownerRole.password,
      connectivityPrerequisites: [this.ownerRole],
      databaseResource: this.database,
      // Dropping the Neon database takes the extension, tables and grants with it; the roles live on the
      // project's default branch and go with the project.
      teardownWith: this.database,
      roleTeardownWith: this.project,
      projectId: this.projectId,
      branchId: this.branchId,
      readReplicas: this.readReplicas,
    });
    this.registerOutputs({ projectId: this.projectId, branchId: this.branchId });
  }
}
