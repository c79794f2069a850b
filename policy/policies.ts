// The production guardrails, one policy per rule. index.ts serves them as a policy pack; tests call them directly.
import type { Policies } from "@pulumi/policy";
import { extensionAllowlisted } from "./extension-allowlist";
import { noOpenFirewallRange } from "./firewall";
import { serverDeleteLock } from "./lock";
import { readEndpointRedundancy } from "./read-endpoint";
import { backupRetention, highAvailability, protectStatefulResources } from "./server";
import { providerRequiresTls, requireSecureTransport } from "./tls";

export const packName = "pgvector-prod-guardrails";

export const policies: Policies = [
  noOpenFirewallRange,
  highAvailability,
  backupRetention,
  requireSecureTransport,
  providerRequiresTls,
  extensionAllowlisted,
  protectStatefulResources,
  serverDeleteLock,
  readEndpointRedundancy,
];
