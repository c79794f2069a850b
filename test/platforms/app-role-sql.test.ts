// The Supabase application role as the program registers it and the postgresql provider creates it, on native
// PostgreSQL: it logs in with the search path public, extensions, so that unqualified names of the `extensions`
// schema (where Supabase keeps vector) resolve in its own queries, as they do in the migrations.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { byType, type Registration, runStack, single } from "../infra/harness";
import { createNativeDatabase, type NativeDatabase, withAdminClient } from "../support";
import { creationStep, postgresqlTypes } from "./support/provider-sql";

const supabase = {
  platform: "supabase",
  supabase: JSON.stringify({
    projectRef: "abcdefghijklmnopqrst",
    poolerHost: "aws-0-eu-central-1.pooler.supabase.com",
  }),
  supabaseDbPassword: "Supabase-Db-Pw-1",
};

describe("the Supabase app role at login", () => {
  // Roles are server-wide and test files share the server: the names are unique to this run.
  const withPath = `path_${randomBytes(3).toString("hex")}`;
  const withoutPath = `${withPath}_none`;
  let db: NativeDatabase;
  let role: Registration;

  async function loginAs<T>(name: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const url = new URL(db.url);
    url.username = name;
    url.password = String(role.inputs.password);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    const { registrations } = await runStack(
      "dev",
      { ...supabase, appRoleName: withPath },
      { secretKeys: ["supabaseDbPassword"] },
    );
    role = single(registrations, postgresqlTypes.role);
    const statements = creationStep(registrations, role)?.statements ?? [];
    // The program's own grant of USAGE on Supabase's extensions schema (the role's types and operators live there).
    const usage = byType(registrations, postgresqlTypes.grant).find((grant) => grant.inputs.schema === "extensions");
    expect(usage?.inputs).toMatchObject({ role: withPath, objectType: "schema", privileges: ["USAGE"] });
    const usageStatements = creationStep(registrations, usage as Registration)?.statements ?? [];
    expect(statements.at(-1)).toBe(`ALTER ROLE "${withPath}" SET search_path TO "public", "extensions"`);
    db = await createNativeDatabase("role_path");
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // A stand-in for Supabase's extensions schema, where a type lives that queries name unqualified.
      await admin.query("CREATE SCHEMA extensions");
      await admin.query("CREATE DOMAIN extensions.embedding AS real[]");
      for (const statement of statements) await admin.query(statement);
      // The same role without the search path, for comparison.
      await admin.query(statements[0]?.replace(`"${withPath}"`, `"${withoutPath}"`) ?? "");
      for (const statement of usageStatements) await admin.query(statement);
      // The comparison role gets the same USAGE by hand: it differs only in its search path.
      await admin.query(`GRANT USAGE ON SCHEMA extensions TO ${withoutPath}`);
    } finally {
      await admin.end();
    }
  });

  afterAll(async () => {
    await db?.drop();
    await withAdminClient(async (client) => {
      await client.query(`DROP ROLE IF EXISTS ${withPath}`);
      await client.query(`DROP ROLE IF EXISTS ${withoutPath}`);
    });
  });

  it("has search_path public, extensions, and resolves the extensions' names unqualified", async () => {
    const rows = await loginAs(withPath, async (client) => {
      const path = await client.query("SHOW search_path");
      const cast = await client.query("SELECT '{1,2}'::embedding AS value");
      return [path.rows[0], cast.rows[0]];
    });
    expect(rows).toEqual([{ search_path: "public, extensions" }, { value: [1, 2] }]);
  });

  it("without it, the same query fails: the server's default search path does not hold `extensions`", async () => {
    const message = await loginAs(withoutPath, (client) =>
      client.query("SELECT '{1,2}'::embedding").then(
        () => "resolved",
        (error: Error) => error.message,
      ),
    );
    expect(message).toBe('type "embedding" does not exist');
  });
});
