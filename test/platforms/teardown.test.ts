// What `pulumi destroy` does with the shared layer on each platform, read from the registrations: what is deleted
// with the database or the server (`deletedWith`, skipped by Pulumi), what is left in place (`retainOnDelete`), and
// what is removed over a connection, in which order. The SQL of that removal runs for real in existing-sql.test.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { byType, dependsOnTransitively, type MockRun, type Registration, runStack, single } from "../infra/harness";
import { T } from "../infra/resource-types";
import { stackFileConfig } from "../infra/stack-files";
import { neonConfig, runNeonStack } from "./support/neon-mocks";

const grantTypes = [T.grant, T.defaultPrivileges];

const existing = {
  platform: "existing",
  existing: JSON.stringify({ host: "db.internal.example.com", user: "pgadmin" }),
  existingPassword: "Sh4red-Server-Pw",
};
const existingSecrets = { secretKeys: ["existingPassword"] };
const supabase = {
  platform: "supabase",
  supabase: JSON.stringify({
    projectRef: "abcdefghijklmnopqrst",
    poolerHost: "aws-0-eu-central-1.pooler.supabase.com",
  }),
  supabaseDbPassword: "Supabase-Db-Pw-1",
};

interface Case {
  name: string;
  run: () => Promise<MockRun>;
  /** The resource whose deletion takes the database's contents, or none: the database outlives the stack. */
  database?: string;
  /** The resource whose deletion takes the roles, or none: the server outlives the stack. */
  roles?: string;
}

const cases: Case[] = [
  {
    name: "azure dev",
    run: () => runStack("dev", stackFileConfig("dev")),
    database: T.server,
    roles: T.server,
  },
  {
    name: "azure pr-123",
    run: () => runStack("pr-123", { ...stackFileConfig("dev"), "pgvector-stack:ephemeral": "true" }),
    database: T.server,
    roles: T.server,
  },
  { name: "neon dev", run: () => runNeonStack("dev", neonConfig({})), database: T.neonDatabase, roles: T.neonProject },
  {
    name: "neon pr-123",
    run: () => runNeonStack("pr-123", neonConfig({}, { ephemeral: "true" })),
    database: T.neonBranch,
    roles: T.neonBranch,
  },
  { name: "existing dev", run: () => runStack("dev", existing, existingSecrets), database: T.postgresDatabase },
  {
    name: "existing pr-123",
    run: () => runStack("pr-123", { ...existing, ephemeral: "true" }, existingSecrets),
    database: T.postgresDatabase,
  },
  {
    name: "existing, createDatabase false",
    run: () =>
      runStack(
        "dev",
        { ...existing, existing: JSON.stringify({ host: "h", user: "u", createDatabase: false }) },
        existingSecrets,
      ),
  },
  { name: "local", run: () => runStack("local", stackFileConfig("local")) },
  { name: "supabase", run: () => runStack("dev", supabase, { secretKeys: ["supabaseDbPassword"] }) },
];

const urnOf = (registrations: readonly Registration[], type: string | undefined) =>
  type === undefined ? "" : single(registrations, type).urn;
const names = (registrations: readonly Registration[]) => registrations.map((r) => `${r.type} ${r.name}`);

describe.each(cases)("destroying $name", ({ run, database, roles }) => {
  let registrations: Registration[];
  beforeAll(async () => {
    ({ registrations } = await run());
  });

  it("skips what goes with the database: the extensions, the migrations and the grants", () => {
    const inside = [T.extension, T.migrations, ...grantTypes].flatMap((type) => byType(registrations, type));
    expect(new Set(inside.map((r) => r.type))).toEqual(new Set([T.extension, T.migrations, ...grantTypes]));
    const teardown = urnOf(registrations, database);
    expect(names(inside.filter((r) => r.deletedWith !== teardown))).toEqual([]);
  });

  it("skips the application role only where the roles go too: a dropped database leaves its roles behind", () => {
    expect(single(registrations, T.role).deletedWith).toBe(urnOf(registrations, roles));
  });

  if (database === undefined) {
    it("leaves the extensions in the database it did not create: the migrated tables depend on them", () => {
      const retained = registrations.filter((r) => r.retainOnDelete);
      expect(retained.length).toBeGreaterThan(0);
      expect(names(retained)).toEqual(names(byType(registrations, T.extension)));
    });
  } else {
    it("leaves nothing behind in the database it tears down", () => {
      expect(names(registrations.filter((r) => r.retainOnDelete))).toEqual([]);
    });
  }

  if (roles === undefined) {
    it("drops the role over the application database's connection, after its grants, before that database", () => {
      const role = single(registrations, T.role);
      const provider = byType(registrations, T.provider).find((p) => role.provider.startsWith(`${p.urn}::`));
      // REASSIGN OWNED and DROP OWNED act on the database they run in: the one that holds the grants.
      expect(provider?.inputs.database).toBe(single(registrations, T.extension).inputs.database);
      // Pulumi deletes dependents first: every grant that is not skipped is revoked before the role is dropped...
      for (const grant of grantTypes.flatMap((type) => byType(registrations, type))) {
        expect([grant.name, grant.dependencies]).toEqual([grant.name, expect.arrayContaining([role.urn])]);
      }
      // ...and the role is dropped while the database it connects to still exists.
      const created = byType(registrations, T.postgresDatabase);
      for (const createdDatabase of created) {
        expect(dependsOnTransitively(registrations, role, createdDatabase)).toBe(true);
      }
    });
  }
});
