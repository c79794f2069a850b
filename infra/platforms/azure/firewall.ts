import type { Problem } from "../../config/problems";
import { quote } from "../../config/setting";
import { allIpv4, parseIpv4Range } from "./ipv4";
import { type AzureSettingValues, isSet } from "./settings";

/** Firewall rule names: 1 to 128 characters (azurerm validate/flexible_server_firewall_rule_name.go). */
export const firewallRuleNameMaxLength = 128;

export interface FirewallRule {
  name: string;
  startIpAddress: string;
  endIpAddress: string;
}

type ParsedRule = { ok: true; rule: FirewallRule; first: number; last: number } | { ok: false; problem: string };

/** "office=203.0.113.0/24" -> the Azure firewall rule. */
export function parseFirewallRule(text: string): ParsedRule {
  const separator = text.indexOf("=");
  const name = separator < 0 ? "" : text.slice(0, separator).trim();
  if (separator < 0 || name === "") {
    return {
      ok: false,
      problem: `${quote(text)} is not NAME=RANGE (e.g. office=203.0.113.0/24 or ci=198.51.100.10-198.51.100.20).`,
    };
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    return {
      ok: false,
      problem: `${quote(text)}: the rule name ${quote(name)} may use only letters, digits, _ . and -.`,
    };
  }
  if (name.length > firewallRuleNameMaxLength) {
    return {
      ok: false,
      problem: `${quote(text)}: the rule name is ${name.length} characters long; Azure takes at most ${firewallRuleNameMaxLength}.`,
    };
  }
  const range = parseIpv4Range(text.slice(separator + 1));
  if (!range.ok) return { ok: false, problem: `${quote(text)}: the range ${range.problem}.` };
  return {
    ok: true,
    first: range.first,
    last: range.last,
    rule: { name, startIpAddress: range.range.start, endIpAddress: range.range.end },
  };
}

/** The rules of public access: every firewall rule readable, named once, and none that opens the server by accident. */
export function publicNetworkProblems(values: AzureSettingValues): Problem[] {
  const problems: Problem[] = [];
  const names = new Set<string>();
  values.firewallRules.forEach((entry, index) => {
    const setting = `firewallRules[${index}]`;
    const parsed = parseFirewallRule(entry);
    if (!parsed.ok) {
      problems.push({ setting, message: parsed.problem });
      return;
    }
    if (names.has(parsed.rule.name)) {
      problems.push({ setting, message: `${quote(entry)}: another rule is already named ${quote(parsed.rule.name)}.` });
    }
    names.add(parsed.rule.name);
    if (parsed.first === 0 && parsed.last === 0) {
      problems.push({
        setting,
        message: `${quote(entry)} is Azure's "allow Azure services" rule (0.0.0.0); set allowAzureServices to true instead.`,
      });
    } else if (parsed.first === allIpv4.first && parsed.last === allIpv4.last && !values.allowAllIpAddresses) {
      problems.push({
        setting,
        message:
          `${quote(entry)} admits every IPv4 address on the internet. List your CI and office ranges instead, ` +
          "or, if you really mean it, set allowAllIpAddresses to true.",
      });
    }
  });
  if (values.firewallRules.length === 0 && !values.allowAzureServices) {
    problems.push({
      setting: "firewallRules",
      message:
        "is empty, so with networkAccess public nobody can connect, not even Pulumi to create the extension. " +
        "Add the ranges Pulumi and your applications connect from (e.g. office=203.0.113.0/24), or set allowAzureServices to true.",
    });
  }
  const privateOnly = [
    "delegatedSubnetId",
    "privateDnsZoneId",
    "deployerInVnet",
    "peerVnetId",
    "dnsZoneLinkVnetIds",
  ] as const;
  for (const key of privateOnly) {
    if (isSet(values[key])) {
      problems.push({
        setting: key,
        message: "applies to networkAccess private only; unset it or set networkAccess to private.",
      });
    }
  }
  return problems;
}
