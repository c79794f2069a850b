import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";

const serverType = "azure-native:dbforpostgresql:Server";
/** Lock resources that take the locked resource's id (ManagementLockByScope) or its name and type. */
const resourceLockTypes = [
  "azure-native:authorization:ManagementLockByScope",
  "azure-native:authorization:ManagementLockAtResourceLevel",
];

function dependsOn(resource: PolicyResource, target: PolicyResource): boolean {
  return [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()].includes(target);
}

export const serverDeleteLock: StackValidationPolicy = {
  name: "postgres-server-delete-lock",
  description:
    "Every PostgreSQL flexible server has an Azure CanNotDelete management lock, which also holds against the portal and the CLI.",
  remediationSteps:
    "Create an authorization.ManagementLockByScope with level CanNotDelete and the server's id as scope " +
    "(the stack does with protect: true and managementLocks: true).",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const servers = args.resources.filter((resource) => resource.type === serverType);
    if (servers.length === 0) args.notApplicable("no Azure Database for PostgreSQL flexible server in this stack");
    const locks = args.resources.filter(
      (resource) => resourceLockTypes.includes(resource.type) && resource.props.level === "CanNotDelete",
    );
    for (const server of servers) {
      if (!locks.some((lock) => dependsOn(lock, server))) {
        reportViolation(
          `server "${server.name}" has no CanNotDelete management lock: Pulumi's protect stops \`pulumi destroy\`, ` +
            "but not a deletion in the portal or with the Azure CLI. Lock it (managementLocks: true with protect: true).",
          server.urn,
        );
      }
    }
  },
};
