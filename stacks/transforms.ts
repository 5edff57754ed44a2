import type { FootprintTransforms } from "../components/footprint";

/**
 * Your edits to the raw cloud resources, the "full control" escape hatch: any provider argument
 * portage does not expose, per component and per cloud, without forking a component. A partial object
 * is merged over portage's arguments; a function edits them in place. Types come from @pulumi/aws and
 * @pulumi/gcp, so the editor completes them and `npm run typecheck` checks them. An edit for a cloud
 * applies to that cloud's footprint, whichever footprint it is.
 *
 * @example
 * export const transforms: StackTransforms = {
 *   fleet: { aws: { instance: { monitoring: true } } },
 *   bucket: { gcp: { bucket: (args) => { args.storageClass = "NEARLINE"; } } },
 * };
 */
export type StackTransforms = FootprintTransforms;

export const transforms: StackTransforms = {};
