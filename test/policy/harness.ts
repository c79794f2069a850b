// Calls policies the way @pulumi/policy's analyzer server does (server.js: makeAnalyzeRpcFun and
// makeAnalyzeStackRpcFun), with props wrapped in its unknown-value proxy, and collects what they report.

import { createRequire } from "node:module";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

// Internal to @pulumi/policy (not in its typings), but exactly what its server wraps resource props in.
const proxy = createRequire(__filename)("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(value: T): T;
  unknownStringValue: string;
};
const { unknownCheckingProxy } = proxy;

/** The sentinel @pulumi/policy's deserializer puts where a string is unknown during preview. */
export const unknownStringValue = proxy.unknownStringValue;

export interface Outcome {
  violations: { message: string; urn?: string }[];
  /** Set when the policy declared itself not applicable. */
  notApplicable?: string;
}

export interface FakeResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  protect?: boolean;
  /** Default: a URN made of the type and name. */
  urn?: string;
  /** URNs or names of resources this one depends on (stack policies). */
  dependsOn?: string[];
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "not applicable");
};

function isTypeOf(type: string, resourceClass: unknown): boolean {
  const pulumiType = (resourceClass as { __pulumiType?: string }).__pulumiType;
  if (pulumiType) return type === pulumiType;
  const isInstance = (resourceClass as { isInstance?: (o: unknown) => boolean }).isInstance;
  return typeof isInstance === "function" && isInstance({ __pulumiType: type }) === true;
}

function options(resource: FakeResource): PolicyResourceOptions {
  return {
    protect: resource.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

export function urnOf(resource: FakeResource): string {
  return resource.urn ?? `urn:pulumi:prod::pgvector-stack::${resource.type}::${resource.name}`;
}

async function collect(run: (report: ReportViolation) => Promise<void> | void): Promise<Outcome> {
  const violations: Outcome["violations"] = [];
  const report: ReportViolation = (message: string, urn?: string) => {
    violations.push(urn === undefined ? { message } : { message, urn });
  };
  try {
    await run(report);
  } catch (error) {
    if (error instanceof NotApplicable) return { violations, notApplicable: error.message };
    throw error;
  }
  return { violations };
}

export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  resource: FakeResource,
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
  const args: ResourceValidationArgs = {
    type: resource.type,
    props,
    urn: urnOf(resource),
    name: resource.name,
    opts: options(resource),
    stackTags: new Map(),
    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
    asType: ((resourceClass: unknown) =>
      isTypeOf(resource.type, resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
  const validations = policy.validateResource;
  if (validations === undefined) throw new Error(`${policy.name} has no validateResource`);
  return collect(async (report) => {
    for (const validation of Array.isArray(validations) ? validations : [validations]) {
      await validation(args, report);
    }
  });
}

export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: readonly FakeResource[],
  config: Record<string, unknown> = {},
): Promise<Outcome> {
  const byUrn = new Map<string, PolicyResource>();
  for (const resource of resources) {
    const props = unknownCheckingProxy(resource.props) as Record<string, unknown>;
    byUrn.set(urnOf(resource), {
      type: resource.type,
      props,
      urn: urnOf(resource),
      name: resource.name,
      opts: options(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: ((resourceClass: unknown) =>
        isTypeOf(resource.type, resourceClass) ? props : undefined) as PolicyResource["asType"],
    });
  }
  const find = (key: string) =>
    byUrn.get(key) ?? [...byUrn.values()].find((candidate) => candidate.name === key && !key.startsWith("urn:"));
  for (const resource of resources) {
    const policyResource = byUrn.get(urnOf(resource)) as PolicyResource;
    policyResource.dependencies = (resource.dependsOn ?? []).map((key) => {
      const dependency = find(key);
      if (!dependency) throw new Error(`test resource ${resource.name} depends on unknown ${key}`);
      return dependency;
    });
  }
  return collect((report) =>
    policy.validateStack(
      {
        resources: [...byUrn.values()],
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable,
      },
      report,
    ),
  );
}
