// Entry point (Pulumi.yaml `main: infra/`). The configuration is validated first, so a wrong setting stops
// `pulumi preview` before any resource is registered; the exported object's keys are the stack outputs.
import { createStack } from "./program";
import { loadStackConfig } from "./stack-config";

export = createStack(loadStackConfig());
