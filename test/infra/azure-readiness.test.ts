// The readiness gate between a new Azure flexible server and its first write (ServerIsBusy): its polling against a
// fake Azure Resource Manager served on 127.0.0.1, and its place in the dependency graph under Pulumi mocks.
// The fake answers as ARM's Servers_Get does: 200 with `properties.state` (Ready, Updating, Provisioning...), see
// Azure/azure-rest-api-specs specification/postgresql/DBforPostgreSQL.Management/examples/2025-06-01-preview/ServersGet.json.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type ReadinessPoll,
  readinessDefaults,
  serverReadinessProvider,
  waitForServerReady,
} from "../../infra/platforms/azure/readiness-provider";
import {
  byType,
  dependsOnTransitively,
  isSecretWrapper,
  mockArmToken,
  type Registration,
  runStack,
  single,
} from "./harness";
import { T } from "./resource-types";
import { stackFileConfig } from "./stack-files";

const serverId =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-app/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-app";
const token = "test-token-not-for-messages";

type Answer = { status: number; state?: string } | "hang";

interface FakeArm {
  endpoint: string;
  requests: { at: number; url: string; authorization: string | undefined }[];
}

let running: Server | undefined;
afterEach(async () => {
  running?.closeAllConnections();
  await new Promise<void>((resolve) => (running ? running.close(() => resolve()) : resolve()));
  running = undefined;
});

/** An HTTP server that answers GETs with `answers` in turn, repeating the last one. */
async function fakeArm(answers: readonly Answer[]): Promise<FakeArm> {
  const requests: FakeArm["requests"] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests.push({ at: Date.now(), url: request.url ?? "", authorization: request.headers.authorization });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)] as Answer;
    if (answer === "hang") return;
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(
      JSON.stringify(
        answer.status === 200
          ? { id: serverId, name: "pg-app", properties: { state: answer.state, version: "17" } }
          : { error: { code: answer.status === 404 ? "ResourceNotFound" : "Throttled", message: "try later" } },
      ),
    );
  });
  running = server;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function poll(endpoint: string, overrides: Partial<ReadinessPoll> = {}): ReadinessPoll {
  return {
    armEndpoint: endpoint,
    serverId,
    apiVersion: "2025-08-01",
    token,
    timeoutMs: 5_000,
    intervalMs: 10,
    maxIntervalMs: 40,
    readyPolls: 2,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

describe("waiting for the server to be Ready", () => {
  it("polls the server's ARM resource with the token until it reads Ready twice in a row", async () => {
    const arm = await fakeArm([
      { status: 200, state: "Provisioning" },
      { status: 200, state: "Updating" },
      { status: 200, state: "Ready" },
      { status: 200, state: "Updating" },
      { status: 200, state: "Ready" },
      { status: 200, state: "Ready" },
      { status: 200, state: "Stopped" },
    ]);
    expect(await waitForServerReady(poll(`${arm.endpoint}/`))).toEqual({ state: "Ready", polls: 6 });
    expect(arm.requests).toHaveLength(6);
    for (const request of arm.requests) {
      expect(request).toMatchObject({ url: `${serverId}?api-version=2025-08-01`, authorization: `Bearer ${token}` });
    }
  });

  it("waits out throttling, server errors and the not-found that follows a create", async () => {
    const arm = await fakeArm([
      { status: 404 },
      { status: 429 },
      { status: 503 },
      { status: 200, state: "Ready" },
      { status: 200, state: "Ready" },
    ]);
    expect(await waitForServerReady(poll(arm.endpoint))).toEqual({ state: "Ready", polls: 5 });
  });

  it("backs off: each wait is half as long again as the one before, up to the maximum", async () => {
    const arm = await fakeArm([{ status: 200, state: "Updating" }]);
    await failure(waitForServerReady(poll(arm.endpoint, { intervalMs: 40, maxIntervalMs: 100, timeoutMs: 600 })));
    const gaps = arm.requests.slice(1).map((request, index) => request.at - (arm.requests[index]?.at ?? 0));
    // 40, 60, 90, 100, 100, ... (timers fire no earlier than asked; allow a few ms of clock rounding)
    const expected = [40, 60, 90, 100, 100];
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    gaps.slice(0, 4).forEach((gap, index) => {
      expect({ index, gap, atLeast: gap >= (expected[index] ?? 0) - 3 }).toMatchObject({ atLeast: true });
      expect({ index, gap, atMost: gap < (expected[index] ?? 0) + 80 }).toMatchObject({ atMost: true });
    });
  });

  it("gives up after the timeout, naming the server, the last state and what to do", async () => {
    const arm = await fakeArm([{ status: 200, state: "Updating" }]);
    const started = Date.now();
    const error = await failure(waitForServerReady(poll(arm.endpoint, { timeoutMs: 250 })));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.message).toMatch(
      /^AzureServerReadiness: server pg-app was not Ready within 0 seconds \(\d+ polls; last: state Updating\)\. Azure rejects writes to a busy server \(ServerIsBusy\)/,
    );
    expect(error.message).not.toContain(token);
  });

  it("does not wait for an answer that hangs beyond the timeout", async () => {
    const arm = await fakeArm(["hang"]);
    const started = Date.now();
    const error = await failure(waitForServerReady(poll(arm.endpoint, { timeoutMs: 300 })));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.message).toContain("last: no answer (TimeoutError)");
  });

  it("fails at once when ARM refuses the identity, without quoting the token", async () => {
    const arm = await fakeArm([{ status: 403 }]);
    const error = await failure(waitForServerReady(poll(arm.endpoint)));
    expect(error.message).toBe(
      "AzureServerReadiness: Azure Resource Manager answered HTTP 403 when reading server pg-app; the identity running Pulumi needs read access (Reader) on the server's resource group.",
    );
    expect(arm.requests).toHaveLength(1);
  });
});

describe("the gate's provider", () => {
  const inputs = (endpoint: string) => ({
    serverId,
    armEndpoint: endpoint,
    apiVersion: "2025-08-01",
    timeoutMinutes: 1,
    token,
  });

  it("creates the gate once the server is Ready, keeping the token out of its outputs", async () => {
    const arm = await fakeArm([{ status: 200, state: "Ready" }]);
    const created = await serverReadinessProvider.create(inputs(arm.endpoint));
    expect(created).toEqual({
      id: `${serverId}/readiness`,
      outs: { serverId, armEndpoint: arm.endpoint, apiVersion: "2025-08-01", timeoutMinutes: 1, state: "Ready" },
    });
    expect(JSON.stringify(created)).not.toContain(token);
  });

  it("waits on create only: a new token is no change, another server replaces the gate", async () => {
    const diff = serverReadinessProvider.diff as NonNullable<typeof serverReadinessProvider.diff>;
    const olds = inputs("https://management.azure.com");
    expect(await diff("id", olds, { ...olds, token: "another token" })).toMatchObject({ changes: false, replaces: [] });
    expect(await diff("id", olds, { ...olds, serverId: `${serverId}2` })).toMatchObject({
      changes: true,
      replaces: ["serverId"],
    });
  });

  it("refuses a timeout that is not a whole number of minutes", async () => {
    const check = serverReadinessProvider.check as NonNullable<typeof serverReadinessProvider.check>;
    expect((await check({}, { ...inputs("x"), timeoutMinutes: 0 })).failures).toEqual([
      { property: "timeoutMinutes", reason: "timeoutMinutes must be a whole number of minutes, at least 1" },
    ]);
    expect((await check({}, inputs("x"))).failures).toBeUndefined();
  });
});

describe("the gate in the stack", () => {
  const serverWrites = (r: readonly Registration[]) =>
    [T.firewallRule, T.configuration, T.database].flatMap((type) => byType(r, type));

  it.each(["dev", "prod"])("%s: sits between the server and its first write", async (stack) => {
    const { registrations: r } = await runStack(stack, stackFileConfig(stack));
    const server = single(r, T.server);
    const gate = single(r, T.serverReadiness);
    expect(gate.dependencies).toContain(server.urn);
    expect(gate.deletedWith).toBe(server.urn);
    expect(gate.customTimeouts?.create).toBe(`${readinessDefaults.timeoutMinutes + 5}m`);
    expect(gate.inputs).toMatchObject({
      serverId: expect.stringContaining("/flexibleServers/"),
      armEndpoint: "https://management.azure.com",
      timeoutMinutes: readinessDefaults.timeoutMinutes,
    });
    // The first write: the first firewall rule on dev, the allow-list on private prod.
    const first = stack === "dev" ? byType(r, T.firewallRule)[0] : byType(r, T.configuration)[0];
    expect(first?.dependencies).toContain(gate.urn);
    for (const write of serverWrites(r)) {
      expect({ write: write.name, waitsForGate: dependsOnTransitively(r, write, gate) }).toEqual({
        write: write.name,
        waitsForGate: true,
      });
    }
  });

  it("stores a provider that runs on its own: the serialized code, evaluated, waits for Ready", async () => {
    const { registrations: r } = await runStack("dev", stackFileConfig("dev"));
    const serialized = String(single(r, T.serverReadiness).inputs.__provider);
    // As the dynamic-provider host loads it: a CommonJS module whose `handler` returns the provider.
    const module = { exports: {} as { handler?: () => typeof serverReadinessProvider } };
    new Function("exports", "require", "module", serialized)(module.exports, require, module);
    const provider = (module.exports.handler as () => typeof serverReadinessProvider)();
    const arm = await fakeArm([
      { status: 200, state: "Updating" },
      { status: 200, state: "Ready" },
    ]);
    const created = await provider.create({
      serverId,
      armEndpoint: arm.endpoint,
      apiVersion: "2025-08-01",
      timeoutMinutes: 1,
      token,
    });
    expect(created.outs).toMatchObject({ state: "Ready", serverId });
    expect(arm.requests).toHaveLength(3);
  });

  it("holds the ARM token as a secret", async () => {
    const { registrations: r } = await runStack("dev", stackFileConfig("dev"));
    const gate = single(r, T.serverReadiness);
    expect(isSecretWrapper(gate.serialized.token)).toBe(true);
    expect(gate.inputs.token).toBe(mockArmToken);
  });
});
