import * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import type { PlatformDatabase } from "../platform-database";
import type { NeonSettings } from "./config";
import { neonParentOutputs, neonPlatformDatabase } from "./neon-platform-database";
import { neonReadReplicas } from "./read-replicas";

export interface NeonBranchArgs {
  /** Fully qualified parent stack, `organization/project/stack`. */
  parentStack: string;
  /** Name of the new branch, normally the stack name (`pr-123`). */
  branchName: string;
  /** suspendTimeoutSeconds undefined: not sent (the Free plan's is fixed). */
  compute: NeonSettings["compute"];
  /** Read-only computes on the new branch. Default 0. */
  readReplicas?: number;
  /** The parent's application database: the branch holds a copy of it. */
  database: string;
  /** The parent's owner role: the branch holds a copy of it, with the same password. */
  ownerRole: string;
}

/**
 * An ephemeral stack's database on Neon: a copy-on-write branch of the parent stack's branch, with a compute of its
 * own. The database, its data, the `vector` extension, the applied migrations and the roles come with the branch;
 * deleting the branch removes them all.
 */
export class NeonBranch extends pulumi.ComponentResource {
  readonly parentStack: pulumi.StackReference;
  readonly branch: neon.Branch;
  readonly endpoint: neon.Endpoint;
  /** Read-only computes on the branch (neon.readReplicas). */
  readonly readReplicas: neon.Endpoint[];
  readonly projectId: pulumi.Output<string>;
  readonly branchId: pulumi.Output<string>;
  readonly platformDatabase: PlatformDatabase;

  constructor(name: string, args: NeonBranchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:platform:NeonBranch", name, {}, opts);
    this.parentStack = new pulumi.StackReference(`${name}-parent`, { name: args.parentStack }, { parent: this });
    this.projectId = this.parentStack.requireOutput(neonParentOutputs.projectId) as pulumi.Output<string>;
    const parentBranchId = this.parentStack.requireOutput(neonParentOutputs.branchId) as pulumi.Output<string>;

    this.branch = new neon.Branch(
      name,
      { projectId: this.projectId, parentId: parentBranchId, name: args.branchName, protected: "no" },
      { parent: this },
    );
    this.branchId = this.branch.id;
    this.endpoint = new neon.Endpoint(
      name,
      {
        projectId: this.projectId,
        branchId: this.branch.id,
        type: "read_write",
        autoscalingLimitMinCu: args.compute.minCu,
        autoscalingLimitMaxCu: args.compute.maxCu,
        suspendTimeoutSeconds: args.compute.suspendTimeoutSeconds,
      },
      { parent: this },
    );
    this.readReplicas = neonReadReplicas(
      name,
      { projectId: this.projectId, branchId: this.branch.id, compute: args.compute, count: args.readReplicas ?? 0 },
      { parent: this },
    );
    const ownerPassword = neon
      .getBranchRolePasswordOutput(
        { projectId: this.projectId, branchId: this.branch.id, roleName: args.ownerRole },
        { parent: this },
      )
      .apply((result) => result.password);

    this.platformDatabase = neonPlatformDatabase({
      host: this.endpoint.host,
      database: args.database,
      ownerRole: args.ownerRole,
      ownerPassword,
      connectivityPrerequisites: [this.endpoint],
      databaseResource: this.branch,
      // Everything inside the database, and the roles, go with the branch: destroy needs no database connection.
      teardownWith: this.branch,
      roleTeardownWith: this.branch,
      projectId: this.projectId,
      branchId: this.branchId,
      readReplicas: this.readReplicas,
    });
    this.registerOutputs({ projectId: this.projectId, branchId: this.branchId });
  }
}

/** `dev` means the stack `dev` of this project and organisation; `org/project/stack` is taken as it is. */
export function qualifiedStackName(stack: string): string {
  return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}
