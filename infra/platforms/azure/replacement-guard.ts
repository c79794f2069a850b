import * as pulumi from "@pulumi/pulumi";
import { type FixedSetting, type ReplacementGuardInputs, replacementGuardProvider } from "./replacement-guard-provider";

export { changedFixedSettings, settingsFixedAtCreation } from "./replacement-guard-provider";

export interface ServerReplacementGuardArgs {
  /** Every setting of settingsFixedAtCreation, as configured ("" when unset). */
  settings: Record<FixedSetting, string>;
  allowServerReplacement: boolean;
}

/**
 * Holds the settings that replace the server, as of the last update. Its check compares them with this update's
 * (the engine hands it the previous inputs from the state) and fails the preview on a change nobody confirmed.
 * The server depends on it, so on `pulumi up` nothing reaches the server before the check has passed.
 */
export class ServerReplacementGuard extends pulumi.dynamic.Resource {
  declare readonly settings: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: ServerReplacementGuardArgs, opts?: pulumi.CustomResourceOptions) {
    const inputs: ReplacementGuardInputs = {
      settings: args.settings,
      allowServerReplacement: args.allowServerReplacement,
    };
    super(replacementGuardProvider, name, inputs, opts, "pgvector", "ServerReplacementGuard");
  }
}
