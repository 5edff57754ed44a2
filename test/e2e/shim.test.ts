import { describe, expect, it } from "vitest";
import { envFile } from "../../components/node/env";
import {
  lastValue,
  parseEnvironment,
  parseEnvironmentFile,
  parseExec,
  parseSeconds,
  parseUnit,
  resolveSpecifiers,
  unitName,
} from "../../lab/shim/unit-file";

/** The local fleet's systemctl shim must read units and env files as systemd does, or the fleet proves nothing. */
describe("the systemctl shim reads units as systemd does", () => {
  it("applies drop-ins in order, an empty assignment clearing a list", () => {
    const unit = parseUnit([
      "[Service]\nExecStart=/usr/bin/old --flag \\\n  --continued\nEnvironment=A=1\n",
      "[Service]\nExecStart=\nExecStart=/usr/bin/new\nEnvironment=B=2\n",
    ]);
    expect(unit.get("Service.ExecStart")).toEqual(["/usr/bin/new"]);
    expect(unit.get("Service.Environment")).toEqual(["A=1", "B=2"]);
    expect(parseUnit(["[Service]\nExecStart=/usr/bin/old --flag \\\n  --continued\n"]).get("Service.ExecStart")).toEqual([
      "/usr/bin/old --flag --continued",
    ]);
  });

  it("resolves an instance's specifiers", () => {
    const name = unitName("hello@4001");
    expect(name).toMatchObject({ full: "hello@4001.service", prefix: "hello", instance: "4001", template: "hello@.service" });
    const ctx = { name, hostname: "local-1", home: "/var/lib/hello", user: "hello" };
    expect(resolveSpecifiers("/opt/hello/ports/%i/bin/hello start", ctx)).toBe("/opt/hello/ports/4001/bin/hello start");
    expect(resolveSpecifiers("RELEASE_TMP=%t/%p-%i %n 100%%", ctx)).toBe("RELEASE_TMP=/run/hello-4001 hello@4001.service 100%");
  });

  it("expands $VAR into words and ${VAR} within a word, like Debian's haproxy.service needs", () => {
    const env = { CONFIG: "/etc/haproxy/haproxy.cfg", EXTRAOPTS: "-S /run/haproxy-master.sock", MAINPID: "42" };
    expect(parseExec("/usr/sbin/haproxy -Ws -f $CONFIG -c -q $EXTRAOPTS", env).argv).toEqual([
      "/usr/sbin/haproxy",
      "-Ws",
      "-f",
      "/etc/haproxy/haproxy.cfg",
      "-c",
      "-q",
      "-S",
      "/run/haproxy-master.sock",
    ]);
    expect(parseExec('-/bin/kill -USR2 ${MAINPID} "a b" $$HOME', env)).toEqual({
      ignoreFailure: true,
      privileged: false,
      argv: ["/bin/kill", "-USR2", "42", "a b", "$HOME"],
    });
  });

  it("reads back every value portage's env files carry", () => {
    const values: [string, string][] = [
      ["PLAIN", "hello"],
      ["SPACES", "two words "],
      ["QUOTES", `say "hi" and 'bye'`],
      ["SHELLISH", "$HOME `id` \\n back\\slash"],
      ["HASH", "a#b;c"],
      ["EMPTY", ""],
    ];
    expect(parseEnvironmentFile(envFile(values, "a header comment"))).toEqual(values);
  });

  it("reads Environment= with quoting and time spans", () => {
    expect(parseEnvironment('"CONFIG=/etc/haproxy/haproxy.cfg" "EXTRAOPTS=-S /run/x.sock" HOME=/var/lib/hello')).toEqual([
      ["CONFIG", "/etc/haproxy/haproxy.cfg"],
      ["EXTRAOPTS", "-S /run/x.sock"],
      ["HOME", "/var/lib/hello"],
    ]);
    expect(parseSeconds("60", 90)).toBe(60);
    expect(parseSeconds("1min 30s", 0)).toBe(90);
    expect(parseSeconds("500ms", 0)).toBe(0.5);
    expect(parseSeconds("infinity", 0)).toBe(Infinity);
    expect(parseSeconds(undefined, 90)).toBe(90);
    expect(lastValue(parseUnit(["[Service]\nType=simple\nType=notify\n"]), "Service.Type")).toBe("notify");
  });
});
