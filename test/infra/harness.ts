// Runs the real Pulumi program under pulumi.runtime.setMocks and records what the engine would receive: every
// RegisterResource and ReadResource request (type, name, inputs as serialized, dependencies, options) as the SDK
// sends it. Used by the infra, platforms and policy suites.
import * as pulumi from "@pulumi/pulumi";
import { createStack } from "../../infra/program";
import { loadStackConfig } from "../../infra/stack-config";

export const project = "pgvector-stack";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  parent: string;
  /** Inputs exactly as serialized for the engine: secrets are {<sig>: <secret sig>, value} wrappers. */
  serialized: Record<string, unknown>;
  /** The inputs with the secret wrappers removed. */
  inputs: Record<string, unknown>;
  /** URNs of the resources this one depends on (dependsOn and the resources behind its Output inputs). */
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  /** URN of the `deletedWith` resource, or "". */
  deletedWith: string;
  ignoreChanges: string[];
  customTimeouts: { create: string; update: string; delete: string } | undefined;
  /** The provider reference: "<provider urn>::<id>", or "". */
  provider: string;
  /** The `import` resource option: the id of an existing resource the stack adopts, or "". */
  importId: string;
}

/** Values the mocks hand out as generated passwords; none may appear in plain text in any input. */
export const generatedPasswords: string[] = [];

/** rpc.specialSigKey / specialSecretSig: how a secret value is wrapped on the wire. */
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";

export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return typeof value === "object" && value !== null && (value as Record<string, unknown>)[sigKey] === secretSig;
}

/** Removes secret wrappers, for asserting on input values. */
export function plain(value: unknown): unknown {
  if (isSecretWrapper(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
  }
  return value;
}

/** Every string in `value` outside secret wrappers, with its path. */
export function plainTextStrings(value: unknown, path = ""): { path: string; text: string }[] {
  if (isSecretWrapper(value)) return [];
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => plainTextStrings(item, `${path}[${index}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => plainTextStrings(item, `${path}.${key}`));
  }
  return [];
}

/** "<name><path>" of every registered input that holds one of `secrets` in plain text. */
export function plainTextLeaks(registrations: readonly Registration[], secrets: readonly string[]): string[] {
  return registrations.flatMap((registration) =>
    plainTextStrings(registration.serialized)
      .filter(({ text }) => secrets.some((secret) => text.includes(secret)))
      .map(({ path }) => `${registration.type} ${registration.name}${path}`),
  );
}

type State = { id: string; state: Record<string, unknown> };

function mockState(type: string, name: string, inputs: Record<string, unknown>): State {
  const state: Record<string, unknown> = { ...inputs };
  const azureId = (kind: string, physical: string) =>
    `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/${kind}/${physical}`;
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const password = `Mock-${name}-Pw_9x.${generatedPasswords.length}`;
      generatedPasswords.push(password);
      return { id: name, state: { ...state, result: password } };
    }
    case "azure-native:resources:ResourceGroup": {
      const physical = (inputs.resourceGroupName as string | undefined) ?? `${name}1a2b3c4d`;
      return {
        id: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${physical}`,
        state: { ...state, name: physical },
      };
    }
    case "azure-native:dbforpostgresql:Server": {
      const physical = (inputs.serverName as string | undefined) ?? `${name}5e6f7a8b`;
      return {
        id: azureId("Microsoft.DBforPostgreSQL/flexibleServers", physical),
        state: {
          ...state,
          name: physical,
          fullyQualifiedDomainName: `${physical}.postgres.database.azure.com`,
          state: "Ready",
        },
      };
    }
    case "azure-native:dbforpostgresql:Database":
      return {
        id: azureId("Microsoft.DBforPostgreSQL/flexibleServers/databases", String(inputs.databaseName)),
        state: { ...state, name: inputs.databaseName },
      };
    case "azure-native:network:VirtualNetwork":
      return { id: azureId("Microsoft.Network/virtualNetworks", name), state: { ...state, name } };
    case "azure-native:network:Subnet":
      return { id: azureId("Microsoft.Network/virtualNetworks/vnet/subnets", name), state: { ...state, name } };
    case "azure-native:privatedns:PrivateZone":
      return {
        id: azureId("Microsoft.Network/privateDnsZones", String(inputs.privateZoneName)),
        state: { ...state, name: inputs.privateZoneName },
      };
    case "postgresql:index/role:Role":
      return { id: String(inputs.name), state };
    default:
      if (type.startsWith("pulumi-nodejs:dynamic")) {
        return {
          id: name,
          state: { ...state, applied: {}, appliedCount: 0, latestVersion: 0, latestMigration: "", newlyApplied: [] },
        };
      }
      return { id: `${name}-id`, state: { ...state, name: state.name ?? name } };
  }
}

/** The ARM token azure-native's getClientToken hands out under the mocks (a secret input of the readiness gate). */
export const mockArmToken = "mock-arm-token-eyJ0eXAiOiJKV1Qi";

/** Invokes every Azure stack makes, answered unless a test passes its own. */
const defaultCalls: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  "azure-native:authorization:getClientToken": () => ({ token: mockArmToken }),
};

export interface MockOptions {
  /** Config keys that were set with --secret (keys without namespace are the project's). */
  secretKeys?: readonly string[];
  /** Outputs of referenced stacks, by fully qualified stack name (the organization is `organization`). */
  stackOutputs?: Record<string, Record<string, unknown>>;
  /** Result of a provider function (invoke), by token; an invoke without one fails the run. */
  calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
  /** Output state of a custom resource, by type, added to the default mock state. */
  outputs?: Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>>;
}

/** RegisterResourceRequest, or ReadResourceRequest (which lacks the options a read resource cannot have). */
interface ResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getCustom?(): boolean;
  getProtect?(): boolean;
  getRetainondelete?(): boolean;
  getDeletedwith?(): string;
  getIgnorechangesList?(): string[];
  getImportid?(): string;
  getCustomtimeouts?(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getObject?(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProperties?(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function describe(request: ResourceRequest, urn: string): Registration {
  const serialized = (request.getObject ?? request.getProperties)?.call(request)?.toJavaScript() ?? {};
  const timeouts = request.getCustomtimeouts?.();
  return {
    type: request.getType(),
    name: request.getName(),
    urn,
    custom: request.getCustom?.() ?? true,
    parent: request.getParent(),
    serialized,
    inputs: plain(serialized) as Record<string, unknown>,
    dependencies: request.getDependenciesList(),
    protect: request.getProtect?.() ?? false,
    retainOnDelete: request.getRetainondelete?.() ?? false,
    deletedWith: request.getDeletedwith?.() ?? "",
    ignoreChanges: request.getIgnorechangesList?.() ?? [],
    customTimeouts: timeouts
      ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
      : undefined,
    provider: request.getProvider(),
    importId: request.getImportid?.() ?? "",
  };
}

// waitForRPCs is exported by the SDK's runtime but left out of its type declarations.
const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };

export interface MockRun {
  registrations: Registration[];
  /** The state the mocks gave each custom resource, by "<type>::<name>" (what a refresh would read). */
  states: Record<string, Record<string, unknown>>;
  /** Resolved stack outputs, and which of them are secret. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

/** The value of an Output, and whether it is secret (mocks resolve everything). */
async function resolve<T>(output: pulumi.Input<T>): Promise<{ value: T; secret: boolean }> {
  const internals = pulumi.output(output) as unknown as { promise(): Promise<T>; isSecret: Promise<boolean> };
  return { value: await internals.promise(), secret: await internals.isSecret };
}

/**
 * Sets up mocks for `stack` with the given configuration (keys without namespace are the project's), runs
 * `program` and waits until every registration is done.
 */
export async function runWithMocks(
  stack: string,
  config: Record<string, string>,
  program: () => Record<string, pulumi.Input<unknown>> | Promise<Record<string, pulumi.Input<unknown>>>,
  options: MockOptions = {},
): Promise<MockRun> {
  const states: MockRun["states"] = {};
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(args.inputs.name);
          const outputs = options.stackOutputs?.[name];
          if (!outputs) throw new Error(`test: no outputs mocked for stack reference ${name}`);
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        const mocked = mockState(args.type, args.name, args.inputs);
        const extra = options.outputs?.[args.type]?.(args.name, args.inputs) ?? {};
        const state = { ...mocked.state, ...extra };
        states[`${args.type}::${args.name}`] = state;
        // An imported resource keeps the id it has in the cloud.
        return { id: args.id || mocked.id, state };
      },
      call(args) {
        const handler = options.calls?.[args.token] ?? defaultCalls[args.token];
        if (!handler) throw new Error(`test: no result mocked for function ${args.token}`);
        return handler(args.inputs);
      },
    },
    project,
    stack,
    false,
    "organization",
  );
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [qualify(key), value])),
    (options.secretKeys ?? []).map(qualify),
  );

  const registrations: Registration[] = [];
  type Rpc = (request: ResourceRequest, callback: (error: unknown, response: unknown) => void) => void;
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: Rpc; readResource: Rpc };
  // readResource: resources read rather than created, such as a StackReference.
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (request, callback) => {
      original(request, (error, response) => {
        if (!error && response) registrations.push(describe(request, (response as { getUrn(): string }).getUrn()));
        callback(error, response);
      });
    };
  }

  const exported = await program();
  const outputs: MockRun["outputs"] = {};
  for (const [key, value] of Object.entries(exported)) outputs[key] = await resolve(value);
  await runtime.waitForRPCs();
  return { registrations, states, outputs };
}

/** The whole program (infra/program.ts) as `pulumi up` runs it: the real loader reads the mocked configuration. */
export function runStack(stack: string, config: Record<string, string>, options: MockOptions = {}): Promise<MockRun> {
  return runWithMocks(stack, config, () => createStack(loadStackConfig()), options);
}

export function byType(registrations: readonly Registration[], type: string): Registration[] {
  return registrations.filter((registration) => registration.type === type);
}

/** The one registration of `type` (and `name`); throws when there are none or several. */
export function single(registrations: readonly Registration[], type: string, name?: string): Registration {
  const found = byType(registrations, type).filter((registration) => name === undefined || registration.name === name);
  if (found.length !== 1) {
    const all = registrations.map((registration) => `${registration.type} ${registration.name}`).join(", ");
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length} among: ${all}`);
  }
  return found[0] as Registration;
}

/** Whether `from` waits for `to`, directly or through other registrations. */
export function dependsOnTransitively(
  registrations: readonly Registration[],
  from: Registration,
  to: Registration,
): boolean {
  const seen = new Set<string>();
  const pending = [...from.dependencies];
  while (pending.length > 0) {
    const urn = pending.pop() as string;
    if (urn === to.urn) return true;
    if (seen.has(urn)) continue;
    seen.add(urn);
    pending.push(...(registrations.find((registration) => registration.urn === urn)?.dependencies ?? []));
  }
  return false;
}
