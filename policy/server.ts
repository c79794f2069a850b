import { Server } from "@pulumi/azure-native/dbforpostgresql";
import { type ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const highAvailabilityModes = ["ZoneRedundant", "SameZone"] as const;

export interface HighAvailabilityConfig {
  /** Modes that count as highly available. Default both; use ["ZoneRedundant"] to require a standby in another zone. */
  allowedModes: string[];
}

export const highAvailabilityDefaults: HighAvailabilityConfig = { allowedModes: [...highAvailabilityModes] };

export const highAvailability: ResourceValidationPolicy = {
  name: "postgres-high-availability",
  description: "The PostgreSQL flexible server has high availability (a standby server) turned on.",
  remediationSteps:
    'Set highAvailability.mode to "ZoneRedundant" (a General Purpose or Memory Optimized SKU is needed).',
  severity: "high",
  configSchema: {
    properties: {
      allowedModes: {
        type: "array",
        items: { type: "string", enum: [...highAvailabilityModes] },
        default: highAvailabilityDefaults.allowedModes,
      },
    },
  },
  validateResource: validateResourceOfType(Server, (server, args, reportViolation) => {
    if (server.createMode === "Replica") {
      args.notApplicable("read replicas cannot have high availability");
    }
    const config: HighAvailabilityConfig = {
      ...highAvailabilityDefaults,
      ...args.getConfig<Partial<HighAvailabilityConfig>>(),
    };
    const mode = server.highAvailability?.mode;
    if (mode === undefined || !config.allowedModes.includes(mode)) {
      reportViolation(
        `server "${args.name}" has highAvailability.mode ${mode === undefined ? "unset" : `"${mode}"`}; ` +
          `set it to one of: ${config.allowedModes.join(", ")}.`,
      );
    }
  }),
};

export interface BackupConfig {
  minimumRetentionDays: number;
}

export const backupDefaults: BackupConfig = { minimumRetentionDays: 7 };

export const backupRetention: ResourceValidationPolicy = {
  name: "postgres-backup-retention",
  description: "The PostgreSQL flexible server keeps backups for at least 7 days.",
  remediationSteps: "Set backup.backupRetentionDays (7 to 35 days on Azure).",
  severity: "high",
  configSchema: {
    properties: {
      minimumRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: backupDefaults.minimumRetentionDays },
    },
  },
  validateResource: validateResourceOfType(Server, (server, args, reportViolation) => {
    if (server.createMode === "Replica") {
      args.notApplicable("a read replica holds the primary's data, which the primary's backups cover");
    }
    const config: BackupConfig = { ...backupDefaults, ...args.getConfig<Partial<BackupConfig>>() };
    const days = server.backup?.backupRetentionDays;
    if (days === undefined) {
      // Azure's default is 7 days today; production relies on an explicit value, not on a default that can change.
      reportViolation(
        `server "${args.name}" does not set backup.backupRetentionDays; set it to at least ${config.minimumRetentionDays}.`,
      );
    } else if (days < config.minimumRetentionDays) {
      reportViolation(
        `server "${args.name}" keeps backups for ${days} days; set backup.backupRetentionDays to at least ${config.minimumRetentionDays}.`,
      );
    }
  }),
};

const protectedTypes = new Map<string, string>([
  ["azure-native:dbforpostgresql:Server", "server"],
  ["azure-native:dbforpostgresql:Database", "database"],
]);

export const protectStatefulResources: ResourceValidationPolicy = {
  name: "postgres-protect-server-and-database",
  description: "The PostgreSQL server and database are protected from deletion (Pulumi's protect option).",
  remediationSteps:
    "Pass { protect: true } when creating them. To delete one on purpose, run `pulumi state unprotect <urn>` first.",
  severity: "critical",
  validateResource: (args, reportViolation) => {
    const kind = protectedTypes.get(args.type);
    if (kind === undefined) {
      args.notApplicable("Policy only applies to PostgreSQL flexible servers and databases");
    }
    if (!args.opts.protect) {
      reportViolation(
        `${kind} "${args.name}" is not protected: pass { protect: true } so it cannot be deleted by accident.`,
      );
    }
  },
};
