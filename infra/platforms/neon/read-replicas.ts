import type * as pulumi from "@pulumi/pulumi";
import * as neon from "@sst-provider/neon";
import type { NeonSettings } from "./config";

/** Neon's endpoint type of a read replica: a compute that reads the branch's storage and refuses writes. */
export const neonReadOnlyEndpointType = "read_only";

/** `count` read-only computes on a branch, sized like its read-write compute. */
export function neonReadReplicas(
  name: string,
  args: {
    projectId: pulumi.Input<string>;
    branchId: pulumi.Input<string>;
    compute: NeonSettings["compute"];
    count: number;
  },
  opts: pulumi.CustomResourceOptions,
): neon.Endpoint[] {
  return Array.from(
    { length: args.count },
    (_, index) =>
      new neon.Endpoint(
        `${name}-read-${index + 1}`,
        {
          projectId: args.projectId,
          branchId: args.branchId,
          type: neonReadOnlyEndpointType,
          autoscalingLimitMinCu: args.compute.minCu,
          autoscalingLimitMaxCu: args.compute.maxCu,
          suspendTimeoutSeconds: args.compute.suspendTimeoutSeconds,
        },
        opts,
      ),
  );
}
