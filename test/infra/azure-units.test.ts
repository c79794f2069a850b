import { describe, expect, it } from "vitest";
import { stackExtensions } from "../../infra/config";
import { azureExtensionsAllowlist } from "../../infra/platforms/azure/allowlist";
import { parseCidr, parseIpv4, parseIpv4Range } from "../../infra/platforms/azure/ipv4";
import { parseMaintenanceWindow } from "../../infra/platforms/azure/maintenance-window";

describe("azure.extensions value", () => {
  it("merges lists, always with vector, lower-case as ARM spells them, without duplicates, sorted", () => {
    expect(azureExtensionsAllowlist()).toBe("vector");
    expect(azureExtensionsAllowlist(["vector"])).toBe("vector");
    expect(azureExtensionsAllowlist(["pg_trgm", "Vector"], ["PG_TRGM", " uuid-ossp ", ""], ["citext"])).toBe(
      "citext,pg_trgm,uuid-ossp,vector",
    );
  });

  it("does not change with the order of the configured list", () => {
    expect(azureExtensionsAllowlist(["hstore", "citext"])).toBe(azureExtensionsAllowlist(["citext", "hstore"]));
  });
});

describe("extensions a stack creates", () => {
  it("lower-case, de-duplicated, sorted, with vector", () => {
    expect(stackExtensions([])).toEqual(["vector"]);
    expect(stackExtensions(["PG_TRGM", "pg_trgm", "Vector", " citext "])).toEqual(["citext", "pg_trgm", "vector"]);
  });
});

describe("IPv4", () => {
  it("parses dotted quads only", () => {
    expect(parseIpv4("203.0.113.7")).toBe(3405803783);
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", "1.2.3.-4"]) {
      expect({ bad, value: parseIpv4(bad) }).toEqual({ bad, value: undefined });
    }
  });

  it("turns CIDR blocks and ranges into first and last address", () => {
    expect(parseIpv4Range("203.0.113.0/24")).toMatchObject({
      ok: true,
      range: { start: "203.0.113.0", end: "203.0.113.255" },
    });
    expect(parseIpv4Range("192.0.2.9/32")).toMatchObject({ ok: true, range: { start: "192.0.2.9", end: "192.0.2.9" } });
    expect(parseIpv4Range("0.0.0.0/0")).toMatchObject({
      ok: true,
      range: { start: "0.0.0.0", end: "255.255.255.255" },
    });
    expect(parseIpv4Range(" 198.51.100.10 - 198.51.100.20 ")).toMatchObject({
      ok: true,
      range: { start: "198.51.100.10", end: "198.51.100.20" },
    });
    expect(parseCidr("10.42.0.0/16")).toEqual({ ok: true, first: 0x0a2a0000, last: 0x0a2affff, prefix: 16 });
    expect(parseCidr("10.42.0.0/33").ok).toBe(false);
    expect(parseCidr("10.42.0.0").ok).toBe(false);
  });
});

describe("maintenance window", () => {
  it("reads a day and a UTC time", () => {
    expect(parseMaintenanceWindow("Sun 02:30")).toEqual({ dayOfWeek: 0, startHour: 2, startMinute: 30 });
    expect(parseMaintenanceWindow("saturday 23:00")).toEqual({ dayOfWeek: 6, startHour: 23, startMinute: 0 });
    for (const bad of ["Sun", "Su 02:00", "Sun 24:00", "Sun 02:60", "Funday 02:00", "Sundays 02:00", "02:00 Sun"]) {
      expect({ bad, value: parseMaintenanceWindow(bad) }).toEqual({ bad, value: undefined });
    }
  });
});
