import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";

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
  tags?: Record<string, string>;
  /** Protect the network, the subnet and the DNS zone from deletion: the server cannot live without them. */
  protect?: boolean;
}

/**
 * A virtual network with a subnet delegated to PostgreSQL flexible server, and the private DNS zone (linked to
 * the network) in which the server registers its private address. Peer this network with the one your
 * applications (and the machine running Pulumi) live in.
 */
export class AzurePrivateNetwork extends pulumi.ComponentResource {
  readonly virtualNetwork: network.VirtualNetwork;
  readonly subnet: network.Subnet;
  readonly dnsZone: privatedns.PrivateZone;
  /** The server must be created after this link: Azure resolves the server's name through it. */
  readonly dnsZoneLink: privatedns.VirtualNetworkLink;
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
      // The subnet is its own resource; without this the network would remove it on every update.
      { ...kept, ignoreChanges: ["subnets"] },
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
    this.subnetId = this.subnet.id;
    this.privateDnsZoneId = this.dnsZone.id;
    this.registerOutputs({ subnetId: this.subnetId, privateDnsZoneId: this.privateDnsZoneId });
  }
}
