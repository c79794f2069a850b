import type { CommonSettings } from "../../config/common";
import type { Problem } from "../../config/problems";
import type { ConfigSource } from "../../config/source";
import { structuredSection } from "../../config/structured";
import { type NeonSettings, neonAdoptionRequiredFields, neonPostgresVersions, neonSettingsSchema } from "./config";

/** The Neon provider's own setting for the API key (its default provider reads it). */
export const neonApiKeySetting = "neon:apiKey";

/** How the configuration loader reads the `neon` platform: the object `neon` and the provider secret `neon:apiKey`. */
export const neonSection = structuredSection<NeonSettings>({
  key: "neon",
  secrets: {},
  otherSecretKeys: [neonApiKeySetting],
  schema: neonSettingsSchema,
  example: "region aws-eu-central-1",
  docs: "docs/platforms.md#neon",
  fieldDocs: [
    {
      settings: [neonApiKeySetting],
      secret: true,
      default: "env `NEON_API_KEY`",
      description: "the Neon provider's own setting",
    },
    { settings: ["neon.projectName"], default: "`<project>-<stack>`", description: "" },
    {
      settings: ["neon.region"],
      description:
        "a [Neon region id](https://neon.com/docs/introduction/regions), e.g. `aws-eu-central-1`, `azure-eastus2`",
    },
    { settings: ["neon.orgId"], description: "the organisation that owns the project, for API keys that see several" },
    {
      settings: ["neon.compute.minCu", "neon.compute.maxCu"],
      default: "`0.25`, `1`",
      description: "autoscaling limits in compute units: 0.25, 0.5, 1 to 16; at most 8 apart; at most 2 on `free`",
    },
    {
      settings: ["neon.plan"],
      description:
        "`free`, `launch` or `scale`: the organisation's Neon plan; the settings below are checked against its limits",
    },
    {
      settings: ["neon.compute.suspendTimeoutSeconds"],
      default: "`300`; not sent on `free`",
      description:
        "idle time before the compute suspends; `0` Neon's default, `-1` never. `free`: fixed at 5 minutes, so it cannot be set; `launch`: `300` or `-1`",
    },
    {
      settings: ["neon.readReplicas"],
      default: "`0`",
      description:
        "read-only computes (Neon read replicas) on the stack's branch, sized like `compute`; they read the branch's storage (no copy). The first, through its pooler, is `appReadOnlyConnectionString`; every direct host is the output `neonReadOnlyHosts`. The Free plan allows 3 per project",
    },
    {
      settings: ["neon.historyRetentionSeconds"],
      default: "`21600` (6 hours)",
      description:
        "point-in-time restore window, always sent; at most 21600 on `free`, 604800 on `launch`, 2592000 on `scale`",
    },
    { settings: ["neon.ownerRole"], description: "owns the database and runs the migrations" },
    {
      settings: ["neon.parentStack"],
      description: "the stack pull-request stacks branch from; `org/project/stack` for another project",
    },
    {
      settings: ["neon.adopt.projectId", "neon.adopt.branchId"],
      description:
        "a project that exists already, taken over with Pulumi's import: see [Adopting a Neon project](#adopting-a-neon-project)",
    },
  ],
  check: neonProblems,
});

function neonProblems(settings: NeonSettings, common: CommonSettings, source: ConfigSource): Problem[] {
  const problems: Problem[] = [];
  if (!(neonPostgresVersions as readonly number[]).includes(common.postgresVersion)) {
    problems.push({
      setting: "postgresVersion",
      message: `${common.postgresVersion} is not offered by Neon. Accepted values: ${neonPostgresVersions.join(", ")}.`,
    });
  }
  if (source.get(neonApiKeySetting) === undefined && !process.env.NEON_API_KEY) {
    problems.push({
      setting: neonApiKeySetting,
      message:
        "is required on platform neon: create an API key in the Neon console, then `pulumi config set --secret neon:apiKey <key>` (or export NEON_API_KEY).",
    });
  }
  if (common.ephemeral && isSameStack(settings.parentStack, source)) {
    problems.push({
      setting: "neon.parentStack",
      message: `${JSON.stringify(settings.parentStack)} is this stack: an ephemeral stack branches from another stack's Neon branch. Set it to the stack this one was copied from (default dev).`,
    });
  }
  if (settings.adopt) problems.push(...adoptionProblems(common, source));
  return problems;
}

/** An adopted project: never on an ephemeral stack, and with the fields the import compares stated, not defaulted. */
function adoptionProblems(common: CommonSettings, source: ConfigSource): Problem[] {
  if (common.ephemeral) {
    return [
      {
        setting: "neon.adopt",
        message:
          "is for the stack that owns the project (dev, prod): an ephemeral stack branches from its parent stack. Remove neon.adopt from this stack.",
      },
    ];
  }
  const stated = JSON.parse(source.get("neon") ?? "{}") as Record<string, unknown>;
  return neonAdoptionRequiredFields
    .filter((field) => stated[field] === undefined)
    .map((field) => ({
      setting: `neon.${field}`,
      message: `is required with neon.adopt: set it to the adopted project's ${field === "projectName" ? "name" : "region id"} as the Neon console shows it, since Pulumi refuses an import whose inputs differ from the live project.`,
    }));
}

function isSameStack(parentStack: string, source: ConfigSource): boolean {
  const parts = parentStack.split("/");
  if (parts.length === 1) return parentStack === source.stack;
  return parts.at(-1) === source.stack && parts.at(-2) === source.project;
}
