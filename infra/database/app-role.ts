import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export type AppRoleAccess = "readwrite" | "readonly";

export interface AppRoleArgs {
  /** The postgresql Provider connected to the database as `owner`. */
  provider: postgresql.Provider;
  database: pulumi.Input<string>;
  /** Login role name, unique on the server. */
  name: string;
  access: AppRoleAccess;
  /** Schemas the role may use; they must exist (the migrations create them). */
  schemas: readonly string[];
  /**
   * Schemas whose types, operators and functions the role must reach, without rights on their tables: the
   * schema of the extensions (Supabase's `extensions`, where vector lives). USAGE only.
   */
  usageSchemas?: readonly string[];
  /** The role that runs the migrations and so creates the tables: default privileges are set for its objects. */
  owner: pulumi.Input<string>;
  /** Resources the grants must wait for: the migrations that create the schemas and tables. */
  dependsOn?: pulumi.Resource[];
  /** search_path set on the role (ALTER ROLE ... SET search_path), e.g. Supabase's public, extensions. */
  searchPath?: readonly string[];
  /**
   * The resource whose deletion removes the role (see PlatformDatabase.roleTeardownWith). Without it, destroying
   * the stack drops the role over the provider's connection.
   */
  roleDeletedWith?: pulumi.Resource;
  /** The resource whose deletion removes the grants (the database's, else the role's teardown). */
  grantsDeletedWith?: pulumi.Resource;
  /**
   * Reduce PUBLIC to USAGE on schema public, as PostgreSQL 15 and later have it: 13 and 14 also grant PUBLIC
   * CREATE there, which lets every role, the application role included, create tables. Only in a database the
   * stack owns: elsewhere other roles may rely on it.
   */
  restrictPublicSchema?: boolean;
}

const privileges: Record<AppRoleAccess, { table: string[]; sequence: string[] }> = {
  readwrite: { table: ["SELECT", "INSERT", "UPDATE", "DELETE"], sequence: ["USAGE", "SELECT"] },
  readonly: { table: ["SELECT"], sequence: ["SELECT"] },
};

/**
 * A least-privilege login role for the application: CONNECT on the database, USAGE on its schemas, DML on the
 * existing tables and sequences, and default privileges so that tables the owner creates in later migrations
 * are covered too. No CREATE, no ownership, no DDL (see restrictPublicSchema for PostgreSQL 13 and 14).
 *
 * The grants depend on the role, so a destroy that drops them over a connection revokes them first; the
 * provider's own deletion of the role then runs REASSIGN OWNED and DROP OWNED (which also revoke whatever is left
 * in the provider's database) before DROP ROLE, as PostgreSQL refuses to drop a role that still holds privileges.
 */
export class AppRole extends pulumi.ComponentResource {
  readonly role: postgresql.Role;
  readonly roleName: pulumi.Output<string>;
  /** Secret. */
  readonly password: pulumi.Output<string>;

  constructor(name: string, args: AppRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("pgvector:database:AppRole", name, {}, opts);
    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 32, special: true, overrideSpecial: "-_.~", minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 },
      { parent: this },
    );
    this.password = pulumi.secret(password.result);
    const inDatabase: pulumi.CustomResourceOptions = {
      parent: this,
      provider: args.provider,
      dependsOn: args.dependsOn,
      deletedWith: args.grantsDeletedWith,
    };
    this.role = new postgresql.Role(
      name,
      {
        name: args.name,
        login: true,
        password: this.password,
        createDatabase: false,
        createRole: false,
        searchPaths: args.searchPath ? [...args.searchPath] : undefined,
      },
      { ...inDatabase, deletedWith: args.roleDeletedWith },
    );
    this.roleName = this.role.name;
    const target = { database: args.database, role: this.role.name };
    const granted = privileges[args.access];

    new postgresql.Grant(`${name}-connect`, { ...target, objectType: "database", privileges: ["CONNECT"] }, inDatabase);
    for (const schema of args.schemas) {
      new postgresql.Grant(
        `${name}-${schema}-usage`,
        { ...target, schema, objectType: "schema", privileges: ["USAGE"] },
        inDatabase,
      );
      for (const objectType of ["table", "sequence"] as const) {
        new postgresql.Grant(
          `${name}-${schema}-${objectType}s`,
          { ...target, schema, objectType, objects: [], privileges: granted[objectType] },
          inDatabase,
        );
        new postgresql.DefaultPrivileges(
          `${name}-${schema}-default-${objectType}s`,
          { ...target, owner: args.owner, schema, objectType, privileges: granted[objectType] },
          inDatabase,
        );
      }
    }
    if (args.restrictPublicSchema) {
      // The provider revokes all of PUBLIC's privileges on the schema, then grants USAGE back. It goes with the
      // database, like the other grants; ordered after the role with them.
      new postgresql.Grant(
        `${name}-public-schema`,
        { database: args.database, role: "public", schema: "public", objectType: "schema", privileges: ["USAGE"] },
        { ...inDatabase, dependsOn: [...(args.dependsOn ?? []), this.role] },
      );
    }
    for (const schema of args.usageSchemas ?? []) {
      new postgresql.Grant(
        `${name}-${schema}-usage`,
        { ...target, schema, objectType: "schema", privileges: ["USAGE"] },
        inDatabase,
      );
    }
    this.registerOutputs({ roleName: this.roleName });
  }
}
