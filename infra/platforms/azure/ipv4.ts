/** IPv4 addresses and ranges as Azure firewall rules and virtual networks take them. */
// The one IPv4 parser is the policy pack's, which must stay self-contained (see policy/ipv4.ts).
import { parseIpv4 } from "../../../policy/ipv4";

export { parseIpv4 };

export interface Ipv4Range {
  start: string;
  end: string;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

export type CidrResult = { ok: true; first: number; last: number; prefix: number } | { ok: false; problem: string };

/** "10.42.0.0/16" -> the first and last address of the block. Host bits must be zero. */
export function parseCidr(text: string): CidrResult {
  const [address, prefixText, ...rest] = text.split("/");
  const base = address === undefined ? undefined : parseIpv4(address);
  const prefix = prefixText !== undefined && /^\d{1,2}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (base === undefined || rest.length > 0 || !(prefix >= 0 && prefix <= 32)) {
    return { ok: false, problem: "is not an IPv4 CIDR block (e.g. 203.0.113.0/24)" };
  }
  const size = 2 ** (32 - prefix);
  const first = Math.floor(base / size) * size;
  if (first !== base) {
    return {
      ok: false,
      problem: `has host bits set after the /${prefix} prefix; the block starts at ${formatIpv4(first)}/${prefix}`,
    };
  }
  return { ok: true, first, last: first + size - 1, prefix };
}

export type RangeResult = { ok: true; range: Ipv4Range; first: number; last: number } | { ok: false; problem: string };

/** "203.0.113.7", "203.0.113.0/24" or "198.51.100.10-198.51.100.20" -> start and end address. */
export function parseIpv4Range(text: string): RangeResult {
  const trimmed = text.trim();
  if (trimmed.includes("/")) {
    const cidr = parseCidr(trimmed);
    return cidr.ok
      ? {
          ok: true,
          first: cidr.first,
          last: cidr.last,
          range: { start: formatIpv4(cidr.first), end: formatIpv4(cidr.last) },
        }
      : cidr;
  }
  const [startText, endText, ...rest] = trimmed.split("-").map((part) => part.trim());
  const first = startText === undefined ? undefined : parseIpv4(startText);
  const last = endText === undefined ? first : parseIpv4(endText);
  if (first === undefined || last === undefined || rest.length > 0) {
    return {
      ok: false,
      problem:
        "is not an IPv4 address, range or CIDR block (203.0.113.7, 198.51.100.10-198.51.100.20 or 203.0.113.0/24)",
    };
  }
  if (first > last) {
    return { ok: false, problem: `starts after it ends (${formatIpv4(first)} > ${formatIpv4(last)})` };
  }
  return { ok: true, first, last, range: { start: formatIpv4(first), end: formatIpv4(last) } };
}

export const allIpv4 = { first: 0, last: 2 ** 32 - 1 };
