// The bodies of the Pulumi dynamic provider behind the Migrations resource (infra/migrations). No Pulumi import:
// infra/migrations/provider.ts is the serialized shell that loads this by package name in the provider host.
import { applyMigrations, databaseName, deleteMigrations, readMigrations } from "./apply";
import { type CheckResult, checkInputs } from "./check";
import { type DiffResult, diffInputs } from "./diff";
import type { MigrationsInputs, MigrationsOutputs } from "./inputs";

/** The methods of pulumi.dynamic.ResourceProvider<MigrationsInputs, MigrationsOutputs>, in the SDK's shapes. */
export interface MigrationsProvider {
  check(olds: unknown, news: MigrationsInputs): Promise<CheckResult>;
  diff(id: string, olds: MigrationsOutputs, news: MigrationsInputs): Promise<DiffResult>;
  create(inputs: MigrationsInputs): Promise<{ id: string; outs: MigrationsOutputs }>;
  update(id: string, olds: MigrationsOutputs, news: MigrationsInputs): Promise<{ outs: MigrationsOutputs }>;
  read(id: string, props?: MigrationsOutputs): Promise<{ id: string; props?: MigrationsOutputs }>;
  delete(id: string, props: MigrationsOutputs): Promise<void>;
}

export const migrationsProviderMethods: MigrationsProvider = {
  check: (olds, news) => checkInputs(olds, news),
  diff: async (_id, olds, news) => diffInputs(olds, news),
  async create(inputs) {
    const outs = await applyMigrations(inputs);
    return { id: `${databaseName(inputs.connection)}:${inputs.trackingTable}`, outs };
  },
  update: async (_id, _olds, news) => ({ outs: await applyMigrations(news) }),
  read: (id, props) => readMigrations(id, props),
  delete: (_id, props) => deleteMigrations(props),
};
