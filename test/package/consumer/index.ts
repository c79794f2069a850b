// A Pulumi program of another project, using the published components as a user would (the consumer test compiles
// it against the installed type declarations and runs it): an existing server, and the database layer on it.
import * as pulumi from "@pulumi/pulumi";
import { ExistingServer, PgvectorDatabase, withMigrationOptionDefaults } from "pulumi-pgvector";

const config = new pulumi.Config();

const server = new ExistingServer("search", {
  host: config.require("host"),
  port: config.requireNumber("port"),
  user: "postgres",
  password: config.requireSecret("password"),
  sslmode: "disable",
  database: "postgres",
  createDatabase: false,
  template: "template1",
});

const database = new PgvectorDatabase("search", {
  platform: server.platformDatabase,
  extensions: ["vector"],
  migrations: withMigrationOptionDefaults({ directory: "migrations", onDelete: "down" }),
  appRole: { name: "search_app", access: "readwrite", schemas: ["public"] },
});

export const appConnectionString = database.appConnectionString;
export const latestMigration = database.migrations.latestMigration;
