import type { Problem } from "../../config/problems";
import { quote } from "../../config/setting";
import { parseCidr } from "./ipv4";
import { sameResourceId } from "./resource-ids";
import { type AzureSettingValues, isSet } from "./settings";

/** The rules of private access: a network of the stack's own or one brought whole, and a path for Pulumi into it. */
export function privateNetworkProblems(values: AzureSettingValues): Problem[] {
  const problems: Problem[] = [];
  if (values.firewallRules.length > 0 || values.allowAzureServices || values.allowAllIpAddresses) {
    const setting =
      values.firewallRules.length > 0
        ? "firewallRules"
        : values.allowAzureServices
          ? "allowAzureServices"
          : "allowAllIpAddresses";
    problems.push({
      setting,
      message:
        "applies to networkAccess public only: a private server has no public endpoint. Unset it or set networkAccess to public.",
    });
  }
  const bringOwn = values.delegatedSubnetId !== "" || values.privateDnsZoneId !== "";
  if (bringOwn) {
    if (values.delegatedSubnetId === "" || values.privateDnsZoneId === "") {
      const missing = values.delegatedSubnetId === "" ? "delegatedSubnetId" : "privateDnsZoneId";
      problems.push({
        setting: missing,
        message: "is required too: an existing network needs both delegatedSubnetId and privateDnsZoneId.",
      });
    }
    if (values.delegatedSubnetId !== "" && !/\/subnets\/[^/]+$/i.test(values.delegatedSubnetId)) {
      problems.push({
        setting: "delegatedSubnetId",
        message: `${quote(values.delegatedSubnetId)} is not a subnet resource id (/subscriptions/.../virtualNetworks/<vnet>/subnets/<subnet>).`,
      });
    }
    if (
      values.privateDnsZoneId !== "" &&
      !/\/privateDnsZones\/[^/]+\.postgres\.database\.azure\.com$/i.test(values.privateDnsZoneId)
    ) {
      problems.push({
        setting: "privateDnsZoneId",
        message: `${quote(values.privateDnsZoneId)} is not the resource id of a private DNS zone ending in .postgres.database.azure.com.`,
      });
    }
    for (const key of ["peerVnetId", "dnsZoneLinkVnetIds"] as const) {
      if (isSet(values[key])) {
        problems.push({
          setting: key,
          message:
            "applies to the network the stack creates; with delegatedSubnetId and privateDnsZoneId, peer your network and link your DNS zone yourself. Unset it.",
        });
      }
    }
    return problems;
  }
  problems.push(...deployerPathProblems(values));
  const vnet = parseCidr(values.vnetAddressPrefix);
  const subnet = parseCidr(values.subnetAddressPrefix);
  if (vnet.ok && subnet.ok && (subnet.first < vnet.first || subnet.last > vnet.last)) {
    problems.push({
      setting: "subnetAddressPrefix",
      message: `${quote(values.subnetAddressPrefix)} is not inside vnetAddressPrefix ${quote(values.vnetAddressPrefix)}.`,
    });
  }
  return problems;
}

/**
 * Pulumi itself connects to the private server (extensions, migrations, roles), so the network it runs in needs a
 * route to the stack's virtual network and a link to its private DNS zone: peering does not carry the zone
 * (learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private, "Private DNS zone and virtual
 * network peering"). Without either, the server is created and the first connection fails.
 */
function deployerPathProblems(values: AzureSettingValues): Problem[] {
  const problems: Problem[] = [];
  if (values.peerVnetId === "" && !values.deployerInVnet) {
    problems.push({
      setting: "peerVnetId",
      message:
        "is not set, and nothing else connects the machine running Pulumi to the private network this stack creates: " +
        "the server would be created, then Pulumi could neither resolve nor reach it to create the extensions. Choose one: " +
        "(1) Pulumi runs inside the stack's virtual network (or reaches it through a route you manage): set deployerInVnet to true; " +
        "(2) Pulumi runs in a hub or CI runner network: set peerVnetId to its resource id (peered both ways, DNS zone linked); " +
        "(3) bring your own network: set delegatedSubnetId and privateDnsZoneId. See docs/azure.md#private-access.",
    });
  }
  const seen: string[] = values.peerVnetId === "" ? [] : [values.peerVnetId];
  values.dnsZoneLinkVnetIds.forEach((id, index) => {
    if (seen.some((other) => sameResourceId(other, id))) {
      problems.push({
        setting: `dnsZoneLinkVnetIds[${index}]`,
        message: `${quote(id)} is listed twice (or is peerVnetId, whose network is linked already); remove it.`,
      });
    }
    seen.push(id);
  });
  return problems;
}
