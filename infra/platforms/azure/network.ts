import { createHash } from "node:crypto";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import { parseVirtualNetworkId, sameResourceId, type VirtualNetworkId } from "./resource-ids";

/** The service a subnet must be delegated to before a flexible server can be placed in it. */
export const flexibleServerDelegation = "Microsoft.DBforPostgreSQL/flexibleServers";

export interface AzurePrivateNetworkArgs {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Address space of the virtual network, e.g. "10.42.0.0/16". */
  vnetAddressPrefix: string;
  /** The subnet delegated to the server, inside vnetAddressPrefix, e.g. "10.42.0.0/24". */
  subnetAddressPrefix: string;
  /** Name of the private DNS zone; Azure requires it to end in ".postgres.database.azure.com". */
  dnsZoneName: string;
  /**
   * Resource id of the network Pulumi (or anything else that must reach the server) runs in: the two networks are
   * peered in both directions and the DNS zone is linked to it. The address spaces must not overlap.
   */
  peerVirtualNetworkId?: string;
  /** More networks to link the DNS zone to, so that their clients resolve the server's name. */
  dnsZoneLinkVirtualNetworkIds?: readonly string[];
  tags?: Record<string, string>;
  /** Protect the network, the subnet and the DNS zone from deletion: the server cannot live without them. */
  protect?: boolean;
}

/**
 * A virtual network with a subnet delegated to PostgreSQL flexible server, and the private DNS zone (linked to
 * the network) in which the server registers its private address. With `peerVirtualNetworkId`, the network is
 * peered with that one in both directions and the zone is linked to it too: peering alone does not make the zone
 * resolvable from the peer.
 */
export class AzurePrivateNetwork extends pulumi.ComponentResource {
  readonly virtualNetwork: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly dnsZone: privatedns.PrivateZone;
  /** The server must be created after this link: Azure resolves the server's name through it. */
  readonly dnsZoneLink: privatedns.VirtualNetworkLink;
  /** The zone's links to the peer and the other configured networks. */
  readonly otherDnsZoneLinks: privatedns.VirtualNetworkLink[];
  /** This network -> the peer, and the peer -> this network (created in the peer's resource group). */
  readonly peerings: network.VirtualNetworkPeering[];
  /** Everything a client outside this network needs before it can resolve and reach the server. */
  readonly clientPathResources: pulumi.Resource[];
  readonly subnetId: pulumi.Output<string>;
  readonly privateDnsZoneId: pulumi.Output<string>;

  constructor(name: string, args: AzurePrivateNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:azure:PrivateNetwork", name, {}, opts);
    if (!args.dnsZoneName.toLowerCase().endsWith(".postgres.database.azure.com")) {
      throw new Error(
        `AzurePrivateNetwork: dnsZoneName "${args.dnsZoneName}" must end in .postgres.database.azure.com.`,
      );
    }
    const parent = { parent: this };
    const kept = { parent: this, protect: args.protect ?? false };
    this.virtualNetwork = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.vnetAddressPrefix] },
        tags: args.tags,
      },
      // Subnets and peerings are resources of their own; without this the network would remove them on updates.
      { ...kept, ignoreChanges: ["subnets", "virtualNetworkPeerings"] },
    );
    this.subnet = new network.Subnet(
      `${name}-subnet`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.virtualNetwork.name,
        addressPrefix: args.subnetAddressPrefix,
        delegations: [{ name: "postgres-flexible-server", serviceName: flexibleServerDelegation }],
      },
      // A high-availability standby lives in this same subnet (Microsoft's design for private access), so
      // nothing more is created for it.
      kept,
    );
    this.dnsZone = new privatedns.PrivateZone(
      `${name}-dns`,
      {
        resourceGroupName: args.resourceGroupName,
        privateZoneName: args.dnsZoneName,
        location: "Global",
        tags: args.tags,
      },
      kept,
    );
    this.dnsZoneLink = new privatedns.VirtualNetworkLink(
      `${name}-dns-link`,
      {
        resourceGroupName: args.resourceGroupName,
        privateZoneName: this.dnsZone.name,
        virtualNetwork: { id: this.virtualNetwork.id },
        registrationEnabled: false,
        location: "Global",
        tags: args.tags,
      },
      parent,
    );
    const peer = args.peerVirtualNetworkId === undefined ? undefined : vnetId(args.peerVirtualNetworkId);
    const linked = [...(peer ? [peer] : []), ...(args.dnsZoneLinkVirtualNetworkIds ?? []).map(vnetId)].filter(
      (vnet, index, all) => all.findIndex((other) => sameResourceId(other.id, vnet.id)) === index,
    );
    this.otherDnsZoneLinks = linked.map(
      (vnet) =>
        new privatedns.VirtualNetworkLink(
          `${name}-dns-link-${vnet.resourceGroupName}-${vnet.name}`.toLowerCase(),
          {
            resourceGroupName: args.resourceGroupName,
            privateZoneName: this.dnsZone.name,
            virtualNetworkLinkName: linkName(vnet),
            virtualNetwork: { id: vnet.id },
            registrationEnabled: false,
            location: "Global",
            tags: args.tags,
          },
          parent,
        ),
    );
    const peeringSettings = {
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
    };
    this.peerings = peer
      ? [
          new network.VirtualNetworkPeering(
            `${name}-peering-to-peer`,
            {
              ...peeringSettings,
              resourceGroupName: args.resourceGroupName,
              virtualNetworkName: this.virtualNetwork.name,
              virtualNetworkPeeringName: `to-${peer.name}`,
              remoteVirtualNetwork: { id: peer.id },
            },
            parent,
          ),
          // On the peer's side, named after this network (whose name is unique) so that each stack has its own.
          new network.VirtualNetworkPeering(
            `${name}-peering-from-peer`,
            {
              ...peeringSettings,
              resourceGroupName: peer.resourceGroupName,
              virtualNetworkName: peer.name,
              virtualNetworkPeeringName: this.virtualNetwork.name,
              remoteVirtualNetwork: { id: this.virtualNetwork.id },
            },
            parent,
          ),
        ]
      : [];
    this.clientPathResources = [this.dnsZoneLink, ...this.otherDnsZoneLinks, ...this.peerings];
    this.subnetId = this.subnet.id;
    this.privateDnsZoneId = this.dnsZone.id;
    this.registerOutputs({ subnetId: this.subnetId, privateDnsZoneId: this.privateDnsZoneId });
  }
}

function vnetId(text: string): VirtualNetworkId {
  const parsed = parseVirtualNetworkId(text);
  if (!parsed) throw new Error(`AzurePrivateNetwork: "${text}" is not a virtual network resource id.`);
  return parsed;
}

/** A link name unique per network (names repeat across resource groups), within the 80 characters ARM allows. */
function linkName(vnet: VirtualNetworkId): string {
  const hash = createHash("sha256").update(vnet.id.toLowerCase()).digest("hex").slice(0, 8);
  return `${vnet.name.slice(0, 64)}-${hash}`;
}
