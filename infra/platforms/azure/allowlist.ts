import { vectorExtension } from "../../config/extensions";

/** The server parameter that lists the extensions CREATE EXTENSION may install on Azure. */
export const extensionsParameter = "azure.extensions";

/**
 * The value of `azure.extensions`: `vector` and every given extension, upper-case as the Azure portal writes them
 * (the service compares names without regard to case), de-duplicated and sorted so the order never shows as a
 * change. Comma-separated without spaces, as the parameter's allowed values are written.
 */
export function azureExtensionsAllowlist(...lists: readonly (readonly string[])[]): string {
  const names = new Set([vectorExtension, ...lists.flat()].map((name) => name.trim().toUpperCase()));
  names.delete("");
  return [...names].sort().join(",");
}
