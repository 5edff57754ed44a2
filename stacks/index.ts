import { portage } from "./program";

// Pulumi runs this file (package.json "main"); every property becomes a stack output.
export = portage();
