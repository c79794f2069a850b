import { FirewallRule } from "@pulumi/azure-native/dbforpostgresql";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { parseIpv4, rangeSize } from "./ipv4";

export interface FirewallConfig {
  /** Widest range a rule may admit. Default 256 addresses (a /24, the usual office or NAT egress block). */
  maxAddresses: number;
  /**
   * Allow the 0.0.0.0–0.0.0.0 rule, Azure's "allow access from Azure services". Default false: it admits
   * connections from every Azure subscription, not only yours; use private access or your egress IPs instead.
   */
  allowAzureServices: boolean;
}

export const firewallDefaults: FirewallConfig = { maxAddresses: 256, allowAzureServices: false };

export const noOpenFirewallRange: ResourceValidationPolicy = {
  name: "postgres-firewall-no-open-range",
  description: "PostgreSQL firewall rules admit only narrow, explicit IPv4 ranges (never 0.0.0.0–255.255.255.255).",
  remediationSteps:
    "Use private access (delegated subnet), or list your CI/office egress addresses as /32 or small ranges.",
  severity: "critical",
  configSchema: {
    properties: {
      maxAddresses: { type: "integer", minimum: 1, default: firewallDefaults.maxAddresses },
      allowAzureServices: { type: "boolean", default: firewallDefaults.allowAzureServices },
    },
  },
  validateResource: validateResourceOfType(FirewallRule, (rule, args, reportViolation) => {
    const config: FirewallConfig = { ...firewallDefaults, ...args.getConfig<Partial<FirewallConfig>>() };
    const label = `firewall rule "${args.name}" (${rule.startIpAddress} – ${rule.endIpAddress})`;
    const start = parseIpv4(rule.startIpAddress);
    const end = parseIpv4(rule.endIpAddress);
    if (start === undefined || end === undefined) {
      reportViolation(`${label}: startIpAddress and endIpAddress must be IPv4 addresses such as 203.0.113.10.`);
      return;
    }
    if (start > end) {
      reportViolation(`${label}: startIpAddress is after endIpAddress.`);
      return;
    }
    if (start === 0 && end === 0) {
      if (!config.allowAzureServices) {
        reportViolation(
          `${label} is Azure's "allow access from Azure services" rule, which admits connections from every Azure ` +
            "subscription. Remove it, or set allowAzureServices: true in this policy's configuration if you accept that.",
        );
      }
      return;
    }
    if (start === 0) {
      // 0.0.0.0/8 is "this network" and never a client address: such a range is an "allow everything" in disguise.
      reportViolation(`${label} starts at 0.0.0.0, which opens the server to the internet.`);
      return;
    }
    const size = rangeSize(start, end);
    if (size > config.maxAddresses) {
      reportViolation(
        `${label} admits ${size} addresses; at most ${config.maxAddresses} are allowed (maxAddresses in this policy's configuration).`,
      );
    }
  }),
};
