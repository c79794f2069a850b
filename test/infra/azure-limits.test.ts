// The numeric limits of the Azure settings, at each boundary, as the azurerm provider's flexible server schema
// states them (hashicorp/terraform-provider-azurerm internal/services/postgres/postgresql_flexible_server_resource.go:
// storage_mb in {32768, ..., 2097152, 4193280, 4194304, 8388608, 16777216, 33553408} MiB, backup_retention_days
// IntBetween(7, 35), maintenance_window day 0-6, hour 0-23, minute 0-59; validate/flexible_server_name.go: at most
// 63 characters; validate/flexible_server_firewall_rule_name.go: 1 to 128 characters).
import { describe, expect, it } from "vitest";
import { parseMaintenanceWindow } from "../../infra/platforms/azure/maintenance-window";
import { azureStorageSizesGb } from "../../infra/platforms/azure/offerings";
import { configProblems } from "./config-problems";

const publicAzure = {
  "azure-native:location": "westeurope",
  networkAccess: "public",
  firewallRules: JSON.stringify(["office=203.0.113.0/24"]),
};

const accepts = (config: Record<string, string>) => configProblems({ ...publicAzure, ...config });

/** azurerm's storage_mb allowed values, in MiB. */
const azurermStorageMb = [
  32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4193280, 4194304, 8388608, 16777216, 33553408,
];

describe("storageSizeGb", () => {
  it("offers exactly azurerm's storage_mb values, in GiB", () => {
    expect([...azureStorageSizesGb]).toEqual(azurermStorageMb.map((mb) => mb / 1024));
  });

  it.each(["32", "4095", "4096", "16384", "32767"])("accepts %s", (size) => {
    expect(accepts({ storageSizeGb: size })).toEqual([]);
  });

  it.each(["31", "33", "4094", "32768", "65536"])("rejects %s", (size) => {
    expect(accepts({ storageSizeGb: size })).toEqual([
      expect.stringMatching(
        new RegExp(`^storageSizeGb: "${size}" is not a storage size Azure offers, in GiB\\. .* 16384 or 32767\\.$`),
      ),
    ]);
  });
});

describe("backupRetentionDays", () => {
  it.each(["7", "35"])("accepts %s", (days) => {
    expect(accepts({ backupRetentionDays: days })).toEqual([]);
  });

  it.each(["6", "36"])("rejects %s", (days) => {
    expect(accepts({ backupRetentionDays: days })).toEqual([
      `backupRetentionDays: "${days}" is not a backup retention Azure offers. Accepted values: whole numbers from 7 to 35.`,
    ]);
  });
});

describe("maintenanceWindow", () => {
  it("accepts the last day, hour and minute", () => {
    expect(parseMaintenanceWindow("Sat 23:59")).toEqual({ dayOfWeek: 6, startHour: 23, startMinute: 59 });
    expect(parseMaintenanceWindow("Sun 00:00")).toEqual({ dayOfWeek: 0, startHour: 0, startMinute: 0 });
  });

  it.each(["Sat 24:00", "Sat 23:60"])("rejects %s", (window) => {
    expect(parseMaintenanceWindow(window)).toBeUndefined();
  });
});

describe("serverName", () => {
  it.each([3, 63])("accepts %i characters", (length) => {
    expect(accepts({ serverName: `p${"g".repeat(length - 2)}1` })).toEqual([]);
  });

  it.each([2, 64])("rejects %i characters", (length) => {
    expect(accepts({ serverName: `p${"g".repeat(length - 2)}1` })).toEqual([
      expect.stringMatching(/^serverName: ".*" is not a server name \(3-63 lower-case letters/),
    ]);
  });
});

describe("firewall rule names", () => {
  it("accept 128 characters", () => {
    expect(accepts({ firewallRules: JSON.stringify([`${"r".repeat(128)}=203.0.113.0/24`]) })).toEqual([]);
  });

  it("reject 129 characters", () => {
    expect(accepts({ firewallRules: JSON.stringify([`${"r".repeat(129)}=203.0.113.0/24`]) })).toEqual([
      expect.stringMatching(
        /^firewallRules\[0\]: ".*": the rule name is 129 characters long; Azure takes at most 128\.$/,
      ),
    ]);
  });
});
