/** Azure Resource Manager names and resource ids, as the settings take them. */
import { quote } from "../../config/setting";

/** 1-90 letters, digits, - _ . ( ), not ending with a period (Microsoft.Resources naming rules). */
export const resourceGroupNamePattern = /^[-\w.()]{0,89}[-\w()]$/;

export const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 2-64 letters, digits, _ . -, starting with a letter or digit and ending with one or _ (Microsoft.Network naming rules). */
const virtualNetworkNamePattern = /^[A-Za-z0-9][\w.-]{0,62}\w$/;

export interface VirtualNetworkId {
  /** The id as given. */
  id: string;
  subscriptionId: string;
  resourceGroupName: string;
  name: string;
}

const virtualNetworkIdShape =
  "/subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>";

/** "/subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<name>" -> its parts. */
export function parseVirtualNetworkId(text: string): VirtualNetworkId | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)$/i.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, subscriptionId = "", resourceGroupName = "", name = ""] = match;
  if (!guidPattern.test(subscriptionId) || !resourceGroupNamePattern.test(resourceGroupName)) return undefined;
  if (!virtualNetworkNamePattern.test(name)) return undefined;
  return { id: text.trim(), subscriptionId, resourceGroupName, name };
}

export function virtualNetworkIdProblem(value: string): string | undefined {
  return parseVirtualNetworkId(value)
    ? undefined
    : `${quote(value)} is not a virtual network resource id (${virtualNetworkIdShape}; \`az network vnet show -g <group> -n <name> --query id\`).`;
}

/** ARM ids compare without regard to case. */
export function sameResourceId(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
