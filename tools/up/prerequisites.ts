/** The one list of what a cloud account needs lives beside the providers, which check it in preview. */
export * from "../../components/cloud/prerequisites";
