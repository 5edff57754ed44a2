import type { OnCloud } from "../cloud/on-cloud";
import type { Cloud } from "../config";

/** What a cloud's network implementation is built from. */
export type NetworkInputs<C extends Cloud = Cloud> = OnCloud<C>;
