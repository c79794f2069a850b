import { z } from "zod";
import { roleNameProblem } from "../../config/identifiers";

/** PostgreSQL major versions Neon offers for new projects (18 is a preview); checked against postgresVersion. */
export const neonPostgresVersions = [14, 15, 16, 17, 18] as const;

/** Compute sizes (CU) Neon accepts as autoscaling limits: 1/4, 1/2, then whole CUs up to 16. */
export const neonComputeSizes = [0.25, 0.5, ...Array.from({ length: 16 }, (_, i) => i + 1)] as const;

/** Neon rejects an autoscaling range (max - min) wider than this. */
export const neonMaxAutoscalingSpan = 8;

/**
 * What each Neon plan allows, from https://neon.com/docs/introduction/plans and
 * https://neon.com/docs/introduction/restore-window: the restore window's maximum (Free 6 hours, Launch 7 days,
 * Scale 30 days), the autoscaling maximum (Free 2 CU), and scale to zero (Free: after 5 minutes, fixed; Launch:
 * after 5 minutes or disabled; Scale: configurable).
 */
export const neonPlanLimits = {
  // maxReadReplicas: "The Free plan is limited to a maximum of 3 read replica computes per project"
  // (neon.com/docs/guides/read-replica-guide); the paid plans state no such limit.
  free: { maxHistoryRetentionSeconds: 21_600, maxCu: 2, suspendTimeouts: "fixed", maxReadReplicas: 3 },
  launch: {
    maxHistoryRetentionSeconds: 604_800,
    maxCu: 16,
    suspendTimeouts: "default-or-never",
    maxReadReplicas: undefined,
  },
  scale: { maxHistoryRetentionSeconds: 2_592_000, maxCu: 16, suspendTimeouts: "any", maxReadReplicas: undefined },
} as const;
export type NeonPlan = keyof typeof neonPlanLimits;
export const neonPlans = Object.keys(neonPlanLimits) as NeonPlan[];

/**
 * The restore window the stack asks for: the Free plan's maximum, which every plan accepts. The Neon provider's
 * own default (one day) is refused by the Free plan with HTTP 400.
 */
export const neonDefaultHistoryRetentionSeconds = 21_600;
/** Idle seconds before a compute suspends, where the plan lets the stack choose: Neon's five minutes. */
export const neonDefaultSuspendTimeoutSeconds = 300;

/** Neon's generated ids: a project `shiny-cell-31746257`, a branch `br-snowy-mountain-a5jkb18i`. */
const neonProjectIdPattern = /^[a-z0-9]+(-[a-z0-9]+)+$/;
const neonBranchIdPattern = /^br-[a-z0-9]+(-[a-z0-9]+)+$/;

const computeSize = z.number().refine((value) => (neonComputeSizes as readonly number[]).includes(value), {
  message: `must be a Neon compute size: ${neonComputeSizes.join(", ")}`,
});

/** Stack setting `neon`. The API key is the Neon provider's own secret setting `neon:apiKey` (or NEON_API_KEY). */
const neonBaseFields = z.strictObject({
  /** The Neon plan of the organisation: the settings are checked against its limits. Default free (the strictest). */
  plan: z.enum(neonPlans).default("free"),
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
      /**
       * Idle seconds before the compute suspends; 0 = Neon's default, -1 = never. Unset: 300, except on the Free
       * plan, where it is fixed and never sent (Neon ignores it there, which would leave a perpetual diff).
       */
      suspendTimeoutSeconds: z.number().int().min(-1).max(604_800).optional(),
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
    .default({ minCu: 0.25, maxCu: 1 }),
  /**
   * Read-only computes (Neon read replicas) on the stack's branch, each sized like `compute`; they read the
   * branch's storage, so they copy no data. The first is the application's read endpoint
   * (appReadOnlyConnectionString); all their hosts are the output neonReadOnlyHosts. Default 0.
   */
  readReplicas: z.number().int().min(0).optional(),
  /** Point-in-time restore window in seconds; at most the plan's maximum. Always sent (see the default's note). */
  historyRetentionSeconds: z.number().int().min(0).max(2_592_000).default(neonDefaultHistoryRetentionSeconds),
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
  /**
   * A project that exists already (made in the Neon console or by a script): the stack takes it over with
   * Pulumi's import instead of creating one. The project, the owner role and the database on `branchId` are
   * imported; read replicas are created. See docs/platforms.md#adopting-a-neon-project.
   */
  adopt: z
    .strictObject({
      projectId: z.string().regex(neonProjectIdPattern, "must be a Neon project id such as shiny-cell-31746257"),
      branchId: z.string().regex(neonBranchIdPattern, "must be a Neon branch id such as br-snowy-mountain-a5jkb18i"),
    })
    .optional(),
});

/** The fields of `neon` an adopted project must state: the import fails unless they match the live project. */
export const neonAdoptionRequiredFields = ["projectName", "region"] as const;

export const neonSettingsSchema = neonBaseFields.superRefine((settings, ctx) => {
  for (const problem of neonPlanProblems(settings)) ctx.addIssue({ code: "custom", ...problem });
});

export type NeonSettingsInput = z.input<typeof neonSettingsSchema>;
export type NeonSettings = z.output<typeof neonSettingsSchema>;

interface PlanProblem {
  path: (string | number)[];
  message: string;
}

const planHint = (plan: NeonPlan) =>
  plan === "free" ? " (set neon.plan to launch or scale if the organisation has a paid plan)" : "";

/** The settings a plan refuses (the API answers 400) or ignores (a perpetual diff). */
function neonPlanProblems(settings: z.output<typeof neonBaseFields>): PlanProblem[] {
  const limits = neonPlanLimits[settings.plan];
  const problems: PlanProblem[] = [];
  if (settings.historyRetentionSeconds > limits.maxHistoryRetentionSeconds) {
    problems.push({
      path: ["historyRetentionSeconds"],
      message: `(${settings.historyRetentionSeconds}) exceeds the ${settings.plan} plan's restore window of at most ${limits.maxHistoryRetentionSeconds} seconds${planHint(settings.plan)}`,
    });
  }
  if (settings.compute.maxCu > limits.maxCu) {
    problems.push({
      path: ["compute", "maxCu"],
      message: `(${settings.compute.maxCu}) exceeds the ${settings.plan} plan's autoscaling limit of ${limits.maxCu} CU${planHint(settings.plan)}`,
    });
  }
  const maxReplicas = limits.maxReadReplicas;
  if (maxReplicas !== undefined && (settings.readReplicas ?? 0) > maxReplicas) {
    problems.push({
      path: ["readReplicas"],
      message: `(${settings.readReplicas}) exceeds the ${settings.plan} plan's ${maxReplicas} read replicas per project${planHint(settings.plan)}`,
    });
  }
  const timeout = settings.compute.suspendTimeoutSeconds;
  const allowed =
    timeout === undefined ||
    limits.suspendTimeouts === "any" ||
    (limits.suspendTimeouts === "default-or-never" && [0, neonDefaultSuspendTimeoutSeconds, -1].includes(timeout));
  if (!allowed) {
    problems.push({
      path: ["compute", "suspendTimeoutSeconds"],
      message:
        limits.suspendTimeouts === "fixed"
          ? `cannot be set on the free plan: its computes always suspend after 5 minutes, and Neon ignores the setting. Remove it${planHint(settings.plan)}.`
          : `(${timeout}) is not offered on the launch plan: 300 (suspend after 5 minutes) or -1 (never), or set neon.plan to scale`,
    });
  }
  return problems;
}

/**
 * The suspend timeout to send for a compute: none on the Free plan (fixed there; Neon would ignore it), else the
 * setting or Neon's five minutes.
 */
export function neonSuspendTimeoutSeconds(settings: Pick<NeonSettings, "plan" | "compute">): number | undefined {
  if (neonPlanLimits[settings.plan].suspendTimeouts === "fixed") return undefined;
  return settings.compute.suspendTimeoutSeconds ?? neonDefaultSuspendTimeoutSeconds;
}
