// Policy pack entry point, run by `pulumi preview|up --policy-pack policy` (see docs/pull-requests.md).
// Constructing a PolicyPack starts the analyzer's gRPC server, so policies live in policies.ts for the tests.
import { PolicyPack } from "@pulumi/policy";
import { packName, policies } from "./policies";

new PolicyPack(packName, { policies, enforcementLevel: "mandatory" });
