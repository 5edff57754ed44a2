/** Runs once before all test files. Kept minimal; suites that need heavy setup (the Elixir release) do it themselves. */
export default function setup(): void {
  process.env.PULUMI_NODEJS_SKIP_COMMAND_INSTALL = "1";
}
