// vitest globalSetup: one native PostgreSQL server for the whole run, shared by all test files.
import { join } from "node:path";

type TestProject = import("vitest/node", { with: { "resolution-mode": "import" }}).TestProject;

import { startNativeServer } from "./native-server";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the run's native PostgreSQL (database `postgres`). Contains the password. */
    nativeAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startNativeServer({
    parentDir: join(project.config.root, ".test-data"),
    // Durability buys nothing in a throw-away test cluster; the benchmark keeps the defaults.
    settings: { fsync: "off", synchronous_commit: "off", full_page_writes: "off" },
  });
  try {
    project.provide("nativeAdminUrl", server.adminUrl);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return () => server.stop();
}
