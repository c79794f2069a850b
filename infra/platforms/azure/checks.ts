import type { CommonSettings } from "../../config/common";
import type { Problem } from "../../config/problems";
import { quote } from "../../config/setting";
import { publicNetworkProblems } from "./firewall";
import { privateNetworkProblems } from "./private-access-checks";
import type { AzureSettingValues } from "./settings";
import { skuProblem } from "./sku";

/** The rules that span several Azure settings (and the common ones). */
export function crossFieldProblems(values: AzureSettingValues, common: CommonSettings): Problem[] {
  const problems: Problem[] = [];
  const tier = values.skuTier;
  const sizeProblem = skuProblem(tier, values.skuName);
  if (sizeProblem) problems.push({ setting: "skuName", message: sizeProblem });
  if (values.highAvailability !== "Disabled" && tier === "Burstable") {
    problems.push({
      setting: "highAvailability",
      message: `${quote(values.highAvailability)} needs the GeneralPurpose or MemoryOptimized tier; Burstable servers have no high availability. Set highAvailability to Disabled or change skuTier.`,
    });
  }
  if (values.entraTenantId !== "" && !values.entraAuth) {
    problems.push({
      setting: "entraTenantId",
      message: "is set but entraAuth is false; set entraAuth to true or unset it.",
    });
  }
  problems.push(...standbyZoneProblems(values), ...entraProblems(values));
  // "PgBouncer is supported on General Purpose and Memory Optimized compute tiers" (learn.microsoft.com/azure/
  // postgresql/flexible-server/concepts-pgbouncer); ephemeral stacks, always Burstable, switch it off instead.
  if (values.pgbouncer && tier === "Burstable" && !common.ephemeral) {
    problems.push({
      setting: "pgbouncer",
      message:
        "needs the GeneralPurpose or MemoryOptimized tier: Azure offers no built-in PgBouncer on Burstable. Set pgbouncer to false or change skuTier.",
    });
  }
  problems.push(
    ...(values.networkAccess === "public" ? publicNetworkProblems(values) : privateNetworkProblems(values)),
  );
  return problems;
}

/** Microsoft's placement: SameZone puts the standby in the primary's zone, ZoneRedundant in another one. */
function standbyZoneProblems(values: AzureSettingValues): Problem[] {
  const standby = values.standbyAvailabilityZone;
  if (standby === "") return [];
  const setting = "standbyAvailabilityZone";
  if (values.highAvailability !== "ZoneRedundant") {
    return [
      {
        setting,
        message: `applies to highAvailability ZoneRedundant only (it is ${values.highAvailability}; SameZone puts the standby in the primary's zone). Unset it or set highAvailability to ZoneRedundant.`,
      },
    ];
  }
  if (standby === values.availabilityZone) {
    return [
      {
        setting,
        message: `${quote(standby)} is the primary's zone (availabilityZone); a zone-redundant standby lives in another zone. Choose another zone, or unset it to let Azure choose.`,
      },
    ];
  }
  return [];
}

function entraProblems(values: AzureSettingValues): Problem[] {
  const problems: Problem[] = [];
  const admin = values.entraAdminObjectId !== "" || values.entraAdminName !== "";
  if (admin && !values.entraAuth) {
    const setting = values.entraAdminObjectId !== "" ? "entraAdminObjectId" : "entraAdminName";
    problems.push({ setting, message: "is set but entraAuth is false; set entraAuth to true or unset it." });
  } else if (values.entraAdminObjectId !== "" && values.entraAdminName.trim() === "") {
    problems.push({
      setting: "entraAdminName",
      message:
        "is required with entraAdminObjectId: the name the administrator signs in with (e.g. dba@contoso.com or the group's name).",
    });
  } else if (values.entraAdminName !== "" && values.entraAdminObjectId === "") {
    problems.push({
      setting: "entraAdminObjectId",
      message:
        "is required with entraAdminName: the object id of that user, group or service principal (az ad user show --id <name> --query id).",
    });
  }
  if (values.entraOnly) {
    const message = !values.entraAuth
      ? "needs entraAuth true and an Entra administrator (entraAdminObjectId, entraAdminName)."
      : values.entraAdminObjectId === ""
        ? "needs an Entra administrator (entraAdminObjectId, entraAdminName): without one and without passwords nobody can sign in."
        : "is not supported by this stack: the postgresql provider and the migrations sign in with the administrator password, " +
          "which Entra-only sign-in switches off. Keep entraOnly false (passwords stay on beside Entra) until they connect with Entra tokens.";
    problems.push({ setting: "entraOnly", message });
  }
  return problems;
}
