// Two PGlite processes on one data directory would corrupt it: a pid file next to it keeps a second
// `npm run local` out.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws naming the process that holds it; returns the release function. */
export function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.pid`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: "wx" });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lockFile, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isRunning(holder)) {
        throw new Error(
          `${dataDir} is in use by another local server (pid ${holder}): stop it, or pass --data-dir for a separate one`,
        );
      }
      // Left behind by a process that no longer runs.
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir} (lock file ${lockFile})`);
}
