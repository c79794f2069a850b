// Taking over a flexible server made with `az postgres flexible-server create` (adoptServerId), under Pulumi mocks:
// the server and its database are registered with the `import` option and their ARM ids, nothing that would
// replace them is created, and the settings an import depends on are checked before anything is registered.
import { describe, expect, it } from "vitest";
import { configProblems } from "./config-problems";
import { byType, isSecretWrapper, plainTextLeaks, type Registration, runStack, single } from "./harness";
import { T } from "./resource-types";

const serverId =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-legacy/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-legacy";
const adminPassword = "the-password-the-team-set-0";

const adopted: Record<string, string> = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
  adoptServerId: serverId,
  adminLogin: "pgadmin",
  azureAdminPassword: adminPassword,
};
const secretKeys = ["azureAdminPassword"];

/** The generated administrator password (the app role's has a password of its own). */
const adminPasswords = (registrations: readonly Registration[]) =>
  byType(registrations, T.password).filter((registration) => registration.name.endsWith("-admin-password"));

describe("adoptServerId: an existing server the stack imports", () => {
  it("imports the server and its database by resource id, in the id's group and under the id's name", async () => {
    const { registrations } = await runStack("dev", adopted, { secretKeys });
    const server = single(registrations, T.server);
    expect(server.importId).toBe(serverId);
    expect(server.inputs).toMatchObject({ resourceGroupName: "rg-legacy", serverName: "pg-legacy" });
    const database = single(registrations, T.database);
    expect(database.importId).toBe(`${serverId}/databases/app`);
    expect(database.inputs).toMatchObject({ resourceGroupName: "rg-legacy", databaseName: "app" });
  });

  it("creates no resource group and no password: the group is the server's, the password the one it has", async () => {
    const { registrations } = await runStack("dev", adopted, { secretKeys });
    expect(byType(registrations, T.resourceGroup)).toEqual([]);
    expect(adminPasswords(registrations)).toEqual([]);
    const server = single(registrations, T.server);
    // Azure never returns the password: an import compared on it would fail, and the stack never rotates it.
    expect(server.ignoreChanges).toContain("administratorLoginPassword");
    expect(isSecretWrapper(server.serialized.administratorLoginPassword)).toBe(true);
    expect(server.inputs.administratorLoginPassword).toBe(adminPassword);
    const provider = single(registrations, T.provider);
    expect(provider.inputs).toMatchObject({ username: "pgadmin", password: adminPassword });
    expect(isSecretWrapper(provider.serialized.password)).toBe(true);
    expect(plainTextLeaks(registrations, [adminPassword])).toEqual([]);
  });

  it("imports nothing else: the allow-list and the firewall rules are written as on a new server", async () => {
    const { registrations } = await runStack("dev", adopted, { secretKeys });
    const imported = registrations.filter((registration) => registration.importId !== "").map((r) => r.type);
    expect(imported.sort()).toEqual([T.database, T.server].sort());
    expect(byType(registrations, T.configuration).map((r) => r.inputs.configurationName)).toContain("azure.extensions");
  });

  it("imports nothing without adoptServerId", async () => {
    const { adoptServerId: _, azureAdminPassword: __, ...created } = adopted;
    const { registrations } = await runStack("dev", created);
    expect(registrations.filter((registration) => registration.importId !== "")).toEqual([]);
    expect(adminPasswords(registrations)).toHaveLength(1);
  });
});

describe("adoptServerId: settings refused before anything is registered", () => {
  const problems = (config: Record<string, string>, options: { stack?: string; secretKeys?: string[] } = {}) =>
    configProblems({ ...adopted, ...config }, { secretKeys, ...options });

  it("accepts the adopted server's settings", () => {
    expect(problems({})).toEqual([]);
    expect(problems({ existingResourceGroupName: "rg-legacy", serverName: "pg-legacy" })).toEqual([]);
  });

  it("refuses an id that is not a flexible server's, saying how to print it", () => {
    expect(problems({ adoptServerId: "pg-legacy" })).toEqual([
      expect.stringMatching(
        /^adoptServerId: "pg-legacy" is not a flexible server resource id .*az postgres flexible-server show --query id/,
      ),
    ]);
  });

  it("refuses a group or a name that disagrees with the id", () => {
    expect(problems({ existingResourceGroupName: "rg-other", serverName: "pg-other" })).toEqual([
      'existingResourceGroupName: "rg-other" is not the resource group of adoptServerId ("rg-legacy"); unset it, the id decides.',
      'serverName: "pg-other" is not the server name of adoptServerId ("pg-legacy"); unset it, the id decides.',
    ]);
  });

  it("needs the administrator password, encrypted, and never quotes it", () => {
    const { azureAdminPassword: _, ...withoutPassword } = adopted;
    expect(configProblems(withoutPassword, { secretKeys })).toEqual([
      expect.stringContaining("azureAdminPassword: is required with adoptServerId: Azure never reveals"),
    ]);
    const plain = problems({}, { secretKeys: [] });
    expect(plain).toEqual([expect.stringContaining("azureAdminPassword: holds a secret but is stored in plain text")]);
    expect(plain.join("\n")).not.toContain(adminPassword);
  });

  it("refuses azureAdminPassword on a stack that creates its server", () => {
    expect(problems({ adoptServerId: "" })).toEqual([
      expect.stringContaining("azureAdminPassword: is only read with adoptServerId"),
    ]);
  });

  it("refuses an ephemeral stack, which would delete the adopted server on teardown", () => {
    expect(problems({ ephemeral: "true" }, { stack: "pr-7" })).toEqual([
      expect.stringContaining("adoptServerId: takes over a long-lived server, which an ephemeral stack would delete"),
    ]);
  });

  it("refuses a private network the stack would create: the server keeps the network it has", () => {
    expect(problems({ networkAccess: "private", deployerInVnet: "true", firewallRules: "[]" })).toEqual([
      expect.stringContaining("networkAccess: is private, which makes the stack create a network"),
    ]);
  });
});
