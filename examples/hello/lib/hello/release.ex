defmodule Hello.Release do
  @moduledoc """
  What `mix phx.gen.release` generates for an app with Ecto, for the example (it has no database):
  `bin/migrate` runs `migrate/0` in a new, non-booted VM. portage runs it on one node before a new
  release switches; a release built with HELLO_MIGRATE=fail fails the way a broken migration does.
  """

  def migrate do
    Application.load(:hello)
    version = Application.spec(:hello, :vsn)

    IO.puts(
      "hello #{version}: migrating #{database(System.get_env("DATABASE_URL"))} as #{user()}"
    )

    if Application.get_env(:hello, :migrate) == "fail",
      do: raise(~s(migration 20250101000000 failed: relation "users" already exists))

    IO.puts("hello #{version}: migrations up")
  end

  defp database(nil), do: "no database (DATABASE_URL is not set)"
  defp database(url), do: "the database on #{URI.parse(url).host}"

  defp user, do: System.cmd("id", ["-un"]) |> elem(0) |> String.trim()
end
