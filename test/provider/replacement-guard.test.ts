// The guard that stops an update from replacing the Azure server: its check, called directly and through the SDK's
// dynamic-provider host as `pulumi preview` drives it (the previous inputs come from the state as `olds`).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ReplacementGuardInputs,
  replacementGuardProvider,
  settingsFixedAtCreation,
} from "../../infra/platforms/azure/replacement-guard-provider";
import { createTestProject, type TestProject } from "./support/program";
import { DiffChanges, type ProviderHost, startProviderHost } from "./support/provider-host";
import { loadCompiledProvider, serializeAsTheSdkDoes } from "./support/serialized-provider";

const settings: ReplacementGuardInputs["settings"] = {
  "azure-native:location": "westeurope",
  existingResourceGroupName: "",
  serverName: "",
  adminLogin: "pgadmin",
  availabilityZone: "",
  geoRedundantBackup: "false",
  networkAccess: "public",
  delegatedSubnetId: "",
};
const inputs = (overrides: Record<string, string> = {}, allowServerReplacement = false): ReplacementGuardInputs => ({
  settings: { ...settings, ...overrides },
  allowServerReplacement,
});
const check = async (olds: object, news: ReplacementGuardInputs) =>
  (await replacementGuardProvider.check?.(olds, news))?.failures ?? [];

describe("check", () => {
  it("lets the first update through: there is nothing to compare with", async () => {
    expect(await check({}, inputs({ adminLogin: "dbowner" }))).toEqual([]);
  });

  it("lets an update through that keeps every fixed setting", async () => {
    expect(await check(inputs(), inputs())).toEqual([]);
  });

  it.each(Object.keys(settingsFixedAtCreation))(
    "fails when %s changes, naming the setting, both values and the way out",
    async (setting) => {
      const failures = await check(inputs(), inputs({ [setting]: "changed-value" }));
      expect(failures).toHaveLength(1);
      const reason = failures[0]?.reason ?? "";
      expect(reason).toContain(
        `${setting} ${JSON.stringify(settings[setting]) === '""' ? "(unset)" : JSON.stringify(settings[setting])} -> "changed-value"`,
      );
      expect(reason).toContain("would replace the PostgreSQL server");
      expect(reason).toContain("pulumi config set allowServerReplacement true");
    },
  );

  it("lists every changed setting at once", async () => {
    const failures = await check(inputs(), inputs({ adminLogin: "dbowner", networkAccess: "private" }));
    expect(failures[0]?.reason).toMatch(/adminLogin "pgadmin" -> "dbowner".*networkAccess "public" -> "private"/);
  });

  it("lets a confirmed change through with allowServerReplacement", async () => {
    expect(await check(inputs(), inputs({ adminLogin: "dbowner" }, true))).toEqual([]);
  });

  it("ignores settings the previous state did not record (a guard from an older version)", async () => {
    const { adminLogin: _recordedLater, ...older } = settings;
    expect(await check({ settings: older, allowServerReplacement: false }, inputs({ adminLogin: "dbowner" }))).toEqual(
      [],
    );
  });
});

describe("the guard in the SDK's dynamic-provider host", () => {
  let project: TestProject;
  let host: ProviderHost;
  let serializedProvider: string;
  const withProvider = (value: ReplacementGuardInputs) => ({ ...value, __provider: serializedProvider });

  beforeAll(async () => {
    project = createTestProject("replacement-guard");
    const compiled = loadCompiledProvider(
      join(project.dir, ".compiled"),
      "infra/platforms/azure/replacement-guard-provider.ts",
      "replacementGuardProvider",
    );
    serializedProvider = (await serializeAsTheSdkDoes(compiled)).text;
    host = await startProviderHost(project.programDir);
    await host.configure();
  });

  afterAll(async () => {
    await host?.stop();
    project?.cleanup();
  });

  it("fails the preview's check on an unconfirmed change, and passes once it is confirmed", async () => {
    const created = await host.create(withProvider(inputs()));
    expect(created.properties.settings).toEqual(settings);

    const refused = await host.check(withProvider(inputs()), withProvider(inputs({ adminLogin: "dbowner" })));
    expect(refused.failures).toEqual([
      { property: "", reason: expect.stringContaining('adminLogin "pgadmin" -> "dbowner"') },
    ]);

    const confirmed = withProvider(inputs({ adminLogin: "dbowner" }, true));
    expect((await host.check(withProvider(inputs()), confirmed)).failures).toEqual([]);
    const diff = await host.diff(created.id, withProvider(inputs()), confirmed);
    expect(diff).toMatchObject({ changes: DiffChanges.DIFF_SOME, replaces: [] });
    expect((await host.diff(created.id, withProvider(inputs()), withProvider(inputs()))).changes).toBe(
      DiffChanges.DIFF_NONE,
    );
  });
});
