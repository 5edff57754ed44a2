import type { Spec } from "../spec";
import type { SectionInput } from "./context";

/** `portage:bucket`: nothing beyond its types. */
export function bucketSection({ raw }: SectionInput): Spec["bucket"] {
  return { ...raw.bucket };
}
