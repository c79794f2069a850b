// What PostgreSQL says while the provider applies migrations reaches the Pulumi log: the SDK's dynamic-provider host
// runs the serialized provider (its output is the operation's log), against PGlite with pgvector.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationsInputs, migrationsProvider } from "../../infra/migrations";
import { type PgvectorServer, startPgvectorServer } from "../support";
import { createTestProject, type TestProject } from "./support/program";
import { type ProviderHost, startProviderHost } from "./support/provider-host";
import { serializeAsTheSdkDoes } from "./support/serialized-provider";

let server: PgvectorServer;
let project: TestProject;
let host: ProviderHost;

beforeAll(async () => {
  server = await startPgvectorServer();
  const db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query("CREATE EXTENSION IF NOT EXISTS vector").finally(() => db.end());
  project = createTestProject("provider-notices", {
    "0001_docs.sql": "CREATE TABLE docs (id bigint PRIMARY KEY, embedding vector(3));\n",
    "0002_docs_ivfflat.sql":
      "CREATE INDEX docs_ivfflat ON docs USING ivfflat (embedding vector_l2_ops) WITH (lists = 10);\n",
  });
  host = await startProviderHost(project.dir);
});

afterAll(async () => {
  await host?.stop();
  project?.cleanup();
  await server?.stop();
});

describe("server notices in the Pulumi log", () => {
  it("shows pgvector's ivfflat notice on an empty table, with its DETAIL and HINT", async () => {
    const inputs = {
      ...migrationsInputs({ directory: "migrations", lint: "off" }, { url: server.url }, project.dir),
      __provider: (await serializeAsTheSdkDoes(migrationsProvider)).text,
    };
    await host.configure();
    const checked = await host.check({}, inputs);
    expect(checked.failures).toEqual([]);
    const created = await host.create(checked.inputs);
    expect(created.properties).toMatchObject({ newlyApplied: ["0001_docs", "0002_docs_ivfflat"] });
    // pgvector's src/ivfbuild.c: ereport(NOTICE, errmsg("ivfflat index created with little data"), errdetail(...), errhint(...)).
    const notice =
      "migrations/0002_docs_ivfflat.sql:1:1: NOTICE: ivfflat index created with little data\n" +
      "  DETAIL: This will cause low recall.\n" +
      "  HINT: Drop the index until the table has more data.\n";
    expect(await host.outputContaining(notice)).toContain(notice);
  });
});
