// Taking over a flexible server made outside Pulumi (`az postgres flexible-server create`, the portal): the stack
// registers the server and its database with Pulumi's `import` option, so the first `pulumi up` manages them
// instead of creating new ones. See docs/azure.md#adopting-an-existing-server.
import type { CommonSettings } from "../../config/common";
import type { Problem } from "../../config/problems";
import { text } from "../../config/setting";
import type { ConfigSource } from "../../config/source";

/** The secret setting with the adopted server's administrator password, which Azure never reveals. */
export const adoptedAdminPasswordSetting = "azureAdminPassword";

/** /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name> */
const flexibleServerIdPattern =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/([^/]+)$/i;

export interface FlexibleServerId {
  id: string;
  resourceGroupName: string;
  serverName: string;
}

export function parseFlexibleServerId(id: string): FlexibleServerId | undefined {
  const match = flexibleServerIdPattern.exec(id.trim());
  if (!match) return undefined;
  const [, , resourceGroupName, serverName] = match as unknown as [string, string, string, string];
  return { id: id.trim(), resourceGroupName, serverName };
}

export const adoptServerIdSetting = text({
  default: "",
  description:
    "Resource id of an existing flexible server to take over with Pulumi's import (with its database); its group and name come from the id. Needs the secret azureAdminPassword.",
  check: (value) =>
    parseFlexibleServerId(value)
      ? undefined
      : `${JSON.stringify(value)} is not a flexible server resource id (/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.DBforPostgreSQL/flexibleServers/<name>); \`az postgres flexible-server show --query id\` prints it.`,
});

/** The adopted server, once the settings are valid. */
export interface AzureAdoption {
  server: FlexibleServerId;
  /** The administrator password Azure has (secret setting azureAdminPassword); the stack never changes it. */
  adminPassword: string;
}

/** What the settings a server import depends on must be: the group and the name agree with the id. */
export interface AdoptionValues {
  adoptServerId: string;
  existingResourceGroupName: string;
  serverName: string;
  networkAccess: string;
  delegatedSubnetId: string;
}

export function adoptionProblems(values: AdoptionValues, common: CommonSettings, source: ConfigSource): Problem[] {
  if (values.adoptServerId === "") {
    return source.get(adoptedAdminPasswordSetting) === undefined
      ? []
      : [
          {
            setting: adoptedAdminPasswordSetting,
            message:
              "is only read with adoptServerId (a server the stack takes over); a server the stack creates gets a generated password. Remove it: `pulumi config rm azureAdminPassword`.",
          },
        ];
  }
  const server = parseFlexibleServerId(values.adoptServerId);
  if (!server) return [];
  const problems: Problem[] = [];
  if (common.ephemeral) {
    problems.push({
      setting: "adoptServerId",
      message:
        "takes over a long-lived server, which an ephemeral stack would delete on teardown. Remove it from this stack; pull-request stacks get a server of their own.",
    });
  }
  const fromId: [keyof AdoptionValues, string, string][] = [
    ["existingResourceGroupName", server.resourceGroupName, "resource group"],
    ["serverName", server.serverName, "server name"],
  ];
  for (const [setting, expected, what] of fromId) {
    const value = values[setting];
    if (value !== "" && value.toLowerCase() !== expected.toLowerCase()) {
      problems.push({
        setting,
        message: `${JSON.stringify(value)} is not the ${what} of adoptServerId (${JSON.stringify(expected)}); unset it, the id decides.`,
      });
    }
  }
  if (values.networkAccess === "private" && values.delegatedSubnetId === "") {
    problems.push({
      setting: "networkAccess",
      message:
        "is private, which makes the stack create a network, but an adopted server keeps the network it was created in: set delegatedSubnetId and privateDnsZoneId to the server's own, or networkAccess to public if it has public access.",
    });
  }
  if (source.get(adoptedAdminPasswordSetting) === undefined) {
    problems.push({
      setting: adoptedAdminPasswordSetting,
      message:
        "is required with adoptServerId: Azure never reveals the administrator password, and the stack connects as the administrator to create the extension and run the migrations. `pulumi config set --secret azureAdminPassword <password>`.",
    });
  }
  return problems;
}

/** The adopted server's settings: the group and the name of its id. */
export function adoptedServerSettings(values: Pick<AdoptionValues, "adoptServerId">, source: ConfigSource) {
  const server = parseFlexibleServerId(values.adoptServerId);
  if (!server) return undefined;
  const adoption: AzureAdoption = { server, adminPassword: source.get(adoptedAdminPasswordSetting) ?? "" };
  return { existingResourceGroupName: server.resourceGroupName, serverName: server.serverName, adopt: adoption };
}

/**
 * Import ids of what the stack takes over: the server, and the database by its ARM id (azure-native's import id is
 * the resource id). The allow-list is not imported: `azure.extensions` exists on every server, created or not, and
 * the stack writes its value as it does on a new one.
 */
export function azureImportIds(server: FlexibleServerId, databaseName: string) {
  return { server: server.id, database: `${server.id}/databases/${databaseName}` };
}
