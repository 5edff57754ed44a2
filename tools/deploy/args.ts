import { parseCommandLine, UserError } from "../cli";

export interface DeployArgs {
  /** The release tarball, as the user typed it. */
  tarball: string;
  stack?: string;
  /** Answer pulumi up's question yes (CI). */
  yes: boolean;
  /** Show what the deploy would change, and change nothing. */
  preview: boolean;
}

export const usage = `usage: npm run deploy -- <tarball> [--stack <name>] [--yes] [--preview]

Ships a mix release: reads its name and version from the tarball, checks it runs on the stack's VMs
(a gzip mix release with its Erlang runtime, built for Linux with glibc on the nodes' CPU), sets
portage:app.name, app.version and app.release on the stack, and runs pulumi up.

  <tarball>          the .tar.gz mix release built (steps: [:assemble, :tar]), e.g. _build/prod/my_app-0.2.0.tar.gz
  --stack <name>     the stack (default: the selected one)
  --yes, -y          do not ask before updating (pulumi up --yes)
  --preview          run pulumi preview --diff with the new release instead; the stack's config is left as it is
`;

/** Parses `npm run deploy -- ...`; help is undefined-free: `{ help: true }` asks for the usage. */
export function parseDeployArgs(argv: readonly string[]): DeployArgs | { help: true } {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      stack: { type: "string", short: "s" },
      yes: { type: "boolean", short: "y" },
      preview: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    usage,
  );
  if (values.help) return { help: true };
  const [tarball, ...rest] = positionals;
  if (!tarball) throw new UserError(`give the release tarball to deploy\n\n${usage}`, 2);
  if (rest.length > 0) throw new UserError(`one tarball at a time; also given: ${rest.join(" ")}\n\n${usage}`, 2);
  return { tarball, stack: values.stack, yes: values.yes ?? false, preview: values.preview ?? false };
}
