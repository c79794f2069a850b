// The stack settings that adopt an existing database (migrationsBaseline, migrationsAllowPopulated) and read another
// tool's folder (migrationsFormat): validated before anything registers, and passed on to the Migrations resource.
import { describe, expect, it } from "vitest";
import { staticConfigSource } from "../../infra/config";
import { loadStackConfig } from "../../infra/stack-config";
import { configProblems } from "./config-problems";
import { project, runStack, single } from "./harness";
import { stackFileConfig } from "./stack-files";

const migrationsType = "pulumi-nodejs:dynamic/pgvector:Migrations";
const azure = { "azure-native:location": "westeurope", deployerInVnet: "true" };

const migrationsOf = (values: Record<string, string>) =>
  loadStackConfig(staticConfigSource(project, "dev", values)).migrations;

describe("migrationsFormat, migrationsBaseline, migrationsAllowPopulated", () => {
  it("default to auto, no baseline and false", () => {
    expect(migrationsOf(azure)).toMatchObject({ format: "auto", baseline: undefined, allowPopulated: false });
  });

  it("accept a format in any case, a version as the files write it, and true", () => {
    expect(
      migrationsOf({
        ...azure,
        migrationsFormat: "Native",
        migrationsBaseline: "0002",
        migrationsAllowPopulated: "true",
      }),
    ).toMatchObject({ format: "native", baseline: "0002", allowPopulated: true });
    expect(migrationsOf({ ...azure, migrationsBaseline: "" }).baseline).toBeUndefined();
  });

  it("reject bad values, each naming the setting, the value and what is accepted", () => {
    expect(
      configProblems({
        ...azure,
        migrationsFormat: "liquibase",
        migrationsBaseline: "latest",
        migrationsAllowPopulated: "yes",
      }),
    ).toEqual([
      'migrationsFormat: "liquibase" is not a migration format. Accepted values: auto, native, drizzle, supabase, dbmate, golang-migrate, flyway or prisma.',
      'migrationsBaseline: "latest" must be the version of a migration as its file name writes it, e.g. 3, 0003, 20260203101500 or 1.9.',
      'migrationsAllowPopulated: "yes" is not a boolean. Accepted values: true or false.',
    ]);
  });

  it("reject a baseline that is no migration of the folder, before anything registers", () => {
    expect(configProblems({ ...azure, migrationsBaseline: "7" })).toEqual([
      "migrationsBaseline: No migration in migrations/ has version 7, so nothing can be baselined up to it (nothing was recorded): give the version of the newest migration already in the database.",
    ]);
  });

  it("reach the Migrations resource: options, the resolved baseline, and the settings its advice names", async () => {
    const { registrations } = await runStack("dev", {
      ...stackFileConfig("dev"),
      migrationsBaseline: "0002",
      migrationsAllowPopulated: "false",
      migrationsFormat: "native",
    });
    const migrations = single(registrations, migrationsType);

    expect(migrations.inputs).toMatchObject({
      format: "native",
      baseline: "0002",
      baselineVersion: 2,
      allowPopulated: false,
      settingNames: {
        format: "migrationsFormat",
        baseline: "migrationsBaseline",
        allowPopulated: "migrationsAllowPopulated",
        directory: "migrationsDirectory",
      },
    });
    expect(Object.keys(migrations.inputs.migrations as object)).toEqual(["1", "2", "3", "4"]);
  });

  it("leave the inputs of a stack without a baseline as they were: no baseline keys", async () => {
    const { registrations } = await runStack("dev", stackFileConfig("dev"));
    const migrations = single(registrations, migrationsType);
    expect(migrations.inputs).not.toHaveProperty("baseline");
    expect(migrations.inputs).not.toHaveProperty("baselineVersion");
  });
});

describe("migrationsImportToolLedger, migrationsKeepToolLedger", () => {
  it("default to false", () => {
    expect(migrationsOf(azure)).toMatchObject({ importToolLedger: false, keepToolLedger: false });
  });

  it("reach the Migrations resource for a drizzle-kit folder", async () => {
    const { registrations } = await runStack("dev", {
      ...stackFileConfig("dev"),
      migrationsDirectory: "test/fixtures/formats/drizzle/migrations",
      migrationsImportToolLedger: "true",
      migrationsKeepToolLedger: "true",
    });
    expect(single(registrations, migrationsType).inputs).toMatchObject({
      format: "auto",
      importToolLedger: true,
      keepToolLedger: true,
    });
  });

  it("refuse, in the preview, a folder whose tool has no ledger to import or to keep", async () => {
    await expect(runStack("dev", { ...stackFileConfig("dev"), migrationsKeepToolLedger: "true" })).rejects.toThrow(
      /keepToolLedger .*records each migration in the ledger of drizzle-kit or the Supabase CLI, but migrations\/? is read as format native/,
    );
    await expect(runStack("dev", { ...stackFileConfig("dev"), migrationsImportToolLedger: "true" })).rejects.toThrow(
      /Migrations option importToolLedger reads the ledger of the tool the folder belongs to, but .* is read as format native/,
    );
  });
});
