import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "../existing";
import { NeonBranch, qualifiedStackName } from "./branch";
import type { NeonSettings } from "./config";
import { NeonProject } from "./project";

export { NeonBranch, type NeonBranchArgs, neonParentOutputs, qualifiedStackName } from "./branch";
export { type NeonSettings, neonSettingsSchema } from "./config";
export { NeonProject, type NeonProjectArgs } from "./project";

/**
 * The Neon platform of a stack: its own project, or, on an ephemeral stack, a branch of the parent stack's branch.
 * Both expose projectId and branchId (export them as neonProjectId and neonBranchId).
 */
export function createNeonPlatform(
  name: string,
  settings: NeonSettings,
  context: StackContext,
  opts?: pulumi.ComponentResourceOptions,
): NeonProject | NeonBranch {
  if (context.ephemeral) {
    const parentStack = qualifiedStackName(settings.parentStack);
    if (parentStack === qualifiedStackName(context.stack)) {
      throw new Error(
        `neon.parentStack is "${settings.parentStack}", the stack itself: an ephemeral stack branches from another ` +
          "stack's Neon branch. Set neon.parentStack to the stack it was copied from (default dev).",
      );
    }
    return new NeonBranch(
      name,
      {
        parentStack,
        branchName: context.stack,
        compute: settings.compute,
        database: settings.database,
        ownerRole: settings.ownerRole,
      },
      opts,
    );
  }
  return new NeonProject(
    name,
    {
      projectName: settings.projectName ?? `${pulumi.getProject()}-${context.stack}`,
      region: settings.region,
      postgresVersion: settings.postgresVersion,
      orgId: settings.orgId,
      compute: settings.compute,
      historyRetentionSeconds: settings.historyRetentionSeconds,
      database: settings.database,
      ownerRole: settings.ownerRole,
      protect: context.protect,
    },
    opts,
  );
}
