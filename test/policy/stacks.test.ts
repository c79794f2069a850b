// The policy pack against what the real program registers for each stack file (under Pulumi mocks): prod must
// pass every policy; dev and pull-request stacks break the production-only rules on purpose.
import { describe, expect, it } from "vitest";
import { createStack } from "../../infra/program";
import { loadStackConfig } from "../../infra/stack-config";
import { policies } from "../../policy/policies";
import { plain, type Registration, runWithMocks } from "../infra/harness";
import { stackFileConfig } from "../infra/stack-files";
import { type FakeResource, runResourcePolicy, runStackPolicy } from "./harness";

function asResource(registration: Registration): FakeResource {
  return {
    type: registration.type,
    name: registration.name,
    urn: registration.urn,
    props: plain(registration.serialized) as Record<string, unknown>,
    protect: registration.protect,
    dependsOn: registration.dependencies,
  };
}

interface PackResult {
  /** "policy: message" for every violation. */
  violations: string[];
  /** Policies that applied to at least one resource (or to the stack). */
  applied: string[];
}

async function analyze(stack: string, config: Record<string, string>): Promise<PackResult> {
  const run = await runWithMocks(stack, config, () => createStack(loadStackConfig()));
  const resources = run.registrations.map(asResource);
  const result: PackResult = { violations: [], applied: [] };
  for (const policy of policies) {
    const outcomes =
      "validateStack" in policy
        ? [await runStackPolicy(policy, resources)]
        : await Promise.all(resources.map((resource) => runResourcePolicy(policy, resource)));
    if (outcomes.some((outcome) => outcome.notApplicable === undefined)) result.applied.push(policy.name);
    for (const outcome of outcomes) {
      for (const violation of outcome.violations) result.violations.push(`${policy.name}: ${violation.message}`);
    }
  }
  return result;
}

async function violations(stack: string, config: Record<string, string>): Promise<string[]> {
  return (await analyze(stack, config)).violations;
}

describe("the policy pack on the project's stacks", () => {
  it("passes the prod stack, where every policy but the firewall one (private access: no rules) and the read-endpoint one (no read replicas) applies", async () => {
    const result = await analyze("prod", stackFileConfig("prod"));
    expect(result.violations).toEqual([]);
    expect(result.applied).toEqual(
      policies
        .map((policy) => policy.name)
        .filter((name) => !name.includes("firewall") && name !== "postgres-read-endpoint-redundancy"),
    );
  });

  it("passes prod with read replicas, where the read-endpoint policy applies too (locks and protect cover the replicas)", async () => {
    const result = await analyze("prod", {
      ...stackFileConfig("prod"),
      "pgvector-stack:readReplicas": JSON.stringify([{}]),
    });
    expect(result.violations).toEqual([]);
    expect(result.applied).toContain("postgres-read-endpoint-redundancy");
  });

  it("flags what dev does differently from production", async () => {
    const found = await violations("dev", stackFileConfig("dev"));
    const policiesHit = [...new Set(found.map((violation) => violation.split(":")[0]))].sort();
    expect(policiesHit).toEqual([
      "postgres-high-availability",
      "postgres-protect-server-and-database",
      "postgres-server-delete-lock",
    ]);
  });

  it("flags an open firewall rule configured on a public prod", async () => {
    const config = {
      ...stackFileConfig("prod"),
      "pgvector-stack:networkAccess": "public",
      // A public server peers nothing: unset the runner network of the private prod.
      "pgvector-stack:peerVnetId": "",
      "pgvector-stack:allowAllIpAddresses": "true",
      "pgvector-stack:firewallRules": JSON.stringify(["everyone=0.0.0.0-255.255.255.255"]),
    };
    const found = await violations("prod", config);
    expect(found).toEqual([
      expect.stringMatching(/^postgres-firewall-no-open-range: .*opens the server to the internet/),
    ]);
  });
});
