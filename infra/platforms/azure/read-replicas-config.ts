// The structured setting `readReplicas`: Azure read replicas of the primary, each in its own or the primary's
// region, with its own compute size.
import { z } from "zod";
import { type Problem, problemsFromZod, settingPath } from "../../config/problems";
import { listOf, quote } from "../../config/setting";

export const readReplicasSetting = "readReplicas";

/** "You can replicate from the primary server to up to five replicas" (learn.microsoft.com/azure/postgresql/flexible-server/concepts-read-replicas). */
export const maxReadReplicas = 5;

export interface ReadReplicaSettings {
  /** Azure region; default the primary's. */
  location?: string;
  /** Default the primary's compute. */
  sku?: { tier: string; name: string };
}

const replicaSchema = z.strictObject({
  location: z
    .string()
    .regex(/^[a-z0-9]+$/, "must be an Azure region name such as westeurope")
    .optional(),
  skuTier: z.string().min(1).optional(),
  skuName: z.string().min(1).optional(),
});

const replicasSchema = z
  .array(replicaSchema)
  .max(maxReadReplicas, `Azure allows at most ${maxReadReplicas} read replicas of a server`);

export type ParsedReadReplicas = { ok: true; value: ReadReplicaSettings[] } | { ok: false; problems: Problem[] };

export interface ReplicaContext {
  primaryLocation: string;
  primarySku: { tier: string; name: string };
  /** The compute tiers Azure offers. */
  tiers: readonly string[];
  /** Private access: a replica must share the primary's virtual network, hence its region. */
  privateNetwork: boolean;
  /** Why `name` is not a compute size of `tier`, or undefined. */
  skuProblem(tier: string, name: string): string | undefined;
}

/** The raw setting (a JSON list, as Pulumi stores it) -> the replicas, or problems naming readReplicas[i].field. */
export function parseReadReplicas(raw: string | undefined, context: ReplicaContext): ParsedReadReplicas {
  if (raw === undefined || raw.trim() === "") return { ok: true, value: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed)) {
    return {
      ok: false,
      problems: [
        {
          setting: readReplicasSetting,
          message:
            "is not a list of replicas. Set it with `pulumi config set --path 'readReplicas[0].location' westeurope` " +
            "(an empty object {} is a replica like the primary), or write a YAML list in the stack file.",
        },
      ],
    };
  }
  const result = replicasSchema.safeParse(parsed);
  if (!result.success) {
    return {
      ok: false,
      problems: problemsFromZod(result.error, (path) => settingPath(readReplicasSetting, path)),
    };
  }
  const problems: Problem[] = [];
  const value = result.data.map((entry, index): ReadReplicaSettings => {
    const setting = `${readReplicasSetting}[${index}]`;
    const tier = entry.skuTier ?? context.primarySku.tier;
    if (!context.tiers.includes(tier)) {
      problems.push({
        setting: `${setting}.skuTier`,
        message: `${quote(tier)} is not a compute tier. Accepted values: ${listOf(context.tiers)}.`,
      });
      return {};
    }
    const name = entry.skuName ?? (entry.skuTier === undefined ? context.primarySku.name : undefined);
    if (name === undefined) {
      problems.push({ setting: `${setting}.skuName`, message: `is required with skuTier ${quote(tier)}.` });
    } else {
      const skuProblem = context.skuProblem(tier, name);
      if (skuProblem) problems.push({ setting: `${setting}.skuName`, message: skuProblem });
    }
    const location = entry.location ?? context.primaryLocation;
    if (context.privateNetwork && location !== context.primaryLocation) {
      problems.push({
        setting: `${setting}.location`,
        message:
          `${quote(location)} is not the primary's region (${quote(context.primaryLocation)}): with networkAccess private the ` +
          "replicas share the primary's virtual network, which lives in one region. Remove location, or use networkAccess public.",
      });
    }
    return {
      ...(location !== context.primaryLocation && { location }),
      ...(name !== undefined && { sku: { tier, name } }),
    };
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
