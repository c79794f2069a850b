// Plays the Pulumi engine against the SDK's own dynamic-provider host, over gRPC with the SDK's generated stubs.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";

import providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
import providerPb = require("@pulumi/pulumi/proto/provider_pb");
import structPb = require("google-protobuf/google/protobuf/struct_pb");

import { repoRoot } from "../../support";

export type Props = Record<string, unknown>;

export const migrationsType = "pulumi-nodejs:dynamic/pgvector:Migrations";
export const urn = `urn:pulumi:test::pgvector-stack::${migrationsType}::migrations`;
export const { DiffChanges } = providerPb.DiffResponse;

export interface CheckResult {
  inputs: Props;
  failures: { property: string; reason: string }[];
}

export interface DiffResult {
  changes: providerPb.DiffResponse.DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}

export interface ProviderHost {
  configure(): Promise<{ acceptSecrets: boolean }>;
  check(olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(properties: Props): Promise<{ id: string; properties: Props }>;
  update(id: string, olds: Props, news: Props): Promise<Props>;
  read(id: string, properties: Props, inputs: Props): Promise<{ id: string; properties: Props }>;
  delete(id: string, properties: Props): Promise<void>;
  /** Everything the host wrote to stdout (after the port) and stderr so far. */
  output(): string;
  /**
   * Everything the host wrote, once it contains `text`: its output reaches this process on pipes that are read
   * independently of the gRPC answers, so a line written during a call may arrive just after the call's answer.
   */
  outputContaining(text: string): Promise<string>;
  stop(): Promise<void>;
}

const hostLauncher = join(repoRoot, "node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs");

function struct(value: Props): structPb.Struct {
  return structPb.Struct.fromJavaScript(value as Record<string, structPb.JavaScriptValue>);
}

function toProps(value: structPb.Struct | undefined): Props {
  return (value?.toJavaScript() ?? {}) as Props;
}

/** A gRPC error as the Pulumi CLI would print it: the provider's message. */
export class ProviderCallError extends Error {
  constructor(
    readonly method: string,
    readonly details: string,
  ) {
    super(`${method} failed: ${details}`);
  }
}

type Callback<Response> = (error: grpc.ServiceError | null, response: Response) => void;

function unary<Response>(method: string, call: (callback: Callback<Response>) => unknown): Promise<Response> {
  return new Promise((resolve, reject) => {
    call((error, response) => {
      if (error) reject(new ProviderCallError(method, error.details));
      else resolve(response);
    });
  });
}

function waitForPort(child: ChildProcess, collect: (text: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let resolved = false;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (resolved) return collect(chunk);
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0) return;
      resolved = true;
      collect(buffered.slice(newline + 1));
      const port = Number(buffered.slice(0, newline).trim());
      if (Number.isInteger(port) && port > 0) resolve(port);
      else reject(new Error(`the dynamic-provider host printed "${buffered.slice(0, newline)}" instead of a port`));
    });
    child.on("exit", (code, signal) => {
      if (!resolved) reject(new Error(`the dynamic-provider host exited (${code ?? signal}) before printing its port`));
    });
    child.on("error", reject);
  });
}

/**
 * Starts `pulumi-resource-pulumi-nodejs` in `workingDirectory`, as the Pulumi CLI does (in the program directory,
 * or the project directory): the host resolves `@pulumi/pulumi` and `pgvector-migrate` from there. The engine
 * address argument is never dialled. `env` adds environment variables; `launcher` is another project's copy of
 * the SDK's launcher (default: this repository's).
 */
export async function startProviderHost(
  workingDirectory: string,
  env: Readonly<Record<string, string>> = {},
  launcher: string = hostLauncher,
): Promise<ProviderHost> {
  const child = spawn(launcher, ["127.0.0.1:1"], {
    cwd: workingDirectory,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // The launcher runs `node` from PATH: make it this Node (the SDK needs >= 22).
    env: { ...process.env, ...env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}` },
  });
  let output = "";
  const waiting = new Set<{ text: string; resolve: (output: string) => void }>();
  const collect = (text: string) => {
    output += text;
    for (const waiter of waiting) {
      if (output.includes(waiter.text)) {
        waiting.delete(waiter);
        waiter.resolve(output);
      }
    }
  };
  child.stderr?.setEncoding("utf8").on("data", collect);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM"); // the launcher is `sh`, the host its child: end the group
      } catch {
        // already gone
      }
      await exited;
    }
  };

  let port: number;
  try {
    port = await waitForPort(child, collect);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

  return {
    async configure() {
      const request = new providerPb.ConfigureRequest().setArgs(struct({})).setAcceptsecrets(true);
      const response = await unary<providerPb.ConfigureResponse>("configure", (callback) =>
        client.configure(request, callback),
      );
      return { acceptSecrets: response.getAcceptsecrets() };
    },
    async check(olds, news) {
      const request = new providerPb.CheckRequest().setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
      const response = await unary<providerPb.CheckResponse>("check", (callback) => client.check(request, callback));
      return {
        inputs: toProps(response.getInputs()),
        failures: response.getFailuresList().map((failure) => ({
          property: failure.getProperty(),
          reason: failure.getReason(),
        })),
      };
    },
    async diff(id, olds, news) {
      const request = new providerPb.DiffRequest().setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news));
      const response = await unary<providerPb.DiffResponse>("diff", (callback) => client.diff(request, callback));
      return {
        changes: response.getChanges(),
        replaces: response.getReplacesList(),
        deleteBeforeReplace: response.getDeletebeforereplace(),
      };
    },
    async create(properties) {
      const request = new providerPb.CreateRequest().setUrn(urn).setProperties(struct(properties)).setTimeout(3600);
      const response = await unary<providerPb.CreateResponse>("create", (callback) => client.create(request, callback));
      return { id: response.getId(), properties: toProps(response.getProperties()) };
    },
    async update(id, olds, news) {
      const request = new providerPb.UpdateRequest()
        .setId(id)
        .setUrn(urn)
        .setOlds(struct(olds))
        .setNews(struct(news))
        .setTimeout(3600);
      const response = await unary<providerPb.UpdateResponse>("update", (callback) => client.update(request, callback));
      return toProps(response.getProperties());
    },
    async read(id, properties, inputs) {
      const request = new providerPb.ReadRequest()
        .setId(id)
        .setUrn(urn)
        .setProperties(struct(properties))
        .setInputs(struct(inputs));
      const response = await unary<providerPb.ReadResponse>("read", (callback) => client.read(request, callback));
      return { id: response.getId(), properties: toProps(response.getProperties()) };
    },
    async delete(id, properties) {
      const request = new providerPb.DeleteRequest().setId(id).setUrn(urn).setProperties(struct(properties));
      await unary("delete", (callback) => client.delete(request, callback));
    },
    output: () => output,
    outputContaining: (text) =>
      output.includes(text) ? Promise.resolve(output) : new Promise((resolve) => waiting.add({ text, resolve })),
    async stop() {
      client.close();
      await stop();
    },
  };
}
