// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are GitHub Actions expressions, not templates.
// What actionlint cannot check here: the inputs of actions newer than its bundled metadata (GitHub only warns about
// an unknown input, so a misspelt one silently does nothing), calls to the local reusable workflow (the WebAssembly
// build cannot read other files), and the rules that keep two runs off one stack.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readWorkflow, workflowFiles } from "./actionlint";

interface Step {
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}

interface Job {
  uses?: string;
  with?: Record<string, unknown>;
  steps?: Step[];
  needs?: string | string[];
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  permissions?: Record<string, string>;
}

interface Workflow {
  on: Record<string, unknown>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  jobs: Record<string, Job>;
}

interface CallableInput {
  type: "string" | "boolean" | "number";
  required?: boolean;
}

// js-yaml is the YAML parser of @pulumi/pulumi (its dependency, without type declarations here): load it from there.
const fromPulumi = createRequire(createRequire(__filename).resolve("@pulumi/pulumi/package.json"));
const { load } = fromPulumi("js-yaml") as { load(text: string): unknown };

function workflow(name: string): Workflow {
  return load(readWorkflow(name)) as Workflow;
}

/**
 * Inputs of the actions the workflows use, from each action's action.yml at the major version used. When a workflow
 * starts using another action or major version, add it here after reading its action.yml.
 */
const actionInputs: Record<string, readonly string[]> = {
  "actions/checkout@v6": [
    "repository",
    "ref",
    "token",
    "ssh-key",
    "ssh-known-hosts",
    "ssh-strict",
    "ssh-user",
    "persist-credentials",
    "path",
    "clean",
    "filter",
    "sparse-checkout",
    "sparse-checkout-cone-mode",
    "fetch-depth",
    "fetch-tags",
    "show-progress",
    "lfs",
    "submodules",
    "set-safe-directory",
    "github-server-url",
  ],
  "actions/setup-node@v6": [
    "node-version",
    "node-version-file",
    "architecture",
    "check-latest",
    "registry-url",
    "scope",
    "token",
    "cache",
    "package-manager-cache",
    "cache-dependency-path",
    "mirror",
    "mirror-token",
  ],
  "azure/login@v3": [
    "creds",
    "client-id",
    "tenant-id",
    "subscription-id",
    "enable-AzPSSession",
    "environment",
    "allow-no-subscriptions",
    "audience",
    "auth-type",
  ],
  "pulumi/auth-actions@v1": [
    "organization",
    "requested-token-type",
    "scope",
    "token-expiration",
    "export-environment-variables",
    "cloud-url",
  ],
  "pulumi/actions@v7": [
    "command",
    "stack-name",
    "pulumi-version",
    "pulumi-version-file",
    "work-dir",
    "comment-on-pr",
    "comment-on-pr-number",
    "comment-on-summary",
    "github-token",
    "cloud-url",
    "secrets-provider",
    "parallel",
    "message",
    "config-map",
    "expect-no-changes",
    "diff",
    "replace",
    "target",
    "target-dependents",
    "policyPacks",
    "policyPackConfigs",
    "refresh",
    "upsert",
    "remove",
    "edit-pr-comment",
    "color",
    "exclude-protected",
    "plan",
    "suppress-outputs",
    "suppress-progress",
    "always-include-summary",
  ],
};

const allFiles = workflowFiles();

describe("action inputs", () => {
  const steps = allFiles.flatMap((file) =>
    Object.entries(workflow(file).jobs).flatMap(([jobName, job]) =>
      (job.steps ?? []).filter((step) => step.uses).map((step) => ({ where: `${file} ${jobName}`, step })),
    ),
  );

  it("uses only actions whose inputs are known", () => {
    const unknown = steps.map(({ step }) => step.uses as string).filter((uses) => !(uses in actionInputs));
    expect(unknown).toEqual([]);
  });

  it.each(steps.map(({ where, step }) => [`${where}: ${step.uses}`, step] as const))(
    "%s passes known inputs",
    (_, step) => {
      const known = actionInputs[step.uses as string] ?? [];
      expect(Object.keys(step.with ?? {}).filter((input) => !known.includes(input))).toEqual([]);
    },
  );
});

describe("calls to the reusable Pulumi workflow", () => {
  const callable = load(readWorkflow("pulumi.yml")) as {
    on: { workflow_call: { inputs: Record<string, CallableInput> } };
  };
  const inputs = callable.on.workflow_call.inputs;
  const calls = allFiles.flatMap((file) =>
    Object.entries(workflow(file).jobs)
      .filter(([, job]) => job.uses === "./.github/workflows/pulumi.yml")
      .map(([name, job]) => ({ name: `${file} ${name}`, job })),
  );

  it("are made by the preview, pull-request stack and deploy workflows", () => {
    expect(calls.map((call) => call.name)).toEqual([
      "deploy.yml dev",
      "deploy.yml prod",
      "pr-stack.yml update",
      "pr-stack.yml destroy",
      "pull-request.yml preview-dev",
      "pull-request.yml preview-prod",
    ]);
  });

  it.each(calls.map((call) => [call.name, call.job] as const))(
    "%s passes declared inputs of the right type",
    (_, job) => {
      const given = job.with ?? {};
      expect(Object.keys(given).filter((name) => !(name in inputs))).toEqual([]);
      const missing = Object.entries(inputs).filter(([name, input]) => input.required && !(name in given));
      expect(missing.map(([name]) => name)).toEqual([]);
      for (const [name, value] of Object.entries(given)) {
        const expected = inputs[name]?.type;
        const isExpression = typeof value === "string" && value.startsWith("${{");
        if (!isExpression) expect({ [name]: typeof value }).toEqual({ [name]: expected });
      }
    },
  );

  it.each(calls.map((call) => [call.name, call.job] as const))("%s grants OpenID Connect", (_, job) => {
    expect(job.permissions?.["id-token"]).toBe("write");
  });

  it("never lets two updates of one stack run at once, nor cancels one half-way", () => {
    const writers = calls.filter(({ job }) => job.with?.command !== "preview");
    for (const { name, job } of writers) {
      expect(job.concurrency?.group, name).toMatch(/^pulumi-/);
      expect(job.concurrency?.["cancel-in-progress"], name).toBe(false);
    }
    const pullRequestStack = workflow("pr-stack.yml").jobs;
    expect(pullRequestStack.update?.concurrency?.group).toBe(pullRequestStack.destroy?.concurrency?.group);
  });

  it("deploys prod after dev, behind the prod environment, with the policy pack", () => {
    const deploy = workflow("deploy.yml").jobs;
    expect(deploy.prod?.needs).toBe("dev");
    expect(deploy.prod?.with).toMatchObject({ stack: "prod", command: "up", environment: "prod", "policy-pack": true });
    const preview = workflow("pull-request.yml").jobs["preview-prod"];
    expect(preview?.with).toMatchObject({ stack: "prod", command: "preview", "policy-pack": true });
  });

  it("destroys and removes the pull-request stack when the pull request closes", () => {
    const jobs = workflow("pr-stack.yml").jobs;
    expect(jobs.destroy?.with).toMatchObject({ command: "destroy", remove: true, ephemeral: true });
    expect(jobs.update?.with).toMatchObject({ command: "up", ephemeral: true });
  });

  it("grants pull-request write access only to the jobs that comment", () => {
    const writers = calls.filter(({ job }) => job.permissions?.["pull-requests"] === "write").map(({ name }) => name);
    const commenters = calls.filter(({ job }) => job.with?.["comment-on-pr"] === true).map(({ name }) => name);
    expect(writers).toEqual(commenters);
  });
});

describe("the reusable Pulumi workflow", () => {
  const steps = workflow("pulumi.yml").jobs.pulumi?.steps ?? [];
  const command = steps.find((step) => step.uses === "pulumi/actions@v7" && step.with?.command);

  it("edits its pull-request comment instead of adding one per run", () => {
    expect(command?.with).toMatchObject({
      "comment-on-pr": "${{ inputs.comment-on-pr }}",
      "edit-pr-comment": true,
      "stack-name": "${{ inputs.stack }}",
    });
  });

  it("destroys from the base branch: a closed pull request may have no merge commit left to check out", () => {
    const checkout = steps.find((step) => step.uses === "actions/checkout@v6");
    expect(checkout?.with?.ref).toBe("${{ inputs.command == 'destroy' && github.event.pull_request.base.ref || '' }}");
  });
});

describe("the migration lint step", () => {
  it("runs a package script that exists and points at the built lint entry", () => {
    const manifest = JSON.parse(readFileSync(resolve(__dirname, "../../package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const script = manifest.scripts["lint:migrations"];
    expect(script, 'package.json needs "lint:migrations"').toBe("node packages/migrate/bin/pgvector-migrate.js lint");
    const lintJob = workflow("pull-request.yml").jobs["migration-lint"];
    const run = (lintJob?.steps ?? []).map((step) => step.run ?? "").join("\n");
    expect(run).toContain("npm run --silent lint:migrations --");
    expect(existsSync(resolve(__dirname, "../../packages/migrate/bin/pgvector-migrate.js"))).toBe(true);
    // `lint` takes --github for annotations (--format is the migrations folder's layout, as for every command).
    expect(run).toContain("--github");
    expect(run).not.toContain("--format github");
  });
});
