// Runs Pulumi program code under pulumi.runtime.setMocks and records every registration as the engine would see
// it: the serialized inputs (with their secret envelopes), the dependency URNs and the resource options.
import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, staticConfigSource } from "../../../infra/config";
import { createStack, type StackOutputs } from "../../../infra/program";

// waitForRPCs and getMonitor are exported by the SDK's runtime; waitForRPCs is left out of its type declarations.
const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };

/** rpc.specialSigKey / specialSecretSig: how a secret value is wrapped on the wire. */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  parent: string;
  protect: boolean;
  /** Provider reference ("urn::id") or "". */
  provider: string;
  /** Every resource this one waits for: explicit dependsOn and the resources behind its input Outputs. */
  dependencies: string[];
  deletedWith: string;
  retainOnDelete: boolean;
  /** The inputs as sent to the engine; secrets are still wrapped in their envelopes. */
  wire: Record<string, unknown>;
  /** The inputs with secrets unwrapped. */
  inputs: Record<string, unknown>;
}

export interface MockOptions {
  project?: string;
  stack?: string;
  /** Default "organization", what the CLI reports with a self-managed (DIY) backend. */
  organization?: string;
  preview?: boolean;
  /** Outputs of referenced stacks, by fully qualified stack name. */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Result of a provider function (invoke), by token. */
  calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
  /** Output state of a custom resource, by type; the default echoes the inputs. */
  outputs?: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>>;
}

/** Passwords the mocked RandomPassword resources generated; none may appear in plain text in any input. */
export const generatedPasswords: string[] = [];

const defaultOutputs: NonNullable<MockOptions["outputs"]> = {
  "random:index/randomPassword:RandomPassword": (name) => {
    const result = `Generated-${name}-${generatedPasswords.length}_Pw`;
    generatedPasswords.push(result);
    return { result };
  },
  "pulumi-nodejs:dynamic/pgvector:Migrations": () => ({
    applied: {},
    appliedCount: 0,
    latestVersion: 0,
    latestMigration: "",
    newlyApplied: [],
  }),
};

export interface MockRun<T> {
  result: T;
  registrations: Registration[];
}

export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[sigKey] === secretSig) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, unwrapSecrets(item)]));
  }
  return value;
}

/** Paths of every string in `value` that contains `needle` outside a secret envelope. */
export function plaintextOccurrences(value: unknown, needle: string, path = ""): string[] {
  if (typeof value === "string") return value.includes(needle) ? [path || "(root)"] : [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => plaintextOccurrences(item, needle, `${path}[${index}]`));
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[sigKey] === secretSig) return [];
    return Object.entries(record).flatMap(([key, item]) =>
      plaintextOccurrences(item, needle, path ? `${path}.${key}` : key),
    );
  }
  return [];
}

export async function runUnderMocks<T>(program: () => T, options: MockOptions = {}): Promise<MockRun<T>> {
  const registrations: Registration[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(args.inputs.name);
          const outputs = options.stackOutputs?.[name];
          if (!outputs) throw new Error(`test: no outputs mocked for stack reference ${name}`);
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        const state = (options.outputs?.[args.type] ?? defaultOutputs[args.type])?.(args.name, args.inputs) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...state } };
      },
      call(args) {
        const handler = options.calls?.[args.token];
        if (!handler) throw new Error(`test: no result mocked for function ${args.token}`);
        return handler(args.inputs);
      },
    },
    options.project ?? "pgvector-stack",
    options.stack ?? "dev",
    options.preview ?? false,
    options.organization ?? "organization",
  );

  type Rpc = (request: RegisterRequest, callback: (error: unknown, response: unknown) => void) => void;
  const monitor = runtime.getMonitor() as unknown as { registerResource: Rpc; readResource: Rpc };
  // readResource: resources read rather than created, such as StackReference.
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (request, callback) => {
      original(request, (error, response) => {
        if (!error) registrations.push(describe(request, response as { getUrn(): string }));
        callback(error, response);
      });
    };
  }

  const result = program();
  await runtime.waitForRPCs();
  return { result, registrations };
}

/** RegisterResourceRequest, or ReadResourceRequest (which lacks the options a read resource cannot have). */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom?(): boolean;
  getProtect?(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getDeletedwith?(): string;
  getRetainondelete?(): boolean;
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function describe(request: RegisterRequest, response: { getUrn(): string }): Registration {
  const wire = (request.getObject ?? request.getProperties)?.call(request)?.toJavaScript() ?? {};
  return {
    type: request.getType(),
    name: request.getName(),
    urn: response.getUrn(),
    custom: request.getCustom?.() ?? true,
    parent: request.getParent(),
    protect: request.getProtect?.() ?? false,
    provider: request.getProvider(),
    dependencies: request.getDependenciesList(),
    deletedWith: request.getDeletedwith?.() ?? "",
    retainOnDelete: request.getRetainondelete?.() ?? false,
    wire,
    inputs: unwrapSecrets(wire) as Record<string, unknown>,
  };
}

/** The value of an Output, and whether it is secret (mocks resolve everything, even in preview). */
export async function resolve<T>(output: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const out = pulumi.output(output);
  const internals = out as unknown as { promise(withUnknowns?: boolean): Promise<T>; isSecret: Promise<boolean> };
  return { value: await internals.promise(), secret: await internals.isSecret };
}

export function byType(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((registration) => registration.type === type);
}

export function single(registrations: readonly Registration[], type: string): Registration {
  const found = byType(registrations, type);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}, found ${found.length}: ${registrations.map((r) => r.type).join(", ")}`);
  }
  return found[0] as Registration;
}

export interface StackRun extends MockRun<StackOutputs> {
  /** Resolved stack outputs and whether each is secret. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

/**
 * The whole program (infra/program.ts) for a stack configuration, as `pulumi up` would run it: the configuration
 * is validated by the real loader, then every resource is registered with the mocks.
 */
export async function runStack(
  stack: string,
  config: Record<string, string>,
  options: MockOptions & { secretKeys?: readonly string[] } = {},
): Promise<StackRun> {
  const project = options.project ?? "pgvector-stack";
  const run = await runUnderMocks(
    () => createStack(loadStackConfig(staticConfigSource(project, stack, config, options.secretKeys))),
    { ...options, project, stack },
  );
  const outputs: StackRun["outputs"] = {};
  for (const [key, value] of Object.entries(run.result)) outputs[key] = await resolve(value);
  return { ...run, outputs };
}
