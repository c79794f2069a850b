import { vectorExtension } from "../../config/extensions";

/** The server parameter that lists the extensions CREATE EXTENSION may install on Azure. */
export const extensionsParameter = "azure.extensions";

/**
 * The value of `azure.extensions`: `vector` and every given extension, spelled as Azure Resource Manager spells them
 * in the parameter's `allowedValues` and returns them on read (lower-case: ",address_standardizer,...,uuid-ossp,vector",
 * Azure/azure-rest-api-specs .../examples/2025-06-01-preview/ConfigurationsListByServer.json), de-duplicated and
 * sorted by code point, the order of `allowedValues`, so that neither case nor order shows as a change after a
 * refresh. Comma-separated without spaces. (Upper-case names, as the portal shows them, are accepted too: the
 * service compares names without regard to case.)
 */
export function azureExtensionsAllowlist(...lists: readonly (readonly string[])[]): string {
  const names = new Set([vectorExtension, ...lists.flat()].map((name) => name.trim().toLowerCase()));
  names.delete("");
  return [...names].sort().join(",");
}
