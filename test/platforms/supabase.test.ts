import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configProblems } from "../infra/config-problems";
import { byType, generatedPasswords, plainTextLeaks, runStack, single } from "../infra/harness";

const ref = "abcdefghijklmnopqrst";
const password = "Supabase-Db-Pw-1";
const secretKeys = ["supabaseDbPassword"];
const pooler = "aws-0-eu-central-1.pooler.supabase.com";
const direct = {
  platform: "supabase",
  supabase: JSON.stringify({ projectRef: ref, connection: "direct" }),
  supabaseDbPassword: password,
};
const byDefault = { ...direct, supabase: JSON.stringify({ projectRef: ref, poolerHost: pooler }) };

// The CI rule reads CI from the environment: every test here states it.
let savedCi: string | undefined;
beforeEach(() => {
  savedCi = process.env.CI;
  delete process.env.CI;
});
afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
});

const problems = (config: Record<string, string>, secrets = secretKeys) =>
  configProblems(config, { secretKeys: secrets });

describe("supabase settings", () => {
  it.each([
    [{ platform: "supabase" }, ["supabase.projectRef: ", "supabaseDbPassword: is required on platform supabase"]],
    [
      { ...direct, supabase: JSON.stringify({ projectRef: "ABC", connection: "direct" }) },
      ["supabase.projectRef: must be a Supabase project ref"],
    ],
    [
      { ...direct, supabase: JSON.stringify({ projectRef: ref, connection: "session-pooler" }) },
      ["supabase.poolerHost: is required when supabase.connection is session-pooler"],
    ],
    [
      { ...direct, supabase: JSON.stringify({ projectRef: ref, connection: "transaction-pooler" }) },
      ['supabase.connection: "transaction-pooler" is not accepted. Accepted values: direct or session-pooler.'],
    ],
    [
      {
        ...direct,
        supabase: JSON.stringify({ projectRef: ref, connection: "session-pooler", poolerHost: "evil.example.com" }),
      },
      ["supabase.poolerHost: must be a Supabase pooler host"],
    ],
    [
      { ...direct, supabase: JSON.stringify({ projectRef: ref, password }) },
      ["supabase.password: holds a secret in plain text"],
    ],
    [{ ...direct, ephemeral: "true" }, ["ephemeral: is true, but platform supabase references one existing project"]],
    [
      { ...direct, supabase: JSON.stringify({ projectRef: ref }) },
      ["supabase.poolerHost: is required when supabase.connection is session-pooler (the default)"],
    ],
  ])("rejects %j", (config, expected) => {
    const found = problems(config);
    expect(found).toHaveLength(expected.length);
    for (const [index, message] of expected.entries()) expect(found[index]).toContain(message);
    expect(found.join("\n")).not.toContain(password);
  });

  it("refuses direct in CI, where GitHub-hosted runners have no IPv6, unless the project has the IPv4 add-on", () => {
    process.env.CI = "true";
    expect(problems(direct)).toEqual([
      expect.stringContaining(
        "supabase.connection: is direct, but this runs in CI (CI=true): db.<ref>.supabase.co is IPv6-only",
      ),
    ]);
    const withAddOn = {
      ...direct,
      supabase: JSON.stringify({ projectRef: ref, connection: "direct", ipv4AddOn: true }),
    };
    expect(problems(withAddOn)).toEqual([]);
    expect(problems(byDefault)).toEqual([]);
    delete process.env.CI;
    expect(problems(direct)).toEqual([]);
  });

  it("refuses the database password in plain text in the stack file", () => {
    expect(problems(direct, [])).toEqual([
      expect.stringContaining("supabaseDbPassword: holds a secret but is stored in plain text"),
    ]);
  });
});

describe("an existing Supabase project by reference", () => {
  it("creates nothing at the platform level and connects to db.<ref>.supabase.co as postgres when asked", async () => {
    const { registrations, outputs } = await runStack("dev", direct, { secretKeys });
    // Only the shared layer: its provider, the extension, the migrations and the app role with its grants.
    expect(new Set(registrations.filter((r) => r.custom).map((r) => r.type))).toEqual(
      new Set([
        "pulumi:providers:postgresql",
        "postgresql:index/extension:Extension",
        "pulumi-nodejs:dynamic/pgvector:Migrations",
        "random:index/randomPassword:RandomPassword",
        "postgresql:index/role:Role",
        "postgresql:index/grant:Grant",
        "postgresql:index/defaultPrivileges:DefaultPrivileges",
      ]),
    );
    const provider = single(registrations, "pulumi:providers:postgresql");
    expect(provider.inputs).toMatchObject({
      host: `db.${ref}.supabase.co`,
      port: "5432",
      database: "postgres",
      username: "postgres",
      password,
      sslmode: "require",
    });
    expect(outputs.supabaseProjectRef).toEqual({ value: ref, secret: false });
    expect(outputs.adminConnectionString).toEqual({
      value: `postgresql://postgres:${password}@db.${ref}.supabase.co:5432/postgres?sslmode=require`,
      secret: true,
    });
  });

  it("connects through the session pooler as postgres.<ref> by default", async () => {
    const config = byDefault;
    const { registrations, outputs } = await runStack("dev", config, { secretKeys });
    expect(single(registrations, "pulumi:providers:postgresql").inputs).toMatchObject({
      host: pooler,
      port: "5432",
      username: `postgres.${ref}`,
      // The role the login stands for: the provider names it in REASSIGN OWNED ... TO when it drops the app role.
      databaseUsername: "postgres",
    });
    // The app role logs in through the same pooler, so its login carries the project ref too; the direct string
    // goes to the project's own server, where role names log in as they are.
    const appUser = String(single(registrations, "postgresql:index/role:Role").inputs.name);
    expect(outputs.appConnectionString).toEqual({
      value: expect.stringMatching(
        new RegExp(`^postgresql://${appUser}\\.${ref}:[^@]+@${pooler}:5432/postgres\\?sslmode=require$`),
      ),
      secret: true,
    });
    expect(outputs.appDirectConnectionString).toEqual({
      value: expect.stringMatching(
        new RegExp(`^postgresql://${appUser}:[^@]+@db\\.${ref}\\.supabase\\.co:5432/postgres\\?sslmode=require$`),
      ),
      secret: true,
    });
    // Default privileges are for the tables the admin role creates: postgres, not the pooler's login name.
    const owners = byType(registrations, "postgresql:index/defaultPrivileges:DefaultPrivileges").map(
      (d) => d.inputs.owner,
    );
    expect(owners).toEqual(["postgres", "postgres"]);
  });

  it("gives the app role the search path public, extensions, so that its queries resolve vector too", async () => {
    const { registrations } = await runStack("dev", direct, { secretKeys });
    expect(single(registrations, "postgresql:index/role:Role").inputs).toMatchObject({
      login: true,
      searchPaths: ["public", "extensions"],
    });
  });

  it("creates vector in the extensions schema and gives the migrations the search path public, extensions", async () => {
    const { registrations } = await runStack("dev", direct, { secretKeys });
    const extension = single(registrations, "postgresql:index/extension:Extension");
    expect(extension.inputs).toEqual({ name: "vector", database: "postgres", schema: "extensions" });
    const migrations = single(registrations, "pulumi-nodejs:dynamic/pgvector:Migrations");
    expect(migrations.inputs).toMatchObject({
      searchPath: ["public", "extensions"],
      platform: "supabase",
      requiredExtensions: ["vector"],
    });
    expect(migrations.dependencies).toContain(extension.urn);
    expect(single(registrations, "postgresql:index/role:Role").dependencies).toContain(migrations.urn);
    // The project outlives the stack: nothing inside it is assumed to go with anything.
    expect(byType(registrations, "postgresql:index/extension:Extension")[0]?.deletedWith).toBe("");
  });

  it("keeps the database password and the generated app password out of every registered input", async () => {
    generatedPasswords.length = 0;
    const { registrations, outputs } = await runStack("dev", direct, { secretKeys });
    expect(generatedPasswords).toHaveLength(1);
    expect(plainTextLeaks(registrations, [password, ...generatedPasswords])).toEqual([]);
    expect(outputs.appConnectionString?.secret).toBe(true);
  });

  it("has no read endpoint: appReadOnlyConnectionString is appConnectionString, the same output shape as every platform", async () => {
    const { outputs } = await runStack("dev", direct, { secretKeys });
    expect(outputs.appReadOnlyConnectionString).toEqual(outputs.appConnectionString);
    expect(outputs.appReadOnlyTarget?.value).toBe("primary");
  });
});
