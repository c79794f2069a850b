// Applies a mock run's registrations to a real PostgreSQL server, as `pulumi up` and `pulumi destroy` would with
// the real providers: the postgresql resources through the SQL of provider-sql.ts, the Migrations resource through
// its real dynamic provider (which loads the built pgvector-migrate).
import { existsSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { MigrationsInputs, MigrationsOutputs } from "../../../infra/migrations";
import { migrationsProvider } from "../../../infra/migrations";
import type { Registration } from "../../infra/harness";
import { repoRoot } from "../../support";
import { captureConsole, type ProviderLine } from "./provider-log";
import {
  creationStep,
  deletionStep,
  destroyOrder,
  postgresqlTypes,
  providerConnection,
  type Step,
} from "./provider-sql";

export const migrationsType = "pulumi-nodejs:dynamic/pgvector:Migrations";

export function requireBuiltEngine(): void {
  const built = join(repoRoot, "packages/migrate/dist/index.js");
  if (!existsSync(built)) {
    throw new Error("the Migrations provider loads the BUILT pgvector-migrate: run `npm run build` first");
  }
}

/** Connects as the registered provider would, to `database`. */
export async function connectAs(
  registrations: readonly Registration[],
  resource: Registration,
  database: string,
): Promise<pg.Client> {
  const connection = providerConnection(registrations, resource);
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database,
    user: connection.username,
    password: connection.password,
  });
  await client.connect();
  return client;
}

/** Runs a step as the provider does: in one transaction, except CREATE and DROP DATABASE, which cannot be. */
async function run(registrations: readonly Registration[], step: Step, log: Step[]): Promise<void> {
  log.push(step);
  const transaction = step.registration.type !== postgresqlTypes.database;
  const client = await connectAs(registrations, step.registration, step.database);
  try {
    if (transaction) await client.query("BEGIN");
    for (const statement of step.statements) await client.query(statement);
    if (transaction) await client.query("COMMIT");
  } finally {
    await client.end();
  }
}

export interface ApplyOptions {
  /** Registrations not to apply (with the reason in the caller), e.g. the vector extension on a server without it. */
  skip?: (registration: Registration) => boolean;
  /** Adjusts the Migrations inputs before the provider runs them. */
  migrationsInputs?: (inputs: MigrationsInputs) => MigrationsInputs;
  /** Runs after a registration was applied, e.g. to change the server as another version would have it. */
  afterApplying?: (registration: Registration) => Promise<void>;
}

export interface Applied {
  steps: Step[];
  migrations?: MigrationsOutputs;
  /** What the Migrations provider logged (captured, not printed). */
  providerLog: ProviderLine[];
}

/** Creates every registered resource in registration order (a dependency order: the mocks register a resource
 * only after everything it depends on). */
export async function applyRegistrations(
  registrations: readonly Registration[],
  options: ApplyOptions = {},
): Promise<Applied> {
  const steps: Step[] = [];
  const providerLog: ProviderLine[] = [];
  let migrations: MigrationsOutputs | undefined;
  for (const registration of registrations) {
    if (options.skip?.(registration)) continue;
    if (registration.type === migrationsType) {
      const adjust = options.migrationsInputs ?? ((inputs) => inputs);
      migrations = (await createMigrations(adjust(migrationsInputsOf(registration)), providerLog)).outs;
      await options.afterApplying?.(registration);
      continue;
    }
    const step = creationStep(registrations, registration);
    if (step) await run(registrations, step, steps);
    await options.afterApplying?.(registration);
  }
  return { steps, migrations, providerLog };
}

/** The Migrations provider's create, with what it logs collected into `providerLog` instead of printed. */
export function createMigrations(inputs: MigrationsInputs, providerLog: ProviderLine[] = []) {
  return captureConsole(providerLog, () => migrationsProvider.create(inputs));
}

function migrationsInputsOf(registration: Registration): MigrationsInputs {
  return registration.inputs as unknown as MigrationsInputs;
}

/**
 * The next `pulumi up` after a migration file was added: only the Migrations resource differs, so only it is
 * updated; grants and roles stay as they are.
 */
export async function updateMigrations(
  registrations: readonly Registration[],
  previous: MigrationsOutputs,
  adjust: (inputs: MigrationsInputs) => MigrationsInputs = (inputs) => inputs,
  providerLog: ProviderLine[] = [],
): Promise<MigrationsOutputs> {
  const registration = registrations.find((candidate) => candidate.type === migrationsType);
  if (!registration) throw new Error("no Migrations resource registered");
  const inputs = adjust(migrationsInputsOf(registration));
  const result = await captureConsole(providerLog, async () =>
    migrationsProvider.update?.("migrations", previous, inputs),
  );
  if (!result?.outs) throw new Error("the Migrations provider returned no outputs");
  return result.outs as MigrationsOutputs;
}

/** What `pulumi destroy` runs: every resource not deleted with another one, dependents first. */
export async function destroyRegistrations(registrations: readonly Registration[]): Promise<Step[]> {
  const steps: Step[] = [];
  for (const registration of destroyOrder(registrations)) {
    const step = deletionStep(registrations, registration);
    if (step) await run(registrations, step, steps);
  }
  return steps;
}
