// The dynamic provider behind `ServerReplacementGuard`. Pulumi serializes this object with everything it references
// into the state (`__provider`), so it has no value imports: every fact its check needs is defined here.
import type * as pulumi from "@pulumi/pulumi";

/**
 * The settings whose change replaces the flexible server (or that Azure refuses to change in place), and why.
 * administratorLogin, availabilityZone and backup.geoRedundantBackup are `@visibility(Lifecycle.Read,
 * Lifecycle.Create)` in the 2025-08-01 API (azure-rest-api-specs, specification/postgresql/.../PostgreSQL/models.tsp,
 * ServerProperties and Backup), i.e. x-ms-mutability create-only, which azure-native turns into a replacement
 * (pulumi/pulumi-azure-native#137); the server name, resource group and region are part of the resource id. The
 * network mode cannot change after creation ("You can't change your networking option after the server is
 * created", learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking).
 */
const fixedAtCreation = {
  "azure-native:location": "the region is part of where the server lives",
  existingResourceGroupName: "the resource group is part of the server's resource id",
  serverName: "the server name is part of its resource id and host name",
  adminLogin: "Azure sets the administrator login at creation only",
  availabilityZone: "Azure sets the primary's zone at creation only",
  geoRedundantBackup: "Azure sets geo-redundant backup at creation only",
  networkAccess: "Azure fixes public or private access at creation",
  delegatedSubnetId: "Azure fixes the delegated subnet at creation",
} as const;

// Exported under another name: the provider refers to the local constant, which serialization captures by value
// (a reference through `exports` would capture the whole module).
export const settingsFixedAtCreation = fixedAtCreation;

export type FixedSetting = keyof typeof fixedAtCreation;

export interface ReplacementGuardInputs {
  /** Setting -> its value as configured ("" when unset). */
  settings: Record<string, string>;
  allowServerReplacement: boolean;
}

/** What the engine sends in place of a value that is not known yet (during preview). */
const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function shown(value: string | undefined): string {
  return value === undefined || value === "" ? "(unset)" : JSON.stringify(value);
}

/** The fixed settings whose value differs between the previous update (`olds`) and this one. */
export function changedFixedSettings(
  olds: Partial<ReplacementGuardInputs> | undefined,
  news: ReplacementGuardInputs,
): { setting: string; from: string; to: string; why: string }[] {
  const previous = olds?.settings;
  if (typeof previous !== "object" || previous === null) return [];
  const reasons: Record<string, string> = fixedAtCreation;
  return Object.keys(reasons)
    .filter((setting) => setting in previous && setting in news.settings)
    .filter((setting) => previous[setting] !== unknownValue && news.settings[setting] !== unknownValue)
    .filter((setting) => previous[setting] !== news.settings[setting])
    .map((setting) => ({
      setting,
      from: shown(previous[setting]),
      to: shown(news.settings[setting]),
      why: reasons[setting] ?? "",
    }));
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Fails the preview, before the server is touched, when a setting that replaces the server changed since the
 * last update and the user did not confirm it with allowServerReplacement. Never connects anywhere.
 */
export const replacementGuardProvider: pulumi.dynamic.ResourceProvider = {
  async check(olds: Partial<ReplacementGuardInputs>, news: ReplacementGuardInputs) {
    const changes = changedFixedSettings(olds, news);
    if (changes.length === 0 || news.allowServerReplacement === true) return { inputs: news, failures: [] };
    const list = changes.map((change) => `${change.setting} ${change.from} -> ${change.to} (${change.why})`).join("; ");
    return {
      inputs: news,
      failures: [
        {
          // No property: the engine then prints "<type> resource '<name>' has a problem: <reason>", without
          // dumping every recorded setting.
          property: "",
          reason:
            `this update would replace the PostgreSQL server: ${list}. Replacing creates a new, empty server and deletes ` +
            "the old one with all its data. Set the previous value again, or, if you mean it, confirm for this update " +
            "with `pulumi config set allowServerReplacement true` (and `pulumi config rm allowServerReplacement` " +
            "afterwards); see docs/azure.md#settings-fixed-at-creation.",
        },
      ],
    };
  },
  async diff(_id: string, olds: ReplacementGuardInputs, news: ReplacementGuardInputs) {
    return { changes: canonical(olds) !== canonical(news), replaces: [], deleteBeforeReplace: false };
  },
  async create(inputs: ReplacementGuardInputs) {
    return { id: "server-replacement-guard", outs: inputs };
  },
  async update(_id: string, _olds: ReplacementGuardInputs, news: ReplacementGuardInputs) {
    return { outs: news };
  },
  async delete() {},
};
