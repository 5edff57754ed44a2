import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `pulumi preview --policy-pack policy` runs this file (ts-node, from policy/ as working directory).
// Constructing the pack starts its gRPC server: tests import ./policies and ./check, never this file.
new PolicyPack("portage", {
  description: "portage's security and data-safety invariants on AWS and GCP; every policy is mandatory.",
  enforcementLevel: "mandatory",
  policies,
});
