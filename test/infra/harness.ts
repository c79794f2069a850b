// Runs the real Pulumi program under pulumi.runtime.setMocks and records what the engine would receive: every
// RegisterResource request (type, name, inputs as serialized, dependencies, options) as the SDK sends it.
import * as pulumi from "@pulumi/pulumi";

export const project = "pgvector-stack";

export interface Registration {
  type: string;
  name: string;
  urn: string;
  custom: boolean;
  parent: string;
  /** Inputs exactly as serialized for the engine: secrets are {<sig>: <secret sig>, value} wrappers. */
  serialized: Record<string, unknown>;
  /** URNs of the resources this one depends on (dependsOn and the resources behind its Output inputs). */
  dependencies: string[];
  protect: boolean;
  retainOnDelete: boolean;
  deletedWith: string;
  ignoreChanges: string[];
  customTimeouts: { create: string; update: string; delete: string } | undefined;
  /** The provider reference: "<provider urn>::<id>". */
  provider: string;
}

/** Values the mocks hand out as generated passwords; none may appear in plain text in any input. */
export const generatedPasswords: string[] = [];

const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const sigKey = "4dabf18193072939515e22adb298388d";

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

function mockState(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
): { id: string; state: Record<string, unknown> } {
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

type MonitorWithRegister = {
  registerResource(
    req: RegisterRequest,
    callback: (err: unknown, resp: { getUrn(): string } | undefined) => void,
  ): void;
};

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDeletedwith(): string;
  getIgnorechangesList(): string[];
  getCustomtimeouts(): { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getProvider(): string;
}

// waitForRPCs is exported by the SDK's runtime but left out of its type declarations.
const runtime = pulumi.runtime as typeof pulumi.runtime & { waitForRPCs(): Promise<void> };

export interface MockRun {
  registrations: Registration[];
  /** Resolved stack outputs, and which of them are secret. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

/**
 * Sets up mocks for `stack` with the given configuration (keys without namespace are the project's), runs
 * `program` and waits until every registration is done.
 */
export async function runWithMocks(
  stack: string,
  config: Record<string, string>,
  program: () => Record<string, pulumi.Input<unknown>> | Promise<Record<string, pulumi.Input<unknown>>>,
  secretKeys: string[] = [],
): Promise<MockRun> {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockState(args.type, args.name, args.inputs),
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [qualify(key), value])),
    secretKeys.map(qualify),
  );

  const registrations: Registration[] = [];
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    register(req, (err, resp) => {
      if (!err && resp) {
        const timeouts = req.getCustomtimeouts();
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: resp.getUrn(),
          custom: req.getCustom(),
          parent: req.getParent(),
          serialized: req.getObject()?.toJavaScript() ?? {},
          dependencies: req.getDependenciesList(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          deletedWith: req.getDeletedwith(),
          ignoreChanges: req.getIgnorechangesList(),
          customTimeouts: timeouts
            ? { create: timeouts.getCreate(), update: timeouts.getUpdate(), delete: timeouts.getDelete() }
            : undefined,
          provider: req.getProvider(),
        });
      }
      callback(err, resp);
    });
  };

  const exported = await program();
  const outputs: MockRun["outputs"] = {};
  for (const [key, value] of Object.entries(exported)) {
    const output = pulumi.output(value) as pulumi.Output<unknown>;
    outputs[key] = {
      value: await new Promise((resolve) => output.apply((resolved) => resolve(resolved))),
      secret: await pulumi.isSecret(output),
    };
  }
  await runtime.waitForRPCs();
  return { registrations, outputs };
}

/** Lookup helpers over the recorded registrations. */
export class Registrations {
  constructor(readonly all: Registration[]) {}

  ofType(type: string): Registration[] {
    return this.all.filter((registration) => registration.type === type);
  }

  one(type: string, name?: string): Registration {
    const matches = this.ofType(type).filter((registration) => name === undefined || registration.name === name);
    if (matches.length !== 1) {
      throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}`);
    }
    return matches[0] as Registration;
  }

  byUrn(urn: string): Registration {
    const match = this.all.find((registration) => registration.urn === urn);
    if (!match) throw new Error(`no registration with URN ${urn}`);
    return match;
  }

  /** Direct dependencies, as registrations. */
  dependenciesOf(registration: Registration): Registration[] {
    return registration.dependencies.map((urn) => this.byUrn(urn));
  }
}
