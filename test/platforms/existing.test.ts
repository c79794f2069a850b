import { describe, expect, it } from "vitest";
import { appRoleNameFor, stackScopedName } from "../../infra/config";
import { resolveExistingConnection } from "../../infra/platforms/existing";
import { existingSettingsSchema } from "../../infra/platforms/existing/config";
import { configProblems } from "../infra/config-problems";
import { byType, generatedPasswords, plainTextLeaks, runStack, single } from "../infra/harness";
import { stackFileConfig } from "../infra/stack-files";

const password = "Sh4red-Server-Pw";
const url = `postgres://pgadmin:${password}@db.internal.example.com:6432/maintenance?sslmode=verify-full`;
const shared = {
  platform: "existing",
  existing: JSON.stringify({ host: "db.internal.example.com", user: "pgadmin" }),
  existingPassword: password,
};
const secretKeys = ["existingPassword", "existingUrl"];

const problems = (config: Record<string, string>, stack = "dev") => configProblems(config, { stack, secretKeys });

describe("connection settings", () => {
  it("takes host, port, user, password, maintenance database and sslmode from the URL secret", () => {
    expect(resolveExistingConnection(existingSettingsSchema.parse({ url }))).toEqual({
      host: "db.internal.example.com",
      port: 6432,
      user: "pgadmin",
      password,
      maintenanceDatabase: "maintenance",
      sslmode: "verify-full",
    });
  });

  it("lets discrete settings override the URL, and defaults to port 5432, database postgres, sslmode require", () => {
    const settings = existingSettingsSchema.parse({
      url: "postgresql://u%40x:p%2Fw@[::1]/",
      host: "pg.example.com",
      port: 5433,
    });
    expect(resolveExistingConnection(settings)).toEqual({
      host: "pg.example.com",
      port: 5433,
      user: "u@x",
      password: "p/w",
      maintenanceDatabase: "postgres",
      sslmode: "require",
    });
    expect(resolveExistingConnection(existingSettingsSchema.parse({ url: "postgres://u@[::1]/" })).host).toBe("::1");
    // Read as the engine reads it: an unencoded "%" or space in the password is taken as written.
    const unencoded = existingSettingsSchema.parse({ url: "postgres://u:p%ss w@db.example.com/app" });
    expect(resolveExistingConnection(unencoded)).toMatchObject({ password: "p%ss w", maintenanceDatabase: "app" });
  });

  it("accepts a server without a password (trust authentication, the local PGlite database)", () => {
    const settings = existingSettingsSchema.parse({ host: "127.0.0.1", user: "postgres" });
    expect(resolveExistingConnection(settings).password).toBeUndefined();
  });

  it.each([
    [
      { platform: "existing" },
      ["existing.host: is required when the secret existingUrl is not set", "existing.user: is required"],
    ],
    [
      { ...shared, existingUrl: "mysql://u:Secret@h/db" },
      ['existingUrl: has scheme "mysql:"; expected postgres:// or postgresql://'],
    ],
    [{ ...shared, existingUrl: "not a url Secret" }, ["existingUrl: is not a valid URL"]],
    [
      { ...shared, existingUrl: "postgres://u:1234/Secret@h/db" },
      ['existingUrl: cannot be read: there is an "@" after the first "/"'],
    ],
    [
      { ...shared, existingUrl: "postgres://u:Secret@h/db?sslmode=allow" },
      ["existingUrl: has sslmode=allow; accepted: disable, prefer, require, verify-full"],
    ],
    [
      { ...shared, existing: JSON.stringify({ host: "h", user: "u", port: 70000 }) },
      ["existing.port: 70000 is too big: at most 65535."],
    ],
    [
      { ...shared, existing: JSON.stringify({ host: "h", user: "u", port: "5432" }) },
      ['existing.port: "5432" is not a number.'],
    ],
    [
      { ...shared, existing: JSON.stringify({ host: "h", user: "u", sslmode: "allow" }) },
      ['existing.sslmode: "allow" is not accepted. Accepted values: disable, prefer, require or verify-full.'],
    ],
    [
      { ...shared, existing: JSON.stringify({ host: "", user: "u", createDatabase: "yes" }) },
      ["existing.host: must not be empty.", 'existing.createDatabase: "yes" is not a boolean (true or false).'],
    ],
    [
      { ...shared, existing: JSON.stringify({ host: "h", user: "u", database: "x" }) },
      [
        'existing: has no field "database". Accepted fields: host, port, user, createDatabase, template, maintenanceDatabase or sslmode.',
      ],
    ],
    [
      { ...shared, existing: '"db.example.com"' },
      ["existing: is not an object; set its fields with `pulumi config set --path existing.host db.example.com`."],
    ],
  ])("rejects %j", (config, expected) => {
    const found = problems(config);
    expect(found).toHaveLength(expected.length);
    for (const [index, message] of expected.entries()) expect(found[index]).toContain(message);
    expect(found.join("\n")).not.toContain("Secret");
  });

  it("does not quote the values of an `existing` object that was set as a secret", () => {
    const hidden = { ...shared, existing: JSON.stringify({ host: "db.hidden.example.com", user: "u", port: 70000 }) };
    expect(configProblems(hidden, { secretKeys: [...secretKeys, "existing"] })).toEqual([
      "existing.port: is too big: at most 65535.",
    ]);
  });

  it("refuses an ephemeral stack that would share the dev database", () => {
    const noCreate = {
      ...shared,
      ephemeral: "true",
      existing: JSON.stringify({ host: "h", user: "u", createDatabase: false }),
    };
    expect(problems(noCreate, "pr-5")).toEqual([
      expect.stringContaining("existing.createDatabase: is false, but this stack is ephemeral"),
    ]);
  });

  it("names per-stack databases and roles after the stack, as unquoted identifiers of at most 63 bytes", () => {
    expect(stackScopedName("app", "pr-123")).toBe("app_pr_123");
    expect(stackScopedName("app", "Feature/Login.Page")).toBe("app_feature_login_page");
    const long = stackScopedName("a".repeat(60), "pr-12345");
    expect(long).toMatch(/^a{54}_[0-9a-f]{8}$/);
    expect(stackScopedName("a".repeat(60), "pr-12346")).not.toBe(long);
    expect(appRoleNameFor("", "app", "pr-123", true)).toBe("app_app_pr_123");
    expect(appRoleNameFor("", "app", "dev", false)).toBe("app_app");
    expect(appRoleNameFor("reader", "app", "pr-123", true)).toBe("reader_pr_123");
  });
});

describe("dev stack on a shared server", () => {
  it("creates the application database through the server's maintenance database, then the shared layer in it", async () => {
    const { registrations, outputs } = await runStack("dev", shared, { secretKeys });
    const [serverProvider, databaseProvider] = byType(registrations, "pulumi:providers:postgresql");
    expect(serverProvider?.inputs).toMatchObject({
      host: "db.internal.example.com",
      port: "5432",
      username: "pgadmin",
      password,
      database: "postgres",
      sslmode: "require",
      superuser: "false",
    });
    const database = single(registrations, "postgresql:index/database:Database");
    expect(database.inputs).toEqual({ name: "app", encoding: "UTF8", template: "template1" });
    expect(database.provider.startsWith(serverProvider?.urn ?? "?")).toBe(true);
    expect(database.protect).toBe(false);
    expect(databaseProvider?.inputs).toMatchObject({
      host: "db.internal.example.com",
      database: "app",
      username: "pgadmin",
    });
    expect(outputs.database?.value).toBe("app");
    expect(outputs.adminConnectionString).toEqual({
      value: `postgresql://pgadmin:${password}@db.internal.example.com:5432/app?sslmode=require`,
      secret: true,
    });
  });

  it("orders the layer as on Azure: database, extension, migrations, app role; all of it goes with the database", async () => {
    const { registrations } = await runStack("dev", shared, { secretKeys });
    const database = single(registrations, "postgresql:index/database:Database");
    const extension = single(registrations, "postgresql:index/extension:Extension");
    const migrations = single(registrations, "pulumi-nodejs:dynamic/pgvector:Migrations");
    const appRole = single(registrations, "postgresql:index/role:Role");
    expect(extension.dependencies).toContain(database.urn);
    expect(migrations.dependencies).toContain(extension.urn);
    expect(appRole.dependencies).toContain(migrations.urn);
    for (const type of [
      "postgresql:index/extension:Extension",
      "pulumi-nodejs:dynamic/pgvector:Migrations",
      "postgresql:index/grant:Grant",
    ]) {
      for (const registration of byType(registrations, type)) expect(registration.deletedWith).toBe(database.urn);
    }
  });

  it("sends template1 (the provider's own default is template0) and never replaces a database over its template", async () => {
    const { registrations } = await runStack("dev", shared, { secretKeys });
    const database = single(registrations, "postgresql:index/database:Database");
    expect(database.inputs.template).toBe("template1");
    expect(database.ignoreChanges).toEqual(["template"]);
  });

  it("creates the database from the server's default template, or from the one configured", async () => {
    const config = { ...shared, existing: JSON.stringify({ host: "h", user: "u", template: "template0" }) };
    const { registrations } = await runStack("dev", config, { secretKeys });
    expect(single(registrations, "postgresql:index/database:Database").inputs).toEqual({
      name: "app",
      encoding: "UTF8",
      template: "template0",
    });
  });

  it("protects the database on prod", async () => {
    const { registrations } = await runStack("prod", { ...shared, protect: "true" }, { secretKeys });
    expect(single(registrations, "postgresql:index/database:Database").protect).toBe(true);
  });

  it("keeps the password of a URL secret out of every registered input", async () => {
    generatedPasswords.length = 0;
    const { registrations, outputs } = await runStack(
      "dev",
      { platform: "existing", existingUrl: url },
      { secretKeys },
    );
    expect(single(registrations, "postgresql:index/database:Database").inputs.name).toBe("app");
    expect(byType(registrations, "pulumi:providers:postgresql")[0]?.inputs).toMatchObject({
      host: "db.internal.example.com",
      port: "6432",
      database: "maintenance",
      sslmode: "verify-full",
      password,
    });
    expect(plainTextLeaks(registrations, [password, ...generatedPasswords])).toEqual([]);
    expect(outputs.appConnectionString?.secret).toBe(true);
  });
});

describe("pull-request stack: a separate database on the same server", () => {
  it("creates app_pr_123 next to dev's database, unprotected even when the copied config says protect", async () => {
    const { registrations, outputs } = await runStack(
      "pr-123",
      { ...shared, ephemeral: "true", protect: "true" },
      { secretKeys },
    );
    const database = single(registrations, "postgresql:index/database:Database");
    expect(database.inputs.name).toBe("app_pr_123");
    expect(registrations.some((r) => r.protect)).toBe(false);
    expect(byType(registrations, "pulumi:providers:postgresql")[1]?.inputs).toMatchObject({ database: "app_pr_123" });
    expect(outputs.host?.value).toBe("db.internal.example.com");
    const extension = single(registrations, "postgresql:index/extension:Extension");
    expect(extension.inputs).toEqual({ name: "vector", database: "app_pr_123" });
    expect(extension.deletedWith).toBe(database.urn);
  });

  it("gives the app role a name of its own: roles are server-wide, and dev's app_app exists on the server", async () => {
    const dev = await runStack("dev", shared, { secretKeys });
    const pr = await runStack("pr-123", { ...shared, ephemeral: "true" }, { secretKeys });
    expect(single(dev.registrations, "postgresql:index/role:Role").inputs.name).toBe("app_app");
    expect(single(pr.registrations, "postgresql:index/role:Role").inputs.name).toBe("app_app_pr_123");
    expect(pr.outputs.appUser?.value).toBe("app_app_pr_123");
  });
});

describe("the local stack (Pulumi.local.yaml)", () => {
  it("uses the database of `npm run local` as it is: 127.0.0.1:54329, database app, no TLS, no password", async () => {
    const config = stackFileConfig("local");
    const { registrations, outputs } = await runStack("local", config);
    expect(byType(registrations, "postgresql:index/database:Database")).toEqual([]);
    const provider = single(registrations, "pulumi:providers:postgresql");
    expect(provider.inputs).toMatchObject({
      host: "127.0.0.1",
      port: "54329",
      database: "app",
      username: "postgres",
      password: "",
      sslmode: "disable",
    });
    expect(provider.serialized.password).toMatchObject({ value: "" });
    // The database outlives the stack: its objects are removed one by one on destroy.
    expect(single(registrations, "postgresql:index/extension:Extension").deletedWith).toBe("");
    expect(outputs.platform?.value).toBe("existing");
    expect(outputs.adminConnectionString).toEqual({
      value: "postgresql://postgres:@127.0.0.1:54329/app?sslmode=disable",
      secret: true,
    });
  });

  it("holds no secret", () => {
    expect(JSON.stringify(stackFileConfig("local"))).not.toMatch(/secure|password|existingUrl/i);
  });
});

describe("read-only URL (secret existingReadOnlyUrl)", () => {
  const replicaPassword = "Repl1ca-Secret-Pw";
  const readOnlyUrl = `postgres://reader:${replicaPassword}@replica.internal.example.com:5432/app?sslmode=require`;
  const keys = [...secretKeys, "existingReadOnlyUrl"];

  it("is exported as it is, as the secret appReadOnlyConnectionString, and reaches no registered input", async () => {
    generatedPasswords.length = 0;
    const { registrations, outputs } = await runStack(
      "dev",
      { ...shared, existingReadOnlyUrl: readOnlyUrl },
      { secretKeys: keys },
    );
    expect(outputs.appReadOnlyConnectionString).toEqual({ value: readOnlyUrl, secret: true });
    expect(outputs.appReadOnlyTarget?.value).toBe("read-endpoint");
    expect(plainTextLeaks(registrations, [password, replicaPassword, ...generatedPasswords])).toEqual([]);
  });

  it("unset, appReadOnlyConnectionString is appConnectionString (the primary)", async () => {
    const { outputs } = await runStack("dev", shared, { secretKeys });
    expect(outputs.appReadOnlyConnectionString).toEqual(outputs.appConnectionString);
    expect(outputs.appReadOnlyTarget?.value).toBe("primary");
  });

  it("is checked like existingUrl, without quoting it, and must be stored encrypted", () => {
    const bad = configProblems({ ...shared, existingReadOnlyUrl: "mysql://u:Secret@h/db" }, { secretKeys: keys });
    expect(bad).toEqual([expect.stringContaining('existingReadOnlyUrl: has scheme "mysql:"')]);
    expect(bad.join("\n")).not.toContain("Secret");
    expect(configProblems({ ...shared, existingReadOnlyUrl: readOnlyUrl }, { secretKeys })).toEqual([
      expect.stringContaining("existingReadOnlyUrl: holds a secret but is stored in plain text"),
    ]);
  });
});
