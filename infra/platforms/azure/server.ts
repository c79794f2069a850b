import * as authorization from "@pulumi/azure-native/authorization";
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as monitor from "@pulumi/azure-native/monitor";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type AzureAdoption, azureImportIds } from "./adoption";
import { azureExtensionsAllowlist, extensionsParameter } from "./allowlist";
import type { AzureServerSpec, EntraAdministrator } from "./config";
import type { FirewallRule } from "./firewall";
import { AzureServerReadiness } from "./readiness";
import { pgbouncerParameter, requireSecureTransportParameter } from "./server-parameters";

export const postgresPort = 5432;

/** Azure's own name for the rule behind "Allow public access from any Azure service". */
export const azureServicesRuleName = "AllowAllAzureServicesAndResourcesWithinAzureIps";

/** The server's `network` argument: a public endpoint, or the delegated subnet and private DNS zone (primary and replicas alike). */
export function serverNetworkArgs(network: AzureServerNetwork): dbforpostgresql.ServerArgs["network"] {
  return network.access === "public"
    ? { publicNetworkAccess: "Enabled" }
    : {
        publicNetworkAccess: "Disabled",
        delegatedSubnetResourceId: network.delegatedSubnetId,
        privateDnsZoneArmResourceId: network.privateDnsZoneId,
      };
}

export type AzureServerNetwork =
  | {
      access: "public";
      /** The ranges that may connect. Never 0.0.0.0-255.255.255.255 unless the caller means it. */
      firewallRules: readonly FirewallRule[];
      /** Add Azure's 0.0.0.0 rule: any Azure service, of any tenant, may connect. */
      allowAzureServices: boolean;
    }
  | {
      access: "private";
      delegatedSubnetId: pulumi.Input<string>;
      privateDnsZoneId: pulumi.Input<string>;
      /** Resources the server must wait for, e.g. the DNS zone's link to the virtual network. */
      dependsOn?: pulumi.Resource[];
    };

export interface AzurePostgresServerArgs extends AzureServerSpec {
  resourceGroupName: pulumi.Input<string>;
  location: pulumi.Input<string>;
  /** Physical server name (<name>.postgres.database.azure.com); generated from the resource name when omitted. */
  serverName?: string;
  /** Password administrator; it runs the migrations and owns what they create. Fixed at creation. */
  administratorLogin: string;
  entra?: {
    enabled: boolean;
    tenantId?: string;
    /** Made server administrator (a flexibleServers/administrators resource). */
    administrator?: EntraAdministrator;
    /** Default true. False (Entra only) needs `administrator`, and clients that sign in with Entra tokens. */
    passwordAuth?: boolean;
  };
  network: AzureServerNetwork;
  /** Server parameters to set besides those the component manages, by name. */
  serverParameters?: Readonly<Record<string, string>>;
  /**
   * Nodes of an elastic cluster (Citus). Azure applies a change in place (azure-native has no replaceOnChanges for
   * it: cluster.clusterSize is in the API's update model), so a new node count is an update; shards move only when
   * rebalanced.
   */
  clusterSize?: number;
  /** Turn on the built-in PgBouncer (`pgbouncer.enabled`), port 6432. */
  pgbouncer?: boolean;
  /** Send the server's logs and metrics to this Log Analytics workspace. */
  logAnalyticsWorkspaceId?: string;
  /** A CanNotDelete management lock on the server (an Azure lock holds even outside Pulumi). */
  managementLock?: boolean;
  /** Resources the server must wait for, e.g. a guard that checks the update first. */
  serverDependsOn?: pulumi.Resource[];
  /** Extensions to allow-list in `azure.extensions`; `vector` is always included. */
  extensions: readonly string[];
  /** The application database, created UTF-8. */
  databaseName: string;
  /** Protect the server and the database from deletion. */
  protect?: boolean;
  /** A server made outside Pulumi: the server and the database are imported, the password is the one it has. */
  adopt?: AzureAdoption;
  tags?: Record<string, string>;
}

/**
 * Values the program writes, spelled as Azure Resource Manager returns them on read, so that a refresh shows no
 * change: require_secure_transport is "on" (allowedValues "on,off", default "on": ConfigurationsListByServer.json),
 * a database's charset "utf8" and collation "en_US.utf8" (DatabasesListByServer.json; both examples in
 * Azure/azure-rest-api-specs specification/postgresql/DBforPostgreSQL.Management/examples/2025-06-01-preview).
 */
export const armSpelling = {
  tlsRequired: "on",
  charset: "utf8",
  collation: "en_US.utf8",
  /** What ARM reports as `source` for a parameter the program has written. */
  userOverride: "user-override",
} as const;

/**
 * The server's log categories in Azure Monitor (learn.microsoft.com/azure/postgresql/flexible-server/
 * concepts-monitoring, "Logs"): the PostgreSQL log (slow statements, lock waits, index builds when logged), sessions,
 * Query Store runtime and wait statistics, table and transaction statistics.
 */
export const diagnosticLogCategories = [
  "PostgreSQLLogs",
  "PostgreSQLFlexSessions",
  "PostgreSQLFlexQueryStoreRuntime",
  "PostgreSQLFlexQueryStoreWaitStats",
  "PostgreSQLFlexTableStats",
  "PostgreSQLFlexDatabaseXacts",
] as const;

const serverTimeouts: pulumi.CustomTimeouts = { create: "90m", update: "90m", delete: "60m" };
const childTimeouts: pulumi.CustomTimeouts = { create: "30m", update: "30m", delete: "30m" };

/**
 * An Azure Database for PostgreSQL flexible server ready for pgvector: generated admin password, TLS required,
 * firewall rules or private access, `vector` allow-listed in `azure.extensions`, and the application database.
 *
 * Every write to the server (firewall rules, then the allow-list, TLS, then the database) waits for the one
 * before: Azure applies one such operation per server at a time and rejects the others (ServerIsBusy), which is why
 * the azurerm Terraform provider serializes them too. The first write also waits for `readiness`, which holds until
 * Azure reports the new server Ready: Azure rejects even that first write for a while after the create. Everything on the server is `deletedWith` the server, so
 * deleting the server does not first remove its rules, parameters and database one by one.
 */
export class AzurePostgresServer extends pulumi.ComponentResource {
  readonly server: dbforpostgresql.Server;
  /** Created once Azure reports the new server Ready; the first write waits for it. */
  readonly readiness: AzureServerReadiness;
  readonly administratorLogin: string;
  /** Secret. */
  readonly administratorPassword: pulumi.Output<string>;
  readonly fullyQualifiedDomainName: pulumi.Output<string>;
  readonly port = postgresPort;
  readonly firewallRules: dbforpostgresql.FirewallRule[];
  /** `azure.extensions`: CREATE EXTENSION of an allow-listed extension must wait for it. */
  readonly extensionsAllowlist: dbforpostgresql.Configuration;
  /** The value written to `azure.extensions`. */
  readonly extensionsAllowlistValue: string;
  readonly requireSecureTransport: dbforpostgresql.Configuration;
  readonly entraAdministrator?: dbforpostgresql.AdministratorsMicrosoftEntra;
  readonly pgbouncer?: dbforpostgresql.Configuration;
  /** By parameter name. */
  readonly serverParameters: Record<string, dbforpostgresql.Configuration>;
  readonly diagnosticSetting?: monitor.DiagnosticSetting;
  readonly managementLock?: authorization.ManagementLockByScope;
  readonly database: dbforpostgresql.Database;
  readonly databaseName: pulumi.Output<string>;

  constructor(name: string, args: AzurePostgresServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:azure:PostgresServer", name, {}, opts);
    const tags = { "managed-by": "pulumi", ...args.tags };
    const protect = args.protect ?? false;
    const entra = args.entra ?? { enabled: false };
    const passwordAuth = entra.passwordAuth ?? true;
    if (!passwordAuth && !(entra.enabled && entra.administrator)) {
      throw new Error(
        `AzurePostgresServer ${name}: entra.passwordAuth false needs entra.enabled and entra.administrator; otherwise nobody can sign in.`,
      );
    }
    if (entra.administrator && !entra.enabled) {
      throw new Error(`AzurePostgresServer ${name}: entra.administrator needs entra.enabled (Entra sign-in).`);
    }

    const imports = args.adopt && azureImportIds(args.adopt.server, args.databaseName);
    this.administratorLogin = args.administratorLogin;
    this.administratorPassword = pulumi.secret(args.adopt ? args.adopt.adminPassword : generatedPassword(name, this));

    const ignoreChanges = [
      // Azure never returns the password, so an import could not match it; the stack never changes it either.
      ...(args.adopt ? ["administratorLoginPassword"] : []),
      ...(args.storageAutoGrow ? ["storage.storageSizeGB"] : []),
      // Azure picks the zones when none is given; do not fight its choice on the next update.
      ...(args.availabilityZone === undefined ? ["availabilityZone"] : []),
      "highAvailability.standbyAvailabilityZone",
    ];
    this.server = new dbforpostgresql.Server(
      `${name}-server`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        serverName: args.serverName,
        version: args.postgresVersion,
        sku: { name: args.sku.name, tier: args.sku.tier },
        storage: { storageSizeGB: args.storageSizeGb, autoGrow: args.storageAutoGrow ? "Enabled" : "Disabled" },
        backup: {
          backupRetentionDays: args.backupRetentionDays,
          geoRedundantBackup: args.geoRedundantBackup ? "Enabled" : "Disabled",
        },
        highAvailability: {
          mode: args.highAvailability,
          // Microsoft's placement: SameZone in the primary's zone, ZoneRedundant in the one asked for (or Azure's choice).
          standbyAvailabilityZone:
            args.highAvailability === "SameZone" ? args.availabilityZone : args.standbyAvailabilityZone,
        },
        availabilityZone: args.availabilityZone,
        ...(args.clusterSize !== undefined && { cluster: { clusterSize: args.clusterSize } }),
        maintenanceWindow: args.maintenanceWindow
          ? { customWindow: "Enabled", ...args.maintenanceWindow }
          : { customWindow: "Disabled" },
        administratorLogin: args.administratorLogin,
        administratorLoginPassword: this.administratorPassword,
        authConfig: {
          passwordAuth: passwordAuth ? "Enabled" : "Disabled",
          activeDirectoryAuth: entra.enabled ? "Enabled" : "Disabled",
          tenantId: entra.enabled ? entra.tenantId : undefined,
        },
        network: serverNetworkArgs(args.network),
        tags,
      },
      {
        parent: this,
        protect,
        customTimeouts: serverTimeouts,
        ignoreChanges,
        ...(imports && { import: imports.server }),
        dependsOn: [
          ...(args.network.access === "private" ? (args.network.dependsOn ?? []) : []),
          ...(args.serverDependsOn ?? []),
        ],
      },
    );
    this.readiness = new AzureServerReadiness(`${name}-ready`, { server: this.server }, { parent: this });
    if (args.managementLock) {
      // Not deletedWith the server: the lock must go first, or Azure refuses to delete the server (ScopeLocked).
      this.managementLock = new authorization.ManagementLockByScope(
        `${name}-lock`,
        {
          scope: this.server.id,
          level: "CanNotDelete",
          notes: "Managed by Pulumi (protect): set protect to false and run pulumi up before deleting this server.",
        },
        { parent: this },
      );
    }
    this.fullyQualifiedDomainName = this.server.fullyQualifiedDomainName;
    const onServer = { resourceGroupName: args.resourceGroupName, serverName: this.server.name };
    // A write to the server (a rule, a parameter, the database) that waits for `previous`, the write before it;
    // the first write waits for the server to be Ready.
    const writeAfter = (
      previous: pulumi.Resource | undefined,
      extra: pulumi.CustomResourceOptions = {},
    ): pulumi.CustomResourceOptions => ({
      parent: this,
      customTimeouts: childTimeouts,
      deletedWith: this.server,
      dependsOn: [previous ?? this.readiness],
      ...extra,
    });

    this.firewallRules = [];
    for (const rule of args.network.access === "public" ? firewallRules(args.network) : []) {
      this.firewallRules.push(
        new dbforpostgresql.FirewallRule(
          `${name}-firewall-${rule.name}`,
          {
            ...onServer,
            firewallRuleName: rule.name,
            startIpAddress: rule.startIpAddress,
            endIpAddress: rule.endIpAddress,
          },
          writeAfter(this.firewallRules.at(-1)),
        ),
      );
    }
    this.extensionsAllowlistValue = azureExtensionsAllowlist(args.extensions);
    this.extensionsAllowlist = new dbforpostgresql.Configuration(
      `${name}-extensions-allowlist`,
      {
        ...onServer,
        configurationName: extensionsParameter,
        value: this.extensionsAllowlistValue,
        source: armSpelling.userOverride,
      },
      writeAfter(this.firewallRules.at(-1)),
    );
    // On by default on Azure; managed here so that nobody switches TLS off in the portal unnoticed.
    this.requireSecureTransport = new dbforpostgresql.Configuration(
      `${name}-require-secure-transport`,
      {
        ...onServer,
        configurationName: requireSecureTransportParameter,
        value: armSpelling.tlsRequired,
        source: armSpelling.userOverride,
      },
      writeAfter(this.extensionsAllowlist),
    );
    let lastWrite: pulumi.Resource = this.requireSecureTransport;
    if (entra.administrator) {
      this.entraAdministrator = new dbforpostgresql.AdministratorsMicrosoftEntra(
        `${name}-entra-administrator`,
        {
          ...onServer,
          objectId: entra.administrator.objectId,
          principalName: entra.administrator.principalName,
          principalType: entra.administrator.principalType,
          // The API wants the principal's tenant; the reference modules pass the deployment's (tenant().tenantId).
          tenantId: entra.tenantId ?? authorization.getClientConfigOutput({ parent: this }).tenantId,
        },
        writeAfter(lastWrite),
      );
      lastWrite = this.entraAdministrator;
    }
    if (args.pgbouncer) {
      this.pgbouncer = new dbforpostgresql.Configuration(
        `${name}-pgbouncer`,
        { ...onServer, configurationName: pgbouncerParameter, value: "true", source: armSpelling.userOverride },
        writeAfter(lastWrite),
      );
      lastWrite = this.pgbouncer;
    }
    this.serverParameters = {};
    for (const [parameter, value] of Object.entries(args.serverParameters ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const configuration = new dbforpostgresql.Configuration(
        `${name}-parameter-${parameter}`,
        { ...onServer, configurationName: parameter, value, source: armSpelling.userOverride },
        writeAfter(lastWrite),
      );
      this.serverParameters[parameter] = configuration;
      lastWrite = configuration;
    }
    if (args.logAnalyticsWorkspaceId) {
      this.diagnosticSetting = new monitor.DiagnosticSetting(
        `${name}-diagnostics`,
        {
          resourceUri: this.server.id,
          name: "pgvector-logs",
          workspaceId: args.logAnalyticsWorkspaceId,
          logs: diagnosticLogCategories.map((category) => ({ category, enabled: true })),
          metrics: [{ category: "AllMetrics", enabled: true }],
        },
        // Removed explicitly: a setting left behind would clash with the next server of the same name.
        writeAfter(lastWrite, { deletedWith: undefined }),
      );
      lastWrite = this.diagnosticSetting;
    }
    this.database = new dbforpostgresql.Database(
      `${name}-database`,
      { ...onServer, databaseName: args.databaseName, charset: armSpelling.charset, collation: armSpelling.collation },
      // Stacks created before the charset was spelled "utf8" hold "UTF8": the database's charset cannot change, and
      // a case change must not become a replacement of the database.
      writeAfter(lastWrite, { protect, ignoreChanges: ["charset"], ...(imports && { import: imports.database }) }),
    );
    this.databaseName = this.database.name;

    this.registerOutputs({
      serverName: this.server.name,
      fullyQualifiedDomainName: this.fullyQualifiedDomainName,
      databaseName: this.databaseName,
      extensionsAllowlist: this.extensionsAllowlistValue,
    });
  }
}

/** The administrator password of a server the stack creates. */
function generatedPassword(name: string, parent: pulumi.Resource): pulumi.Output<string> {
  return new random.RandomPassword(
    `${name}-admin-password`,
    // Azure wants three of: upper, lower, digits, symbols. These symbols need no escaping in URLs or shells.
    { length: 32, special: true, overrideSpecial: "-_.~", minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 },
    { parent },
  ).result;
}

/** The configured rules, and Azure's own 0.0.0.0 rule when any Azure service may connect. */
function firewallRules(network: Extract<AzureServerNetwork, { access: "public" }>): FirewallRule[] {
  return [
    ...network.firewallRules,
    ...(network.allowAzureServices
      ? [{ name: azureServicesRuleName, startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }]
      : []),
  ];
}
