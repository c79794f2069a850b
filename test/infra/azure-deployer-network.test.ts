// How the machine running Pulumi reaches a private server: the settings (deployerInVnet, peerVnetId,
// dnsZoneLinkVnetIds), their validation before any resource exists, and the peerings and DNS zone links they create.
// Azure: "peering does not carry the private DNS zone": a client network needs its own link to the zone
// (learn.microsoft.com/azure/postgresql/flexible-server/concepts-networking-private).
import { describe, expect, it } from "vitest";
import { createStack } from "../../infra/program";
import { loadStackConfig } from "../../infra/stack-config";
import { configProblems } from "./config-problems";
import { byType, dependsOnTransitively, type Registration, runStack, runWithMocks, single } from "./harness";
import { T } from "./resource-types";

const hubId =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub";
const appsId =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-apps/providers/Microsoft.Network/virtualNetworks/vnet-apps";
const subnetId = `${hubId}/subnets/postgres`;
const dnsZoneId =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/app.private.postgres.database.azure.com";

const privateAzure = { "azure-native:location": "westeurope" };

describe("a private stack must say how Pulumi reaches its network", () => {
  it("refuses a created network nothing connects to, naming the three ways", () => {
    const problems = configProblems(privateAzure);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^peerVnetId: is not set, and nothing else connects the machine running Pulumi/);
    for (const option of [
      "set deployerInVnet to true",
      "set peerVnetId to its resource id",
      "delegatedSubnetId and privateDnsZoneId",
    ]) {
      expect(problems[0]).toContain(option);
    }
  });

  it("accepts each of the three", () => {
    expect(configProblems({ ...privateAzure, deployerInVnet: "true" })).toEqual([]);
    expect(configProblems({ ...privateAzure, peerVnetId: hubId })).toEqual([]);
    expect(configProblems({ ...privateAzure, delegatedSubnetId: subnetId, privateDnsZoneId: dnsZoneId })).toEqual([]);
  });

  it("stops the program before any resource is registered", async () => {
    let thrown: unknown;
    const run = await runWithMocks("prod", privateAzure, () => {
      try {
        return createStack(loadStackConfig());
      } catch (error) {
        thrown = error;
        return {};
      }
    });
    expect((thrown as Error).message).toContain("pgvector-stack:peerVnetId: is not set");
    expect(run.registrations).toEqual([]);
  });
});

describe("the deployer network settings are checked", () => {
  it("takes virtual network resource ids only, naming the setting and the item", () => {
    expect(
      configProblems({
        ...privateAzure,
        peerVnetId: "vnet-hub",
        dnsZoneLinkVnetIds: JSON.stringify([appsId, subnetId]),
      }),
    ).toEqual([
      expect.stringMatching(
        /^peerVnetId: "vnet-hub" is not a virtual network resource id \(\/subscriptions\/<subscription id>\//,
      ),
      expect.stringMatching(
        /^dnsZoneLinkVnetIds\[1\]: ".*\/subnets\/postgres" is not a virtual network resource id \(/,
      ),
    ]);
    const notGuid = hubId.replace("11111111-2222-3333-4444-555555555555", "my-subscription");
    expect(configProblems({ ...privateAzure, peerVnetId: notGuid })).toEqual([
      expect.stringMatching(/^peerVnetId: ".*" is not a virtual network resource id/),
    ]);
  });

  it("refuses a network listed twice, in any case", () => {
    expect(
      configProblems({
        ...privateAzure,
        peerVnetId: hubId,
        dnsZoneLinkVnetIds: JSON.stringify([appsId, hubId.toUpperCase()]),
      }),
    ).toEqual([expect.stringMatching(/^dnsZoneLinkVnetIds\[1\]: ".*" is listed twice \(or is peerVnetId/)]);
  });

  it("applies to the network the stack creates, with private access only", () => {
    expect(
      configProblems({ ...privateAzure, delegatedSubnetId: subnetId, privateDnsZoneId: dnsZoneId, peerVnetId: hubId }),
    ).toEqual([expect.stringMatching(/^peerVnetId: applies to the network the stack creates; with delegatedSubnetId/)]);
    const publicAzure = {
      ...privateAzure,
      networkAccess: "public",
      firewallRules: JSON.stringify(["ci=198.51.100.7"]),
    };
    expect(configProblems({ ...publicAzure, peerVnetId: hubId, deployerInVnet: "true" })).toEqual([
      "deployerInVnet: applies to networkAccess private only; unset it or set networkAccess to private.",
      "peerVnetId: applies to networkAccess private only; unset it or set networkAccess to private.",
    ]);
  });
});

describe("peerVnetId and dnsZoneLinkVnetIds", () => {
  const peered = () =>
    runStack("prod", { ...privateAzure, peerVnetId: hubId, dnsZoneLinkVnetIds: JSON.stringify([appsId]) });

  it("peers the stack's network with the runner's, in both directions", async () => {
    const { registrations: r } = await peered();
    const vnet = single(r, T.vnet);
    const toPeer = single(r, T.peering, "postgres-network-peering-to-peer");
    const fromPeer = single(r, T.peering, "postgres-network-peering-from-peer");
    expect(toPeer.inputs).toMatchObject({
      virtualNetworkName: vnet.inputs.virtualNetworkName ?? expect.any(String),
      remoteVirtualNetwork: { id: hubId },
      allowVirtualNetworkAccess: true,
      useRemoteGateways: false,
    });
    expect(toPeer.dependencies).toContain(vnet.urn);
    // The peer's side lives in the peer's resource group, on the peer's network, pointing back at the stack's.
    expect(fromPeer.inputs).toMatchObject({
      resourceGroupName: "rg-hub",
      virtualNetworkName: "vnet-hub",
      remoteVirtualNetwork: { id: expect.stringContaining("/Microsoft.Network/virtualNetworks/") },
      allowVirtualNetworkAccess: true,
    });
    expect(fromPeer.dependencies).toContain(vnet.urn);
  });

  it("links the private DNS zone to the stack's network, the runner's and the listed ones", async () => {
    const { registrations: r } = await peered();
    const zone = single(r, T.dnsZone);
    const links = byType(r, T.dnsLink);
    const linked = links.map((link) => (link.inputs.virtualNetwork as { id: string }).id);
    expect(linked).toHaveLength(3);
    expect(linked).toEqual(
      expect.arrayContaining([expect.stringContaining("/virtualNetworks/postgres-network-vnet"), hubId, appsId]),
    );
    for (const link of links) {
      expect(link.dependencies).toContain(zone.urn);
      expect(link.inputs).toMatchObject({ registrationEnabled: false, location: "Global" });
      expect(String(link.inputs.virtualNetworkLinkName ?? "").length).toBeLessThanOrEqual(80);
    }
  });

  it("creates the server, and connects to it, only once the deployer's path exists", async () => {
    const { registrations: r } = await peered();
    const server = single(r, T.server);
    const provider = single(r, T.provider);
    const path: Registration[] = [...byType(r, T.peering), ...byType(r, T.dnsLink)];
    expect(path).toHaveLength(5);
    for (const resource of path) {
      expect({ resource: resource.name, server: server.dependencies.includes(resource.urn) }).toEqual({
        resource: resource.name,
        server: true,
      });
      expect({ resource: resource.name, provider: dependsOnTransitively(r, provider, resource) }).toEqual({
        resource: resource.name,
        provider: true,
      });
    }
  });

  it("adds nothing when Pulumi runs inside the stack's network", async () => {
    const { registrations: r } = await runStack("prod", { ...privateAzure, deployerInVnet: "true" });
    expect(byType(r, T.peering)).toEqual([]);
    expect(byType(r, T.dnsLink).map((link) => link.name)).toEqual(["postgres-network-dns-link"]);
  });
});
