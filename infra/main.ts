// The program this repository deploys (Pulumi.yaml `main: infra/` loads the root package.json's `main`, this file).
// The configuration is validated first, so a wrong setting stops `pulumi preview` before any resource is registered;
// the exported object's keys are the stack outputs. It uses the library entry (./index) as any other program would.
import { createStack, loadStackConfig } from "./index";

export = createStack(loadStackConfig());
