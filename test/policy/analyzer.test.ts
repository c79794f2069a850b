// The policy pack as the Pulumi CLI runs it: `policy/` loaded by the SDK's run-policy-pack (vendored ts-node,
// type-checked), serving the analyzer gRPC protocol. The test plays the engine's side of
// `pulumi preview --policy-pack policy`.
import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const policyDirectory = resolve(__dirname, "../../policy");
const runPolicyPack = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");

let host: ChildProcess;
let client: AnalyzerClient;
let hostErrors = "";

beforeAll(async () => {
  host = spawn(process.execPath, [runPolicyPack, "127.0.0.1:0", "."], {
    cwd: policyDirectory,
    stdio: ["ignore", "pipe", "pipe"],
  });
  host.stderr?.on("data", (chunk: Buffer) => {
    hostErrors += chunk.toString("utf8");
  });
  const port = await new Promise<string>((resolvePort, reject) => {
    const lines = createInterface({ input: host.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => resolvePort(line.trim()));
    host.once("exit", (code) => reject(new Error(`policy pack exited with code ${code}:\n${hostErrors}`)));
  });
  client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

afterAll(() => {
  client?.close();
  host?.kill();
});

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function call<Response>(invoke: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolveCall, reject) => {
    invoke((error, response) => (error ? reject(error) : resolveCall(response)));
  });
}

function resourceOptions(protect: boolean): analyzer.AnalyzerResourceOptions {
  return new analyzer.AnalyzerResourceOptions().setProtect(protect);
}

function analyze(type: string, name: string, props: Record<string, unknown>, protect = false) {
  const request = new analyzer.AnalyzeRequest()
    .setType(type)
    .setName(name)
    .setUrn(`urn:pulumi:prod::pgvector-stack::${type}::${name}`)
    .setProperties(Struct.fromJavaScript(props as Record<string, never>))
    .setOptions(resourceOptions(protect));
  return call<analyzer.AnalyzeResponse>((callback) => client.analyze(request, callback));
}

function diagnostics(response: analyzer.AnalyzeResponse) {
  return response
    .getDiagnosticsList()
    .map((diagnostic) => ({
      policy: diagnostic.getPolicyname(),
      mandatory: diagnostic.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY,
      message: diagnostic.getMessage(),
    }))
    .sort((a, b) => a.policy.localeCompare(b.policy));
}

const zoneRedundantServer = {
  resourceGroupName: "rg-prod",
  highAvailability: { mode: "ZoneRedundant" },
  backup: { backupRetentionDays: 14 },
};

describe("the policy pack under Pulumi's policy-pack host", () => {
  it("describes itself with its name, version and mandatory policies", async () => {
    const info = await call<analyzer.AnalyzerInfo>((callback) => client.getAnalyzerInfo(new Empty(), callback));
    expect(info.getName()).toBe("pgvector-prod-guardrails");
    expect(info.getVersion()).toBe("0.1.0");
    const policies = info.getPoliciesList();
    expect(policies.map((policy) => policy.getName())).toContain("postgres-firewall-no-open-range");
    expect(policies.every((policy) => policy.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY)).toBe(true);
  });

  it("passes a compliant, protected server", async () => {
    const response = await analyze("azure-native:dbforpostgresql:Server", "pg", zoneRedundantServer, true);
    expect(diagnostics(response)).toEqual([]);
  });

  it("blocks an unprotected server without high availability", async () => {
    const response = await analyze("azure-native:dbforpostgresql:Server", "pg", {
      ...zoneRedundantServer,
      highAvailability: { mode: "Disabled" },
    });
    expect(diagnostics(response)).toEqual([
      {
        policy: "postgres-high-availability",
        mandatory: true,
        message: expect.stringContaining('server "pg" has highAvailability.mode "Disabled"'),
      },
      {
        policy: "postgres-protect-server-and-database",
        mandatory: true,
        message: expect.stringContaining('server "pg" is not protected'),
      },
    ]);
  });

  it("blocks an open firewall range", async () => {
    const response = await analyze("azure-native:dbforpostgresql:FirewallRule", "everyone", {
      startIpAddress: "0.0.0.0",
      endIpAddress: "255.255.255.255",
    });
    expect(diagnostics(response)).toEqual([
      {
        policy: "postgres-firewall-no-open-range",
        mandatory: true,
        message: expect.stringContaining("opens the server to the internet"),
      },
    ]);
  });

  it("checks the postgresql provider despite its provider type token", async () => {
    const response = await analyze("pulumi:providers:postgresql", "pg-admin", { sslmode: "disable" });
    expect(diagnostics(response).map((diagnostic) => diagnostic.policy)).toEqual(["postgres-provider-requires-tls"]);
  });

  it("turns a value unknown during preview into an advisory note instead of a failure", async () => {
    const unknownString = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const response = await analyze("azure-native:dbforpostgresql:FirewallRule", "ci", {
      startIpAddress: unknownString,
      endIpAddress: "10.0.0.1",
    });
    expect(diagnostics(response)).toEqual([
      {
        policy: "postgres-firewall-no-open-range",
        mandatory: false,
        message: expect.stringContaining("can't run policy 'postgres-firewall-no-open-range'"),
      },
    ]);
  });

  it("validates the stack: the vector extension must be in the allowlist it depends on", async () => {
    const resource = (type: string, name: string, props: Record<string, unknown>, dependencies: string[] = []) =>
      new analyzer.AnalyzerResource()
        .setType(type)
        .setName(name)
        .setUrn(`urn:pulumi:prod::pgvector-stack::${type}::${name}`)
        .setProperties(Struct.fromJavaScript(props as Record<string, never>))
        .setOptions(resourceOptions(false))
        .setDependenciesList(dependencies.map((dependency) => `urn:pulumi:prod::pgvector-stack::${dependency}`));
    const allowlistType = "azure-native:dbforpostgresql:Configuration";
    const stack = (allowlist: string) =>
      new analyzer.AnalyzeStackRequest().setResourcesList([
        resource("azure-native:dbforpostgresql:Server", "pg", zoneRedundantServer),
        resource(allowlistType, "allowlist", { configurationName: "azure.extensions", value: allowlist }),
        resource("postgresql:index/extension:Extension", "vector", { name: "vector" }, [`${allowlistType}::allowlist`]),
        // The server's delete lock, so that only the allow-list decides (postgres-server-delete-lock).
        resource("azure-native:authorization:ManagementLockByScope", "lock", { level: "CanNotDelete" }, [
          "azure-native:dbforpostgresql:Server::pg",
        ]),
      ]);
    const analyzeStack = (request: analyzer.AnalyzeStackRequest) =>
      call<analyzer.AnalyzeResponse>((callback) => client.analyzeStack(request, callback));
    expect(diagnostics(await analyzeStack(stack("pg_trgm,vector")))).toEqual([]);
    expect(diagnostics(await analyzeStack(stack("pg_trgm")))).toEqual([
      {
        policy: "postgres-extension-allowlisted",
        mandatory: true,
        message: expect.stringContaining('Extension "vector" (vector) is not in the azure.extensions allowlist'),
      },
    ]);
  });
});
