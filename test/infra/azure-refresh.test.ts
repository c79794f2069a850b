// No change after `pulumi refresh`: what the program writes to the server parameters and the database, compared with
// what Azure Resource Manager returns when the refresh reads them back.
//
// The mocks' read returns ARM's answers, taken from Azure/azure-rest-api-specs
// specification/postgresql/DBforPostgreSQL.Management/examples/2025-06-01-preview/ConfigurationsListByServer.json
// (require_secure_transport, azure.extensions) and DatabasesListByServer.json (charset, collation). A parameter the
// program has written reads back with source "user-override" and its value as ARM stores it: each item in the
// spelling of the parameter's allowedValues (Set, Boolean and Enumeration parameters), in the order written; az CLI
// readbacks show written lists coming back in their order, e.g. "vector,azure_local_ai,azure_ai".
import { describe, expect, it } from "vitest";
import { type MockOptions, type Registration, runStack } from "./harness";
import { T } from "./resource-types";
import { stackFileConfig } from "./stack-files";

interface ArmParameter {
  allowedValues: string;
  dataType: "Boolean" | "Enumeration" | "Set" | "String" | "Integer";
  defaultValue: string;
  source: string;
  value: string;
}

/** ARM's answers for a new server, from ConfigurationsListByServer.json. */
const armParameters: Record<string, ArmParameter> = {
  require_secure_transport: {
    allowedValues: "on,off",
    dataType: "Boolean",
    defaultValue: "on",
    source: "system-default",
    value: "on",
  },
  "azure.extensions": {
    allowedValues:
      ",address_standardizer,address_standardizer_data_us,age,amcheck,anon,azure_ai,azure_storage,bloom,btree_gin,btree_gist,citext,cube,dblink,dict_int,dict_xsyn,earthdistance,fuzzystrmatch,hll,hstore,hypopg,intagg,intarray,isn,lo,login_hook,ltree,oracle_fdw,orafce,pageinspect,pg_buffercache,pg_cron,pg_freespacemap,pg_hint_plan,pg_partman,pg_prewarm,pg_repack,pg_squeeze,pg_stat_statements,pg_trgm,pg_visibility,pgaudit,pgcrypto,pglogical,pgrouting,pgrowlocks,pgstattuple,plpgsql,plv8,postgis,postgis_raster,postgis_sfcgal,postgis_tiger_geocoder,postgis_topology,postgres_fdw,postgres_protobuf,semver,session_variable,sslinfo,tablefunc,tdigest,tds_fdw,timescaledb,topn,tsm_system_rows,tsm_system_time,unaccent,uuid-ossp,vector",
    dataType: "Set",
    defaultValue: "",
    source: "system-default",
    value: "",
  },
};

/** ARM's answer for a database, from DatabasesListByServer.json. */
const armDatabase = { charset: "utf8", collation: "en_US.utf8" };

/** The value ARM stores for `written`: every item in allowedValues' spelling, in the order written. */
function armStoredValue(parameter: ArmParameter, written: string): string {
  if (!["Boolean", "Enumeration", "Set"].includes(parameter.dataType)) return written;
  const allowed = parameter.allowedValues.split(",");
  return written
    .split(",")
    .map((item) => allowed.find((candidate) => candidate.toLowerCase() === item.trim().toLowerCase()) ?? item)
    .join(",");
}

/** The mocks' read, as `pulumi refresh` would get it from ARM after the program's writes. */
const armRead: MockOptions["outputs"] = {
  [T.configuration]: (_name, inputs) => {
    const parameter = armParameters[String(inputs.configurationName)];
    if (!parameter) throw new Error(`test: no ARM answer for parameter ${String(inputs.configurationName)}`);
    return { value: armStoredValue(parameter, String(inputs.value)), source: "user-override" };
  },
  [T.database]: () => ({ ...armDatabase }),
};

/** The inputs a refresh would report as changed: sent value != read value, outside ignoreChanges. */
function refreshChanges(registration: Registration, state: Record<string, unknown>, fields: readonly string[]) {
  return fields
    .filter((field) => !registration.ignoreChanges.includes(field))
    .filter((field) => registration.inputs[field] !== state[field])
    .map(
      (field) =>
        `${registration.name}.${field}: sends ${String(registration.inputs[field])}, ARM returns ${String(state[field])}`,
    );
}

describe("what the program writes is what ARM returns", () => {
  it.each(["dev", "prod"])("%s: server parameters and the database show no change after a refresh", async (stack) => {
    const run = await runStack(stack, stackFileConfig(stack), { outputs: armRead });
    const stateOf = (registration: Registration) => run.states[`${registration.type}::${registration.name}`] ?? {};
    const configurations = run.registrations.filter((registration) => registration.type === T.configuration);
    const databases = run.registrations.filter((registration) => registration.type === T.database);
    expect(configurations.map((configuration) => configuration.inputs.configurationName).sort()).toEqual([
      "azure.extensions",
      "require_secure_transport",
    ]);
    expect(databases).toHaveLength(1);
    const changes = [
      ...configurations.flatMap((configuration) =>
        refreshChanges(configuration, stateOf(configuration), ["value", "source"]),
      ),
      ...databases.flatMap((database) => refreshChanges(database, stateOf(database), ["charset", "collation"])),
    ];
    expect(changes).toEqual([]);
  });

  it("keeps the allow-list in the order ARM lists allowed values, whatever the configured order", async () => {
    const run = await runStack("dev", {
      ...stackFileConfig("dev"),
      "pgvector-stack:extensions": JSON.stringify(["uuid-ossp", "PGAUDIT", "pg_trgm", "Unaccent"]),
    });
    const allowlist = run.registrations.find(
      (registration) => registration.inputs.configurationName === "azure.extensions",
    );
    const allowed = (armParameters["azure.extensions"] as ArmParameter).allowedValues.split(",");
    const value = String(allowlist?.inputs.value).split(",");
    expect(value).toEqual(["pg_trgm", "pgaudit", "unaccent", "uuid-ossp", "vector"]);
    expect([...value].sort((a, b) => allowed.indexOf(a) - allowed.indexOf(b))).toEqual(value);
  });

  it("does not replace a database created with the charset spelled UTF8", async () => {
    const run = await runStack("dev", stackFileConfig("dev"));
    const database = run.registrations.find((registration) => registration.type === T.database) as Registration;
    expect(database.ignoreChanges).toEqual(["charset"]);
  });
});
