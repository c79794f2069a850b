// Baseline without psql: runs one SQL script in a single transaction through the pg driver, in its own
// process (like psql -1 -f). Usage: node raw-apply.js <script.sql>, DATABASE_URL in the environment.
import { readFileSync } from "node:fs";
import { Client } from "pg";

async function main(): Promise<void> {
  const [scriptPath] = process.argv.slice(2);
  if (!scriptPath) throw new Error("usage: raw-apply <script.sql>");
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    await client.query(`BEGIN;\n${readFileSync(scriptPath, "utf8")}\nCOMMIT;`);
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`raw-apply: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
