import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { highAvailabilityModes } from "./server";

const serverType = "azure-native:dbforpostgresql:Server";
const virtualEndpointType = "azure-native:dbforpostgresql:VirtualEndpoint";

function isReplica(server: PolicyResource): boolean {
  return server.props.createMode === "Replica";
}

function isHighlyAvailable(server: PolicyResource): boolean {
  const mode = (server.props.highAvailability as { mode?: unknown } | undefined)?.mode;
  return typeof mode === "string" && (highAvailabilityModes as readonly string[]).includes(mode);
}

/**
 * A read endpoint (virtual endpoint) promises a second server: without a read replica it points at the primary, and
 * reads and writes fail together. Either a replica or a standby (high availability) must be there.
 */
export const readEndpointRedundancy: StackValidationPolicy = {
  name: "postgres-read-endpoint-redundancy",
  description:
    "A stack with a read endpoint (Azure virtual endpoint) has at least one read replica, or high availability on the primary.",
  remediationSteps:
    "Set azure.readReplicas to at least one replica, or highAvailability to ZoneRedundant (or SameZone), or remove the read endpoint.",
  severity: "high",
  validateStack: (args, reportViolation) => {
    const endpoints = args.resources.filter((resource) => resource.type === virtualEndpointType);
    if (endpoints.length === 0) args.notApplicable("no read endpoint (virtual endpoint) in this stack");
    const servers = args.resources.filter((resource) => resource.type === serverType);
    if (servers.some(isReplica) || servers.some((server) => !isReplica(server) && isHighlyAvailable(server))) return;
    for (const endpoint of endpoints) {
      reportViolation(
        `read endpoint "${endpoint.name}" has no read replica behind it and the primary has no high availability: ` +
          "its reads go to the primary and fail with it. Add a read replica (azure.readReplicas) or turn on high availability.",
        endpoint.urn,
      );
    }
  },
};
