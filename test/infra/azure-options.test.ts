// The Azure settings the stack files do not use, under Pulumi mocks: what each one changes in the registered
// resources, and the connectivity edge of the postgresql provider for every network mode.
import { describe, expect, it } from "vitest";
import { azureServicesRuleName } from "../../infra/platforms/azure/server";
import { byType, type Registration, runStack, single } from "./harness";
import { T } from "./resource-types";
import { stackFileConfig } from "./stack-files";

const publicAzure: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
};

const subnetId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/postgres";
const dnsZoneId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/privateDnsZones/app.private.postgres.database.azure.com";

const networkTypes = [T.networkComponent, T.vnet, T.subnet, T.dnsZone, T.dnsLink];

describe("resource group", () => {
  it("is created for the stack by default", async () => {
    const { registrations } = await runStack("dev", publicAzure);
    const group = single(registrations, T.resourceGroup);
    expect(single(registrations, T.server).dependencies).toContain(group.urn);
  });

  it("is an existing one with existingResourceGroupName, which the stack neither creates nor deletes", async () => {
    const { registrations, outputs } = await runStack("dev", {
      ...publicAzure,
      existingResourceGroupName: "rg-shared",
    });
    expect(byType(registrations, T.resourceGroup)).toEqual([]);
    for (const type of [T.server, T.firewallRule, T.configuration, T.database]) {
      for (const registration of byType(registrations, type)) {
        expect(registration.inputs.resourceGroupName).toBe("rg-shared");
      }
    }
    expect(outputs.resourceGroupName?.value).toBe("rg-shared");
  });
});

describe("sign-in", () => {
  it("accepts passwords only by default", async () => {
    const { registrations } = await runStack("dev", publicAzure);
    expect(single(registrations, T.server).inputs.authConfig).toMatchObject({
      passwordAuth: "Enabled",
      activeDirectoryAuth: "Disabled",
    });
  });

  it("adds Microsoft Entra ID with entraAuth, in the configured tenant, and keeps passwords for Pulumi", async () => {
    const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    const { registrations } = await runStack("dev", { ...publicAzure, entraAuth: "true", entraTenantId: tenantId });
    expect(single(registrations, T.server).inputs.authConfig).toEqual({
      passwordAuth: "Enabled",
      activeDirectoryAuth: "Enabled",
      tenantId,
    });
  });
});

describe("public access", () => {
  it("adds Azure's 0.0.0.0 rule only with allowAzureServices, and the provider waits for it too", async () => {
    const { registrations } = await runStack("dev", { ...publicAzure, allowAzureServices: "true" });
    const rules = byType(registrations, T.firewallRule);
    expect(rules.map((rule) => rule.inputs)).toEqual([
      expect.objectContaining({ firewallRuleName: "office" }),
      expect.objectContaining({
        firewallRuleName: azureServicesRuleName,
        startIpAddress: "0.0.0.0",
        endIpAddress: "0.0.0.0",
      }),
    ]);
    const provider = single(registrations, T.provider);
    for (const rule of rules) expect(provider.dependencies).toContain(rule.urn);

    const withoutIt = await runStack("dev", publicAzure);
    expect(byType(withoutIt.registrations, T.firewallRule).map((rule) => rule.inputs.firewallRuleName)).toEqual([
      "office",
    ]);
  });
});

describe("private access", () => {
  it("creates the network first, and the postgresql provider waits for the DNS zone's link to it", async () => {
    const { registrations } = await runStack("prod", stackFileConfig("prod"));
    const link = single(registrations, T.dnsLink, "postgres-network-dns-link");
    expect(single(registrations, T.server).dependencies).toContain(link.urn);
    expect(single(registrations, T.provider).dependencies).toContain(link.urn);
  });

  it("uses an existing delegated subnet and private DNS zone as they are, creating no network", async () => {
    const { registrations } = await runStack("dev", {
      "azure-native:location": "westeurope",
      delegatedSubnetId: subnetId,
      privateDnsZoneId: dnsZoneId,
    });
    expect(networkTypes.flatMap((type) => byType(registrations, type))).toEqual([]);
    expect(single(registrations, T.server).inputs.network).toEqual({
      publicNetworkAccess: "Disabled",
      delegatedSubnetResourceId: subnetId,
      privateDnsZoneArmResourceId: dnsZoneId,
    });
    expect(byType(registrations, T.firewallRule)).toEqual([]);
  });
});

describe("server options", () => {
  const server = async (config: Record<string, string>): Promise<Registration> =>
    single((await runStack("dev", { ...publicAzure, ...config })).registrations, T.server);

  it("lets Azure choose the zone and the maintenance window unless they are set", async () => {
    const chosen = await server({});
    // azure-native sends "" for an unset zone: Azure then chooses.
    expect(chosen.inputs.availabilityZone).toBe("");
    expect(chosen.ignoreChanges).toContain("availabilityZone");
    expect(chosen.inputs.maintenanceWindow).toMatchObject({ customWindow: "Disabled" });

    const pinned = await server({ availabilityZone: "2", maintenanceWindow: "Sat 23:45" });
    expect(pinned.inputs.availabilityZone).toBe("2");
    expect(pinned.ignoreChanges).not.toContain("availabilityZone");
    expect(pinned.inputs.maintenanceWindow).toEqual({
      customWindow: "Enabled",
      dayOfWeek: 6,
      startHour: 23,
      startMinute: 45,
    });
  });

  it("keeps storageSizeGb under Pulumi's control when auto-grow is off", async () => {
    const fixed = await server({ storageAutoGrow: "false", storageSizeGb: "128" });
    expect(fixed.inputs.storage).toEqual({ storageSizeGB: 128, autoGrow: "Disabled" });
    expect(fixed.ignoreChanges).not.toContain("storage.storageSizeGB");
  });

  it("uses the configured server name and administrator login", async () => {
    const named = await server({ serverName: "pgvector-dev-weu", adminLogin: "dbowner" });
    expect(named.inputs).toMatchObject({ serverName: "pgvector-dev-weu", administratorLogin: "dbowner" });
  });
});
