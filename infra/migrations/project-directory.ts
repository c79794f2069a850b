import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { findProjectDirectory } from "pgvector-migrate";

/**
 * The project directory of the running program. The CLI tells the program (getRootDirectory); where it does not
 * (a program under the SDK's mocks) it is found from the working directory, as the provider finds it. Its own
 * module, so that the config loader reaches neither the resource nor the provider.
 */
export function programProjectDirectory(
  rootDirectory: string = pulumi.runtime.getRootDirectory(),
  workingDirectory: string = process.cwd(),
): string {
  return path.isAbsolute(rootDirectory) ? rootDirectory : findProjectDirectory(workingDirectory);
}
