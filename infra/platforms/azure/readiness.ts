import * as authorization from "@pulumi/azure-native/authorization";
import type * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import { readinessDefaults, serverReadinessProvider } from "./readiness-provider";

/** The flexible server API version of the pinned @pulumi/azure-native (docs/azure.md). */
export const flexibleServerApiVersion = "2025-08-01";

export const azureResourceManager = "https://management.azure.com";

export interface AzureServerReadinessArgs {
  server: dbforpostgresql.Server;
  /** Longest wait for Ready; the create fails after it. Default: 30. */
  timeoutMinutes?: number;
  /** Default: the public cloud's Resource Manager. */
  armEndpoint?: string;
}

/**
 * A gate between a new flexible server and the first write to it: created once the server reads Ready twice in a
 * row from Azure Resource Manager (polled with growing intervals, at most `timeoutMinutes`). Everything that writes
 * to the server waits for it. The ARM token comes from azure-native's own credentials (getClientToken), fetched
 * once the server exists so that a long server create cannot outlive it; it is a secret input, never an output.
 */
export class AzureServerReadiness extends pulumi.dynamic.Resource {
  declare readonly state: pulumi.Output<string>;
  declare readonly serverId: pulumi.Output<string>;

  constructor(name: string, args: AzureServerReadinessArgs, opts: pulumi.CustomResourceOptions = {}) {
    const timeoutMinutes = args.timeoutMinutes ?? readinessDefaults.timeoutMinutes;
    const token = authorization.getClientTokenOutput({}, { parent: opts.parent, dependsOn: [args.server] }).token;
    super(
      serverReadinessProvider,
      name,
      {
        serverId: args.server.id,
        armEndpoint: args.armEndpoint ?? azureResourceManager,
        apiVersion: flexibleServerApiVersion,
        timeoutMinutes,
        token: pulumi.secret(token),
        state: undefined,
      },
      {
        ...opts,
        dependsOn: [args.server],
        deletedWith: args.server,
        customTimeouts: { create: `${timeoutMinutes + 5}m` },
      },
      "pgvector",
      "AzureServerReadiness",
    );
  }
}
