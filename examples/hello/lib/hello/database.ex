defmodule Hello.Database do
  @moduledoc """
  `GET /db`: reaches the database the way Postgrex does with the README's runtime.exs lines
  (`ssl: [verify: :verify_peer, cacertfile: DATABASE_CA_FILE, server_name_indication: host]`),
  without Postgrex (the example has no hex packages): Postgres's SSLRequest, a TLS handshake that
  verifies the server's certificate against DATABASE_CA_FILE and its name, then the startup message,
  which the server answers with an authentication request over the verified channel.
  """

  # https://www.postgresql.org/docs/current/protocol-message-formats.html (SSLRequest, StartupMessage)
  @ssl_request <<8::32, 80_877_103::32>>
  @protocol_3 196_608

  def check do
    # Started already in the running app; `bin/hello eval` starts nothing by itself.
    {:ok, _} = Application.ensure_all_started(:ssl)

    with {:ok, url} <- env("DATABASE_URL"),
         {:ok, cacertfile} <- env("DATABASE_CA_FILE"),
         %URI{host: host, port: port, userinfo: userinfo, path: path} <- URI.parse(url),
         {:ok, tcp} <-
           :gen_tcp.connect(to_charlist(host), port || 5432, [:binary, active: false], 5_000),
         :ok <- :gen_tcp.send(tcp, @ssl_request),
         {:ok, "S"} <- :gen_tcp.recv(tcp, 1, 5_000),
         {:ok, tls} <- :ssl.connect(tcp, tls_options(host, cacertfile), 5_000),
         :ok <- :ssl.send(tls, startup(user(userinfo), String.trim_leading(path || "/", "/"))),
         {:ok, <<"R", _::binary>>} <- :ssl.recv(tls, 0, 5_000) do
      {:ok, [protocol: protocol]} = :ssl.connection_information(tls, [:protocol])
      :ssl.close(tls)
      {:ok, %{"database" => "verified", "host" => host, "tls" => to_string(protocol)}}
    else
      {:ok, "N"} -> {:error, "the server refuses TLS"}
      {:error, reason} -> {:error, describe(reason)}
      other -> {:error, inspect(other)}
    end
  end

  # The README's runtime.exs `ssl:` options: the chain against the CA file, and the host name
  # unless the host is an address (Cloud SQL's certificate names the instance, not its address).
  defp tls_options(host, cacertfile) do
    [verify: :verify_peer, cacertfile: to_charlist(cacertfile)] ++
      case :inet.parse_address(to_charlist(host)) do
        {:ok, _address} -> [server_name_indication: :disable]
        _ -> [server_name_indication: to_charlist(host)]
      end
  end

  defp startup(user, database) do
    params = "user\0#{user}\0database\0#{database}\0\0"
    <<byte_size(params) + 8::32, @protocol_3::32, params::binary>>
  end

  defp user(nil), do: "postgres"
  defp user(userinfo), do: userinfo |> String.split(":") |> hd() |> URI.decode()

  defp env(name) do
    case System.get_env(name) do
      nil -> {:error, "#{name} is not set"}
      "" -> {:error, "#{name} is empty"}
      value -> {:ok, value}
    end
  end

  defp describe({:tls_alert, {_, description}}), do: "TLS refused: #{description}"
  defp describe(reason) when is_binary(reason), do: reason
  defp describe(reason), do: inspect(reason)
end
