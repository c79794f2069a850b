// IPv4 dotted-quad parsing: the one implementation, for the policy pack's firewall check and the stack's Azure
// firewall settings (infra/platforms/azure/ipv4.ts imports it). It lives in the pack, with no imports, because the
// pack must stay self-contained (`pulumi policy publish` uploads this folder only), while the Pulumi program
// compiles any file it imports.

const octet = /^(0|[1-9]\d{0,2})$/;

/**
 * "203.0.113.7" -> 3405803783; undefined for anything that is not a plain dotted quad. Leading zeros ("010.0.0.1")
 * are refused: some parsers read them as octal, so the same text would mean another address elsewhere.
 */
export function parseIpv4(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => octet.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** Number of addresses from start to end, inclusive. */
export function rangeSize(start: number, end: number): number {
  return end - start + 1;
}
