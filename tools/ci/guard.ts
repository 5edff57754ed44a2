import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { judge, markdown, readPreview } from "./preview-guard";

const usage = `usage: npx tsx tools/ci/guard.ts --stack <name> --preview <preview.json> [--markdown <out.md>] [--production] [--allow-data-loss]

Reads \`pulumi preview --json\`; lists every database, bucket or disk it would replace or delete, and
exits 1 when that happens in a production stack (portage:production true in the preview's config, or
--production) without --allow-data-loss (or ALLOW_DATA_LOSS=true).`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      preview: { type: "string" },
      markdown: { type: "string" },
      production: { type: "boolean" },
      "allow-data-loss": { type: "boolean" },
    },
  });
  if (!values.stack || !values.preview) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const allow = values["allow-data-loss"] === true || process.env.ALLOW_DATA_LOSS === "true";
  const doc = existsSync(values.preview) ? readPreview(readFileSync(values.preview, "utf8")) : undefined;
  const verdict = judge(doc, { stack: values.stack, production: values.production, allowDataLoss: allow });
  const text = markdown(verdict, allow);
  if (values.markdown) writeFileSync(values.markdown, `${text}\n`);
  process.stdout.write(`${text}\n`);
  // For the workflow's later steps (the comment, the final verdict).
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `blocked=${verdict.blocked}\n`);
  return verdict.blocked ? 1 : 0;
}

process.exit(main(process.argv.slice(2)));
