// IPv4 dotted-quad parsing for firewall-rule checks (Azure Flexible Server firewall rules are IPv4 only).

/** The address as an unsigned 32-bit number, or undefined when the text is not a dotted-quad IPv4 address. */
export function parseIpv4(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const parts = text.trim().split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** Number of addresses from start to end, inclusive. */
export function rangeSize(start: number, end: number): number {
  return end - start + 1;
}
