// The SQL that terraform-provider-postgresql (behind @pulumi/postgresql) runs for the resources the program
// registers, so that the shared database layer's registrations can be executed against a real server without
// the Pulumi CLI. Statements follow the provider's sources (resource_postgresql_{database,extension,role,grant,
// default_privileges}.go): a grant first revokes everything, then grants, in one transaction. An unknown
// postgresql resource type fails loudly: a new kind of resource in the layer must be added here. Each step runs in
// one transaction, as the provider runs each resource's statements.
import type { Registration } from "../../infra/harness";
import { T } from "../../infra/resource-types";

export const postgresqlTypes = {
  provider: T.provider,
  database: T.postgresDatabase,
  extension: T.extension,
  role: T.role,
  grant: T.grant,
  defaultPrivileges: T.defaultPrivileges,
} as const;

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** Where a statement runs: the database the resource's provider connects to, or the resource's own `database`. */
export interface Step {
  registration: Registration;
  /** Database to connect to. */
  database: string;
  statements: string[];
}

/** Connection settings of a registered postgresql Provider. */
export interface ProviderConnection {
  host: string;
  port: number;
  database: string;
  username: string;
  /** The role the SQL names as the connected one (the provider's databaseUsername, else username). */
  role: string;
  password: string;
  sslmode: string;
}

export function providerConnection(registrations: readonly Registration[], resource: Registration): ProviderConnection {
  const provider = registrations.find((candidate) => resource.provider.startsWith(`${candidate.urn}::`));
  if (!provider) throw new Error(`${resource.type} ${resource.name} has no registered postgresql provider`);
  const inputs = provider.inputs;
  return {
    host: String(inputs.host),
    port: Number(inputs.port),
    database: String(inputs.database),
    username: String(inputs.username),
    role: String(inputs.databaseUsername ?? inputs.username),
    password: String(inputs.password ?? ""),
    sslmode: String(inputs.sslmode),
  };
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The creation SQL of one registered postgresql resource (the provider resource itself has none). */
export function creationStep(registrations: readonly Registration[], registration: Registration): Step | undefined {
  const inputs = registration.inputs;
  const connection = () => providerConnection(registrations, registration);
  const inDatabase = (statements: string[]): Step => ({
    registration,
    database: String(inputs.database ?? connection().database),
    statements,
  });
  switch (registration.type) {
    case postgresqlTypes.provider:
      return undefined;
    case postgresqlTypes.database:
      return { registration, database: connection().database, statements: [createDatabaseSql(inputs, connection())] };
    case postgresqlTypes.extension: {
      let sql = `CREATE EXTENSION IF NOT EXISTS ${ident(String(inputs.name))}`;
      if (inputs.schema) sql += ` SCHEMA ${ident(String(inputs.schema))}`;
      return inDatabase([sql]);
    }
    case postgresqlTypes.role: {
      const flag = (value: unknown, yes: string, no: string) => (value === true ? yes : no);
      const options = [
        flag(inputs.login, "LOGIN", "NOLOGIN"),
        flag(inputs.createDatabase, "CREATEDB", "NOCREATEDB"),
        flag(inputs.createRole, "CREATEROLE", "NOCREATEROLE"),
        flag(inputs.superuser, "SUPERUSER", "NOSUPERUSER"),
        flag(inputs.replication, "REPLICATION", "NOREPLICATION"),
        flag(inputs.bypassRowLevelSecurity, "BYPASSRLS", "NOBYPASSRLS"),
        flag(inputs.inherit ?? true, "INHERIT", "NOINHERIT"),
      ];
      if (inputs.password) options.push(`PASSWORD ${literal(String(inputs.password))}`);
      const statements = [`CREATE ROLE ${ident(String(inputs.name))} WITH ${options.join(" ")}`];
      const searchPaths = list(inputs.searchPaths);
      if (searchPaths.length > 0) {
        statements.push(
          `ALTER ROLE ${ident(String(inputs.name))} SET search_path TO ${searchPaths.map(ident).join(", ")}`,
        );
      }
      return { registration, database: connection().database, statements };
    }
    case postgresqlTypes.grant: {
      const role = ident(String(inputs.role));
      const privileges = list(inputs.privileges).join(",");
      const objectType = String(inputs.objectType);
      if (list(inputs.objects).length > 0 || list(inputs.columns).length > 0) {
        throw new Error(`grants on listed objects are not emulated (${registration.name})`);
      }
      const on =
        objectType === "database"
          ? `DATABASE ${ident(String(inputs.database))}`
          : objectType === "schema"
            ? `SCHEMA ${ident(String(inputs.schema))}`
            : `ALL ${objectType.toUpperCase()}S IN SCHEMA ${ident(String(inputs.schema))}`;
      return inDatabase([`REVOKE ALL PRIVILEGES ON ${on} FROM ${role}`, `GRANT ${privileges} ON ${on} TO ${role}`]);
    }
    case postgresqlTypes.defaultPrivileges: {
      const prefix = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(String(inputs.owner))}${
        inputs.schema ? ` IN SCHEMA ${ident(String(inputs.schema))}` : ""
      }`;
      const objects = `${String(inputs.objectType).toUpperCase()}S`;
      const role = ident(String(inputs.role));
      return inDatabase([
        `${prefix} REVOKE ALL ON ${objects} FROM ${role}`,
        `${prefix} GRANT ${list(inputs.privileges).join(",")} ON ${objects} TO ${role}`,
      ]);
    }
    default:
      if (registration.type.startsWith("postgresql:")) {
        throw new Error(`test support: no SQL for ${registration.type}; add it to provider-sql.ts`);
      }
      return undefined;
  }
}

/**
 * The CREATE DATABASE statement of the provider's createDatabase, byte for byte (cyrilgdn/terraform-provider-postgresql,
 * postgresql/resource_postgresql_database.go): OWNER defaults to the connected role, TEMPLATE to template0, ENCODING
 * to 'UTF8' (a configured one is written with a trailing space); LC_COLLATE, LC_CTYPE and TABLESPACE only when set;
 * then ALLOW_CONNECTIONS (default true), CONNECTION LIMIT (default -1) and IS_TEMPLATE (default false) always, on
 * every server version the stack supports (9.5 and later). Literals are quoted with pqQuoteLiteral (\\ and '').
 */
export function createDatabaseSql(inputs: Record<string, unknown>, connection: ProviderConnection): string {
  if (inputs.owner !== undefined) {
    // The provider first grants the owner role to the connected one; nothing in the program sets an owner.
    throw new Error("test support: CREATE DATABASE with an owner (and its role membership grant) is not emulated");
  }
  const goLiteral = (value: unknown) => String(value).replace(/\\/g, "\\\\").replace(/'/g, "''");
  const isDefault = (value: unknown) => String(value).toUpperCase() === "DEFAULT";
  let sql = `CREATE DATABASE ${ident(String(inputs.name))} OWNER ${ident(connection.role)}`;
  const template = inputs.template;
  if (template === undefined || template === "") sql += " TEMPLATE template0";
  else sql += isDefault(template) ? " TEMPLATE DEFAULT" : ` TEMPLATE ${ident(String(template))}`;
  const encoding = inputs.encoding;
  if (encoding === undefined || encoding === "") sql += " ENCODING 'UTF8'";
  else sql += isDefault(encoding) ? " ENCODING DEFAULT" : ` ENCODING '${goLiteral(encoding)}' `;
  for (const [input, keyword] of [
    ["lcCollate", "LC_COLLATE"],
    ["lcCtype", "LC_CTYPE"],
  ] as const) {
    const value = inputs[input];
    if (value === undefined || value === "") continue;
    sql += isDefault(value) ? ` ${keyword} DEFAULT` : ` ${keyword} '${goLiteral(value)}' `;
  }
  const tablespace = inputs.tablespaceName;
  if (tablespace !== undefined && tablespace !== "") {
    sql += isDefault(tablespace) ? " TABLESPACE DEFAULT" : ` TABLESPACE ${ident(String(tablespace))}`;
  }
  sql += ` ALLOW_CONNECTIONS ${String(inputs.allowConnections ?? true)}`;
  sql += ` CONNECTION LIMIT ${Number(inputs.connectionLimit ?? -1)}`;
  sql += ` IS_TEMPLATE ${String(inputs.isTemplate ?? false)}`;
  return sql;
}

/** The deletion SQL of one registered postgresql resource, as the provider runs it on `pulumi destroy`. */
export function deletionStep(registrations: readonly Registration[], registration: Registration): Step | undefined {
  const inputs = registration.inputs;
  const connection = () => providerConnection(registrations, registration);
  switch (registration.type) {
    case postgresqlTypes.database: {
      const name = String(inputs.name);
      return {
        registration,
        database: connection().database,
        statements: [
          `REVOKE CONNECT ON DATABASE ${ident(name)} FROM PUBLIC`,
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${literal(name)} AND pid <> pg_backend_pid()`,
          `DROP DATABASE ${ident(name)}`,
        ],
      };
    }
    case postgresqlTypes.role: {
      // resourcePostgreSQLRoleDelete: a non-superuser admin is made a member of the role for REASSIGN OWNED
      // (withRolesGranted), which moves what the role owns to the admin; DROP OWNED then revokes the role's
      // privileges in this database and on shared objects (its CONNECT); only then can DROP ROLE succeed.
      const role = ident(String(inputs.name));
      const admin = ident(connection().role);
      return {
        registration,
        database: connection().database,
        statements: [
          `GRANT ${role} TO ${admin}`,
          `REASSIGN OWNED BY ${role} TO ${admin}`,
          `DROP OWNED BY ${role}`,
          `REVOKE ${role} FROM ${admin}`,
          `DROP ROLE ${role}`,
        ],
      };
    }
    case postgresqlTypes.extension:
      return {
        registration,
        database: String(inputs.database),
        statements: [`DROP EXTENSION ${ident(String(inputs.name))} RESTRICT`],
      };
    case postgresqlTypes.grant:
    case postgresqlTypes.defaultPrivileges: {
      // The REVOKE half of creation.
      const step = creationStep(registrations, registration) as Step;
      return { ...step, statements: step.statements.slice(0, 1) };
    }
    default:
      return undefined;
  }
}

/**
 * What `pulumi destroy` deletes, in order: dependents before what they depend on (the reverse of registration),
 * leaving out what Pulumi does not delete: every resource whose `deletedWith` resource is deleted too, and every
 * resource with `retainOnDelete` (it only leaves the state).
 */
export function destroyOrder(registrations: readonly Registration[]): Registration[] {
  const deleted = new Set(registrations.map((registration) => registration.urn));
  return [...registrations]
    .reverse()
    .filter((registration) => !registration.retainOnDelete)
    .filter((registration) => !(registration.deletedWith && deleted.has(registration.deletedWith)));
}
