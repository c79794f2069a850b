export { AppRole, type AppRoleAccess, type AppRoleArgs } from "./app-role";
export { connectionString } from "./connection-string";
export { PgvectorDatabase, type PgvectorDatabaseArgs } from "./pgvector-database";
export { defaultConnectTimeoutSeconds, type PostgresqlConnection, postgresqlProvider } from "./provider";
