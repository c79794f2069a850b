import type * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "../../config/load";
import type { Platform } from "../platform";
import type { PlatformDatabase } from "../platform-database";
import { NeonBranch, qualifiedStackName } from "./branch";
import { type NeonSettings, neonSuspendTimeoutSeconds } from "./config";
import { NeonProject } from "./project";
import { neonSection } from "./section";

export { NeonBranch, type NeonBranchArgs, qualifiedStackName } from "./branch";
export { type NeonPlan, type NeonSettings, neonPlanLimits, neonPostgresVersions, neonSettingsSchema } from "./config";
export { neonParentOutputs, neonReadOnlyHostsOutput } from "./neon-platform-database";
export { NeonProject, type NeonProjectArgs } from "./project";
export { neonApiKeySetting, neonSection } from "./section";

/** The Neon platform's component: its own project, or, on an ephemeral stack, a branch of the parent's branch. */
export function createNeonComponent(
  config: StackConfig,
  settings: NeonSettings,
  opts?: pulumi.ComponentResourceOptions,
): NeonProject | NeonBranch {
  const compute = { ...settings.compute, suspendTimeoutSeconds: neonSuspendTimeoutSeconds(settings) };
  if (config.ephemeral) {
    return new NeonBranch(
      "neon",
      {
        parentStack: qualifiedStackName(settings.parentStack),
        branchName: config.stack,
        compute,
        readReplicas: settings.readReplicas,
        database: config.databaseName,
        ownerRole: settings.ownerRole,
      },
      opts,
    );
  }
  return new NeonProject(
    "neon",
    {
      projectName: settings.projectName ?? `${config.project}-${config.stack}`,
      region: settings.region,
      postgresVersion: config.postgresVersion,
      orgId: settings.orgId,
      compute,
      readReplicas: settings.readReplicas,
      historyRetentionSeconds: settings.historyRetentionSeconds,
      database: config.databaseName,
      ownerRole: settings.ownerRole,
      protect: config.protect,
      ...(settings.adopt && { adopt: settings.adopt }),
    },
    opts,
  );
}

/** The Neon platform. Its outputs neonProjectId and neonBranchId are what ephemeral stacks branch from. */
export function createNeonPlatform(
  config: StackConfig,
  settings: NeonSettings,
  opts?: pulumi.ComponentResourceOptions,
): PlatformDatabase {
  return createNeonComponent(config, settings, opts).platformDatabase;
}

/** The Neon platform as the registry lists it. */
export const neonPlatform: Platform<NeonSettings> = { section: neonSection, create: createNeonPlatform };
