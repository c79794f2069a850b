import { Configuration } from "@pulumi/azure-native/dbforpostgresql";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

/** The server parameter name a Configuration sets: its configurationName input, or its name output. */
export function parameterName(props: { configurationName?: unknown; name?: unknown }, resourceName: string): string {
  const name = "configurationName" in props ? props.configurationName : "name" in props ? props.name : resourceName;
  return String(name).toLowerCase();
}

/** PostgreSQL's spellings of a false boolean setting. */
function isOff(value: unknown): boolean {
  return ["off", "false", "no", "0"].includes(String(value).trim().toLowerCase());
}

export const requireSecureTransport: ResourceValidationPolicy = {
  name: "postgres-require-secure-transport",
  description: "The server parameter require_secure_transport stays on, so clients must connect with TLS.",
  remediationSteps: "Remove the Configuration that sets require_secure_transport to off (Azure's default is on).",
  severity: "critical",
  validateResource: validateResourceOfType(Configuration, (configuration, args, reportViolation) => {
    if (parameterName(configuration, args.name) !== "require_secure_transport") {
      args.notApplicable("Policy only applies to the require_secure_transport parameter");
    }
    if (isOff(configuration.value)) {
      reportViolation(
        `Configuration "${args.name}" sets require_secure_transport to "${configuration.value}": clients could connect without TLS.`,
      );
    }
  }),
};

const postgresqlProviderType = "pulumi:providers:postgresql";
const tlsModes = ["require", "verify-ca", "verify-full"];

export const providerRequiresTls: ResourceValidationPolicy = {
  name: "postgres-provider-requires-tls",
  description: "The @pulumi/postgresql provider connects with sslmode require, verify-ca or verify-full.",
  remediationSteps: 'Set sslmode: "require" (or verify-full with sslrootcert) on the postgresql.Provider.',
  severity: "high",
  // A provider's type token is "pulumi:providers:postgresql", not the class's __pulumiType ("postgresql"),
  // so validateResourceOfType(Provider, ...) would never match.
  validateResource: (args, reportViolation) => {
    if (args.type !== postgresqlProviderType) {
      args.notApplicable(`Policy only applies to resources of type '${postgresqlProviderType}'`);
    }
    const mode = args.props.sslmode ?? args.props.sslMode;
    if (mode === undefined || !tlsModes.includes(String(mode))) {
      reportViolation(
        `postgresql provider "${args.name}" has sslmode ${mode === undefined ? "unset" : `"${mode}"`}; ` +
          `set it to one of: ${tlsModes.join(", ")}, so credentials and data never cross the network in clear text.`,
      );
    }
  },
};
