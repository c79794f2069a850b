// Entry point (Pulumi.yaml `main: infra/`). The configuration is validated first, so a wrong setting stops
// `pulumi preview` before any resource is registered; the exported object's keys are the stack outputs.
import { loadStackConfig } from "./config";
import { createStack } from "./program";

export = createStack(loadStackConfig());
