// Protection of long-lived Azure stacks under Pulumi mocks: the replacement guard the server waits for, Azure
// management locks and `protect` on the network with `protect: true`, and the high-availability standby's zone.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { settingsFixedAtCreation } from "../../infra/platforms/azure/replacement-guard";
import { configProblems } from "./config-problems";
import { byType, dependsOnTransitively, type Registration, runStack, single } from "./harness";
import { T } from "./resource-types";
import { projectDirectory, stackFileConfig } from "./stack-files";

const publicAzure: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
};
const generalPurpose = { skuTier: "GeneralPurpose", skuName: "Standard_D2ds_v5" };

describe("the replacement guard", () => {
  it("holds this update's fixed settings, and the server waits for its check", async () => {
    const { registrations } = await runStack("dev", { ...publicAzure, adminLogin: "dbowner", serverName: "pg-dev-1" });
    const guard = single(registrations, T.replacementGuard);
    expect(guard.inputs.settings).toEqual({
      "azure-native:location": "westeurope",
      existingResourceGroupName: "",
      serverName: "pg-dev-1",
      adminLogin: "dbowner",
      availabilityZone: "",
      geoRedundantBackup: "false",
      networkAccess: "public",
      delegatedSubnetId: "",
    });
    expect(Object.keys(guard.inputs.settings as object).sort()).toEqual(Object.keys(settingsFixedAtCreation).sort());
    expect(guard.inputs.allowServerReplacement).toBe(false);
    expect(single(registrations, T.server).dependencies).toContain(guard.urn);
  });

  it("passes the confirmation on, and records an existing network's subnet", async () => {
    const subnet =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/postgres";
    const zone =
      "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/privateDnsZones/app.private.postgres.database.azure.com";
    const { registrations } = await runStack("dev", {
      "azure-native:location": "westeurope",
      delegatedSubnetId: subnet,
      privateDnsZoneId: zone,
      allowServerReplacement: "true",
    });
    const guard = single(registrations, T.replacementGuard);
    expect(guard.inputs).toMatchObject({
      allowServerReplacement: true,
      settings: { networkAccess: "private", delegatedSubnetId: subnet },
    });
  });

  it("guards exactly the settings docs/azure.md lists as fixed at creation", () => {
    const page = readFileSync(path.join(projectDirectory, "docs", "azure.md"), "utf8");
    const section = /## Settings fixed at creation\n([\s\S]*?)\n## /.exec(page)?.[1] ?? "";
    const table = section.split("\n").filter((line) => line.startsWith("| `"));
    const listed = table.flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(listed.sort()).toEqual(Object.keys(settingsFixedAtCreation).sort());
  });

  it("is left out of ephemeral stacks, whose servers are thrown away anyway", async () => {
    const { registrations } = await runStack("pr-7", { ...stackFileConfig("dev"), "pgvector-stack:ephemeral": "true" });
    expect(byType(registrations, T.replacementGuard)).toEqual([]);
  });
});

describe("protect: true", () => {
  it("locks the server and the stack's resource group against deletion, with Azure locks", async () => {
    const { registrations } = await runStack("prod", stackFileConfig("prod"));
    const server = single(registrations, T.server);
    const serverLock = single(registrations, T.serverLock);
    expect(serverLock.inputs).toMatchObject({
      level: "CanNotDelete",
      scope: expect.stringMatching(/\/providers\/Microsoft\.DBforPostgreSQL\/flexibleServers\/postgres-server\w+$/),
    });
    expect(serverLock.dependencies).toContain(server.urn);
    const groupLock = single(registrations, T.resourceGroupLock);
    const group = single(registrations, T.resourceGroup);
    expect(groupLock.inputs).toMatchObject({ level: "CanNotDelete" });
    expect(groupLock.dependencies).toContain(group.urn);
    // Deleted before the server on destroy (after `protect: false`), or Azure refuses (ScopeLocked).
    for (const lock of [serverLock, groupLock])
      expect({ deletedWith: lock.deletedWith, protect: lock.protect }).toEqual({ deletedWith: "", protect: false });
  });

  it("protects the virtual network, the delegated subnet and the private DNS zone", async () => {
    const { registrations } = await runStack("prod", stackFileConfig("prod"));
    for (const type of [T.vnet, T.subnet, T.dnsZone]) expect(single(registrations, type).protect).toBe(true);
    // deployerInVnet: a private stack must say how Pulumi reaches its network.
    const unprotected = await runStack("dev", { "azure-native:location": "westeurope", deployerInVnet: "true" });
    for (const type of [T.vnet, T.subnet, T.dnsZone])
      expect(single(unprotected.registrations, type).protect).toBe(false);
  });

  it("locks only the server in an existing resource group, and nothing with managementLocks false", async () => {
    const existingGroup = await runStack("prod", {
      ...stackFileConfig("prod"),
      "pgvector-stack:existingResourceGroupName": "rg-shared",
    });
    expect(byType(existingGroup.registrations, T.resourceGroupLock)).toEqual([]);
    expect(byType(existingGroup.registrations, T.serverLock)).toHaveLength(1);

    const noLocks = await runStack("prod", { ...stackFileConfig("prod"), "pgvector-stack:managementLocks": "false" });
    expect([
      ...byType(noLocks.registrations, T.serverLock),
      ...byType(noLocks.registrations, T.resourceGroupLock),
    ]).toEqual([]);
    expect(single(noLocks.registrations, T.server).protect).toBe(true);
  });

  it("adds no lock to an unprotected stack", async () => {
    const { registrations } = await runStack("dev", stackFileConfig("dev"));
    expect([...byType(registrations, T.serverLock), ...byType(registrations, T.resourceGroupLock)]).toEqual([]);
  });
});

describe("high availability", () => {
  const server = async (config: Record<string, string>): Promise<Registration> =>
    single((await runStack("dev", { ...publicAzure, ...generalPurpose, ...config })).registrations, T.server);

  it("puts a zone-redundant standby in the configured zone, a same-zone one in the primary's", async () => {
    const zoneRedundant = await server({
      highAvailability: "ZoneRedundant",
      availabilityZone: "1",
      standbyAvailabilityZone: "3",
    });
    expect(zoneRedundant.inputs.highAvailability).toEqual({ mode: "ZoneRedundant", standbyAvailabilityZone: "3" });
    const sameZone = await server({ highAvailability: "SameZone", availabilityZone: "2" });
    expect(sameZone.inputs.highAvailability).toEqual({ mode: "SameZone", standbyAvailabilityZone: "2" });
    // After a failover Azure swaps the zones; the next update must not swap them back.
    expect(zoneRedundant.ignoreChanges).toContain("highAvailability.standbyAvailabilityZone");
  });

  it("refuses a standby zone that Microsoft's placement would not use", () => {
    const base = { ...publicAzure, ...generalPurpose };
    expect(configProblems({ ...base, highAvailability: "SameZone", standbyAvailabilityZone: "2" })).toEqual([
      expect.stringMatching(
        /^standbyAvailabilityZone: applies to highAvailability ZoneRedundant only \(it is SameZone/,
      ),
    ]);
    expect(
      configProblems({
        ...base,
        highAvailability: "ZoneRedundant",
        availabilityZone: "1",
        standbyAvailabilityZone: "1",
      }),
    ).toEqual([expect.stringMatching(/^standbyAvailabilityZone: "1" is the primary's zone/)]);
    expect(configProblems({ ...base, highAvailability: "ZoneRedundant", standbyAvailabilityZone: "4" })).toEqual([
      'standbyAvailabilityZone: "4" is not a zone. Accepted values: 1, 2 or 3.',
    ]);
  });

  it("keeps the standby in the server's own delegated subnet: no network of its own", async () => {
    const { registrations } = await runStack("prod", stackFileConfig("prod"));
    expect(byType(registrations, T.subnet)).toHaveLength(1);
    const subnet = single(registrations, T.subnet);
    expect(dependsOnTransitively(registrations, single(registrations, T.server), subnet)).toBe(true);
  });
});
