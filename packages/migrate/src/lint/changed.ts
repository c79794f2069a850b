// Which files of the migrations directory changed since a git ref: the migrations a pull request adds or edits.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { MigrateError } from "../errors";

/**
 * Absolute paths of files under `directory` that were added, modified or renamed since the merge base of `ref`
 * and HEAD, committed or not, plus untracked files (a migration just created and not yet added).
 */
export function filesChangedSince(directory: string, ref: string): Set<string> {
  const mergeBase = git(directory, ["merge-base", ref, "HEAD"], ref).trim();
  const changed = git(
    directory,
    ["diff", "--name-only", "--relative", "--diff-filter=AMR", "-z", mergeBase, "--", "."],
    ref,
  );
  const untracked = git(directory, ["ls-files", "--others", "--exclude-standard", "-z", "--", "."], ref);
  const names = `${changed}${untracked}`.split("\0").filter((name) => name.length > 0);
  return new Set(names.map((name) => join(directory, name)));
}

function git(directory: string, args: readonly string[], ref: string): string {
  try {
    return execFileSync("git", ["-C", directory, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw new MigrateError(
      "INVALID_OPTIONS",
      `cannot list the migrations changed since ${JSON.stringify(ref)} (git ${args[0]}): ${stderr.split("\n")[0]}. ` +
        "In GitHub Actions, check out with fetch-depth: 0 so the base branch is available.",
    );
  }
}
