import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { parameterName } from "./tls";

const serverType = "azure-native:dbforpostgresql:Server";
const configurationType = "azure-native:dbforpostgresql:Configuration";
const extensionType = "postgresql:index/extension:Extension";

/** The extensions an azure.extensions Configuration allows, lower-cased: "VECTOR, pg_trgm" → vector, pg_trgm. */
export function allowlistedExtensions(value: unknown): Set<string> {
  return new Set(
    String(value ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ""),
  );
}

/** Every resource `resource` depends on, directly or through other resources. */
function dependencyClosure(resource: PolicyResource): Set<PolicyResource> {
  const seen = new Set<PolicyResource>();
  const pending = [resource];
  while (pending.length > 0) {
    const current = pending.pop() as PolicyResource;
    const next = [...current.dependencies, ...Object.values(current.propertyDependencies).flat()];
    for (const dependency of next) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        pending.push(dependency);
      }
    }
  }
  return seen;
}

export const extensionAllowlisted: StackValidationPolicy = {
  name: "postgres-extension-allowlisted",
  description:
    "On Azure, every postgresql.Extension (vector) is in the azure.extensions allowlist Configuration it depends on.",
  remediationSteps:
    'Add the extension to the value of the dbforpostgresql.Configuration "azure.extensions" and pass that ' +
    "Configuration in the Extension's dependsOn, so Azure allows CREATE EXTENSION before it runs.",
  severity: "high",
  validateStack: (args, reportViolation) => {
    if (!args.resources.some((resource) => resource.type === serverType)) {
      args.notApplicable("no Azure Database for PostgreSQL flexible server in this stack (no allowlist needed)");
    }
    const allowlists = args.resources.filter(
      (resource) =>
        resource.type === configurationType && parameterName(resource.props, resource.name) === "azure.extensions",
    );
    for (const extension of args.resources.filter((resource) => resource.type === extensionType)) {
      const name = String(extension.props.name ?? extension.name).toLowerCase();
      const dependencies = dependencyClosure(extension);
      const ordered = allowlists.filter((allowlist) => dependencies.has(allowlist));
      if (ordered.length === 0) {
        reportViolation(
          `Extension "${name}" (${extension.name}) does not depend on an azure.extensions Configuration` +
            (allowlists.length === 0 ? " (the stack has none)" : "") +
            ": Azure rejects CREATE EXTENSION for extensions missing from the allowlist, and without the dependency " +
            "Pulumi may create the extension first. Add the Configuration to the Extension's dependsOn.",
          extension.urn,
        );
        continue;
      }
      const allowed = ordered.some((allowlist) => allowlistedExtensions(allowlist.props.value).has(name));
      if (!allowed) {
        const values = ordered.map((allowlist) => `"${allowlist.props.value ?? ""}"`).join(", ");
        reportViolation(
          `Extension "${name}" (${extension.name}) is not in the azure.extensions allowlist it depends on (${values}): add "${name}" to its value.`,
          extension.urn,
        );
      }
    }
  },
};
