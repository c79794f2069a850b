import { z } from "zod";
import { roleNameProblem } from "../../config/identifiers";

/** PostgreSQL major versions Neon offers for new projects (18 is a preview); checked against postgresVersion. */
export const neonPostgresVersions = [14, 15, 16, 17, 18] as const;

/** Compute sizes (CU) Neon accepts as autoscaling limits: 1/4, 1/2, then whole CUs up to 16. */
export const neonComputeSizes = [0.25, 0.5, ...Array.from({ length: 16 }, (_, i) => i + 1)] as const;

/** Neon rejects an autoscaling range (max - min) wider than this. */
export const neonMaxAutoscalingSpan = 8;

const computeSize = z.number().refine((value) => (neonComputeSizes as readonly number[]).includes(value), {
  message: `must be a Neon compute size: ${neonComputeSizes.join(", ")}`,
});

/** Stack setting `neon`. The API key is the Neon provider's own secret setting `neon:apiKey` (or NEON_API_KEY). */
export const neonSettingsSchema = z.strictObject({
  /** Neon project name. Default: `<pulumi project>-<stack>`. */
  projectName: z.string().min(1).max(64).optional(),
  /** e.g. aws-us-east-2, aws-eu-central-1, azure-eastus2; see https://neon.com/docs/introduction/regions */
  region: z
    .string()
    .regex(/^(aws|azure)-[a-z0-9-]+$/, "must be a Neon region id such as aws-us-east-2 or azure-eastus2")
    .default("aws-us-east-2"),
  /** Organisation that owns the project; required by Neon for API keys that belong to several organisations. */
  orgId: z.string().min(1).optional(),
  compute: z
    .strictObject({
      minCu: computeSize.default(0.25),
      maxCu: computeSize.default(1),
      /** Idle seconds before the compute suspends; 0 = Neon's default, -1 = never. */
      suspendTimeoutSeconds: z.number().int().min(-1).max(604_800).default(300),
    })
    .superRefine((compute, ctx) => {
      if (compute.maxCu < compute.minCu) {
        ctx.addIssue({
          code: "custom",
          path: ["maxCu"],
          message: `(${compute.maxCu}) must be >= minCu (${compute.minCu})`,
        });
      } else if (compute.maxCu - compute.minCu > neonMaxAutoscalingSpan) {
        ctx.addIssue({
          code: "custom",
          path: ["maxCu"],
          message: `minus minCu is ${compute.maxCu - compute.minCu} CU; Neon allows an autoscaling range of at most ${neonMaxAutoscalingSpan} CU`,
        });
      }
    })
    .default({ minCu: 0.25, maxCu: 1, suspendTimeoutSeconds: 300 }),
  /**
   * Read-only computes (Neon read replicas) on the stack's branch, each sized like `compute`; they read the
   * branch's storage, so they copy no data. The first is the application's read endpoint
   * (appReadOnlyConnectionString); all their hosts are the output neonReadOnlyHosts. Default 0.
   */
  readReplicas: z.number().int().min(0).optional(),
  /** Point-in-time restore window in seconds (Neon's default is one day; plans cap it). */
  historyRetentionSeconds: z.number().int().min(0).max(2_592_000).optional(),
  /** The Neon role that owns the application database and runs the migrations (the shared layer's admin). */
  ownerRole: z
    .string()
    .superRefine((value, ctx) => {
      const problem = roleNameProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default("app_owner"),
  /**
   * Ephemeral stacks branch from this stack's Neon branch (its outputs neonProjectId and neonBranchId).
   * A stack name (`dev`, same project and organisation) or a full `organization/project/stack`.
   */
  parentStack: z.string().min(1).default("dev"),
});

export type NeonSettingsInput = z.input<typeof neonSettingsSchema>;
export type NeonSettings = z.output<typeof neonSettingsSchema>;
