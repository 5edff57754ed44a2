import type { Spec } from "../spec";
import type { SectionInput } from "./context";

/** `portage:rollout`: nothing beyond its types and ranges. */
export function rolloutSection({ raw }: SectionInput): Spec["rollout"] {
  return { ...raw.rollout };
}
