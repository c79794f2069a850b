// What Azure Database for PostgreSQL flexible server offers (versions, storage, ports), and what ephemeral stacks run on.

/** Major versions Azure Database for PostgreSQL flexible server creates (11 and 12 are retired for new servers). */
export const azurePostgresVersions = [13, 14, 15, 16, 17, 18] as const;

/**
 * The storage sizes (GiB) flexible server offers on Premium SSD; nothing in between. The azurerm provider's
 * `storage_mb` allowed values (internal/services/postgres/postgresql_flexible_server_resource.go: 32768 ... 2097152,
 * 4193280, 4194304, 8388608, 16777216, 33553408 MiB) divided by 1024: the largest is 32767 GiB, not 32768, and
 * 4095 GiB is offered besides 4096.
 */
export const azureStorageSizesGb = [32, 64, 128, 256, 512, 1024, 2048, 4095, 4096, 8192, 16384, 32767] as const;

/** backup_retention_days: validation.IntBetween(7, 35) in the same azurerm file. */
export const backupRetentionDaysRange = { min: 7, max: 35 } as const;

export const highAvailabilityModes = ["Disabled", "SameZone", "ZoneRedundant"] as const;
export type HighAvailabilityMode = (typeof highAvailabilityModes)[number];

export const networkAccessModes = ["public", "private"] as const;

/** Principal types of a Microsoft Entra administrator, as the flexible server API spells them. */
export const entraPrincipalTypes = ["User", "Group", "ServicePrincipal"] as const;
export type EntraPrincipalType = (typeof entraPrincipalTypes)[number];

/** The port of the built-in PgBouncer on every flexible server. */
export const pgbouncerPort = 6432;

/**
 * Elastic clusters: 5432 (and 6432 through PgBouncer) reach the coordinator, 7432 (8432 through PgBouncer) balance
 * connections over every node (learn.microsoft.com/azure/postgresql/elastic-clusters/concepts-elastic-clusters).
 */
export const clusterLoadBalancedPort = 7432;
export const clusterLoadBalancedPgbouncerPort = 8432;

/** What ephemeral stacks run on, whatever the configuration they were copied from says. */
export const ephemeralServer = {
  sku: { tier: "Burstable", name: "Standard_B1ms" },
  storageSizeGb: 32,
  backupRetentionDays: 7,
  geoRedundantBackup: false,
  highAvailability: "Disabled",
  // PgBouncer is not offered on Burstable, which ephemeral stacks run on.
  pgbouncer: false,
} as const;
