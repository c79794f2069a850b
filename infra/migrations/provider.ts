// The dynamic provider behind `Migrations`: a thin shell around pgvector-migrate's migrationsProviderMethods.
//
// Pulumi serializes this object with everything it references (pulumi.runtime.serializeFunction) into the state as
// `__provider`, and the dynamic-provider host rebuilds it with `require` in the program directory. Hence the
// bodies live in the engine package, which the methods load by package name (never inlined), and nothing else is
// captured: no value imports here, and connection settings arrive as method arguments only.
// The host does not accept secrets: the engine sends them in plain text and re-marks as secret only the outputs
// whose key matches a secret input, which is why the connection stays under the `connection` key.
import type * as pulumi from "@pulumi/pulumi";
import type { MigrationsProvider } from "pgvector-migrate";
import type { MigrationsInputs, MigrationsOutputs } from "./args";

function methods(): MigrationsProvider {
  return require("pgvector-migrate").migrationsProviderMethods;
}

export const migrationsProvider: pulumi.dynamic.ResourceProvider<MigrationsInputs, MigrationsOutputs> = {
  check: (olds, news) => methods().check(olds, news),
  diff: (id, olds, news) => methods().diff(id, olds, news),
  create: (inputs) => methods().create(inputs),
  update: (id, olds, news) => methods().update(id, olds, news),
  read: (id, props) => methods().read(id, props),
  delete: (id, props) => methods().delete(id, props),
};
