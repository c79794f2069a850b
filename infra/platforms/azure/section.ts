import type { CommonSettings } from "../../config/common";
import type { PlatformSection } from "../../config/platform-section";
import { type Parsed, type Problem, problemsFromZod } from "../../config/problems";
import { listOf, settingsSchema } from "../../config/setting";
import type { ConfigSource } from "../../config/source";
import { adoptedAdminPasswordSetting, adoptedServerSettings, adoptionProblems } from "./adoption";
import { crossFieldProblems } from "./checks";
import { type AzureSettings, resolveAzureSettings } from "./config";
import { azurePostgresVersions } from "./offerings";
import { parseReadReplicas, readReplicasSetting } from "./read-replicas-config";
import { parseServerParameters, serverParametersSetting } from "./server-parameters";
import { azureSettings, locationSetting } from "./settings";
import { type SkuTier, skuProblem, skuTiers } from "./sku";

/** How the configuration loader reads the `azure` platform: the flat settings, the region, serverParameters and readReplicas. */
export const azureSection: PlatformSection<AzureSettings> = {
  settings: azureSettings,
  otherKeys: [locationSetting, serverParametersSetting, readReplicasSetting, adoptedAdminPasswordSetting],
  secretKeys: [adoptedAdminPasswordSetting],
  docs: "docs/azure.md#settings",
  parse: parseAzureSettings,
};

export function parseAzureSettings(source: ConfigSource, common: CommonSettings): Parsed<AzureSettings> {
  const rawValues = Object.fromEntries(Object.keys(azureSettings).map((key) => [key, source.get(key)]));
  const parsed = settingsSchema(azureSettings).safeParse(rawValues);
  const problems: Problem[] = parsed.success ? [] : problemsFromZod(parsed.error);
  const serverParameters = parseServerParameters(source.get(serverParametersSetting));
  if (!serverParameters.ok) problems.push(...serverParameters.problems);
  const location = source.get(locationSetting) ?? "";
  if (location.trim() === "") {
    problems.push({
      setting: locationSetting,
      message:
        "is not set; it is the Azure region of every resource. Set it: `pulumi config set azure-native:location westeurope`.",
    });
  }
  if (!(azurePostgresVersions as readonly number[]).includes(common.postgresVersion)) {
    problems.push({
      setting: "postgresVersion",
      message:
        `${common.postgresVersion} is not a PostgreSQL major version Azure Database for PostgreSQL flexible server ` +
        `creates. Accepted values: ${listOf(azurePostgresVersions)}.`,
    });
  }
  if (!parsed.success) return { ok: false, problems };
  problems.push(...crossFieldProblems(parsed.data, common), ...adoptionProblems(parsed.data, common, source));
  const readReplicas = parseReadReplicas(source.get(readReplicasSetting), {
    primaryLocation: location.trim(),
    primarySku: { tier: parsed.data.skuTier, name: parsed.data.skuName },
    tiers: skuTiers,
    skuProblem: (tier, name) => skuProblem(tier as SkuTier, name, "the replica's skuTier"),
    privateNetwork: parsed.data.networkAccess === "private",
  });
  if (!readReplicas.ok) problems.push(...readReplicas.problems);
  if (problems.length > 0 || !serverParameters.ok || !readReplicas.ok) return { ok: false, problems };
  const settings = {
    ...resolveAzureSettings(parsed.data, location.trim(), common, serverParameters.value),
    ...adoptedServerSettings(parsed.data, source),
  };
  // Pull-request stacks are thrown away: no replicas for them, whatever the copied configuration says.
  const replicas = common.ephemeral ? [] : readReplicas.value;
  if (parsed.data.clusterSize > 0 && replicas.length > 0) {
    return {
      ok: false,
      problems: [
        {
          setting: readReplicasSetting,
          message:
            "is not combined with clusterSize by this stack: an elastic cluster scales reads over its nodes (port 7432). Remove readReplicas, or set clusterSize to 0.",
        },
      ],
    };
  }
  return {
    ok: true,
    value: {
      ...settings,
      ...(replicas.length > 0 && { readReplicas: replicas }),
      // Kept on pull-request stacks too: their migrations call Citus functions.
      ...(parsed.data.clusterSize > 0 && { clusterSize: parsed.data.clusterSize }),
    },
  };
}
