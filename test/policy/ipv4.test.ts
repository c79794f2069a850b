// One IPv4 parser for the policy pack's firewall check and the stack's Azure firewall settings: what the stack
// accepts, the policy reads as the same address, and neither reads a leading zero (octal to some parsers).
import { describe, expect, it } from "vitest";
import { parseIpv4 as stackParseIpv4 } from "../../infra/platforms/azure/ipv4";
import { parseIpv4 as policyParseIpv4 } from "../../policy/ipv4";

describe("IPv4 in the policy pack and the stack", () => {
  it("agree on every address, and both refuse leading zeros", () => {
    const texts = ["203.0.113.7", "0.0.0.0", "255.255.255.255", "01.2.3.4", "010.0.0.1", "1.2.3.04", "1.2.3.00"];
    const parsed = texts.map((text) => ({ text, stack: stackParseIpv4(text), policy: policyParseIpv4(text) }));
    expect(parsed.filter((entry) => entry.stack !== entry.policy)).toEqual([]);
    expect(parsed.filter((entry) => entry.policy !== undefined).map((entry) => entry.text)).toEqual([
      "203.0.113.7",
      "0.0.0.0",
      "255.255.255.255",
    ]);
  });
});
