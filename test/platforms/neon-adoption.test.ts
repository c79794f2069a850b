// Taking over a Neon project made in the console (neon.adopt), under Pulumi mocks: the project, the owner role and
// the database are registered with the `import` option and the ids the Neon provider parses, on the branch given.
import { describe, expect, it } from "vitest";
import { configProblems } from "../infra/config-problems";
import { single } from "../infra/harness";
import { neonConfig, runNeonStack } from "./support/neon-mocks";

const adopt = { projectId: "shiny-cell-31746257", branchId: "br-snowy-mountain-a5jkb18i" };
// What the Neon console creates: the project's name and region, database neondb owned by neondb_owner.
const consoleProject = {
  plan: "free",
  projectName: "acme-search",
  region: "aws-eu-central-1",
  ownerRole: "neondb_owner",
  adopt,
};
const config = neonConfig(consoleProject, { databaseName: "neondb" });

describe("neon.adopt: an existing project the stack imports", () => {
  it("imports the project by id, and the owner role and the database by <project>/<branch>/<name>", async () => {
    const { registrations } = await runNeonStack("dev", config);
    expect(single(registrations, "neon:index/project:Project").importId).toBe(adopt.projectId);
    const role = single(registrations, "neon:index/role:Role");
    expect(role.importId).toBe(`${adopt.projectId}/${adopt.branchId}/neondb_owner`);
    expect(role.inputs).toMatchObject({ branchId: adopt.branchId, name: "neondb_owner" });
    const database = single(registrations, "neon:index/database:Database");
    expect(database.importId).toBe(`${adopt.projectId}/${adopt.branchId}/neondb`);
    expect(database.inputs).toMatchObject({ branchId: adopt.branchId, name: "neondb", ownerName: "neondb_owner" });
  });

  it("exports the adopted branch, which pull-request stacks then branch from", async () => {
    const { outputs } = await runNeonStack("dev", config);
    expect(outputs.neonProjectId?.value).toBe(adopt.projectId);
    expect(outputs.neonBranchId?.value).toBe(adopt.branchId);
  });

  it("imports nothing without neon.adopt", async () => {
    const { adopt: _, ...created } = consoleProject;
    const { registrations } = await runNeonStack("dev", neonConfig(created));
    expect(registrations.filter((registration) => registration.importId !== "")).toEqual([]);
  });
});

describe("neon.adopt: settings refused before anything is registered", () => {
  const problems = (neon: Record<string, unknown>, extra: Record<string, string> = {}, stack = "dev") =>
    configProblems(neonConfig(neon, extra), { stack, secretKeys: ["neon:apiKey"] });

  it("accepts the console project's settings", () => {
    expect(problems(consoleProject)).toEqual([]);
  });

  it("needs the project's name and region stated: Pulumi refuses an import that differs from the live project", () => {
    expect(problems({ adopt })).toEqual([
      expect.stringMatching(/^neon\.projectName: is required with neon\.adopt: set it to the adopted project's name/),
      expect.stringMatching(/^neon\.region: is required with neon\.adopt: set it to the adopted project's region id/),
    ]);
  });

  it("refuses ids that are not Neon's", () => {
    expect(problems({ ...consoleProject, adopt: { projectId: "Shiny Cell", branchId: "main" } })).toEqual([
      "neon.adopt.projectId: must be a Neon project id such as shiny-cell-31746257",
      "neon.adopt.branchId: must be a Neon branch id such as br-snowy-mountain-a5jkb18i",
    ]);
  });

  it("refuses an ephemeral stack: it branches from its parent and must not take over a project", () => {
    expect(problems(consoleProject, { ephemeral: "true" }, "pr-7")).toEqual([
      expect.stringContaining("neon.adopt: is for the stack that owns the project"),
    ]);
  });
});
