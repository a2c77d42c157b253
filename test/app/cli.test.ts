// `npm run app`'s command line (app/cli.mjs, issue 25): a typo of an option, a missing or invalid value, and a port
// already taken are refused in one `error:` line with exit code 1, no stack trace, and no server left running. The
// script runs as a child process, as `npm run app -- <options>` runs it.
import net from "node:net";

import { expect } from "chai";

import { nodeCli, type CliRun } from "../tasks/helpers";

const OPTIONS = "the options are --port <1-65535>, --host <address>, --network <name> and --build";

/** Runs app/cli.mjs; a server that starts would keep it running, so it is stopped (SIGKILL) after 20 s. */
const app = (args: string[]) => nodeCli("app/cli.mjs", args, {}, 20_000);

function expectRefused(run: CliRun, line: string): void {
  expect(run.code, `it did not exit on its own:\n${run.stdout}\n${run.stderr}`).not.to.equal(null);
  expect(run.stderr).to.equal(line);
  expect(run.stdout).to.equal("");
  expect(run.code).to.equal(1);
}

describe("npm run app: its command line", function () {
  this.timeout(60_000);

  const cases: [string, string[], string][] = [
    ["a typo of --port", ["--prot", "5301"], `error: unknown option --prot; ${OPTIONS}`],
    ["a short option", ["-p", "5301"], `error: unknown option -p; ${OPTIONS}`],
    ["--port without its value", ["--port"], `error: --port needs a value; ${OPTIONS}`],
    ["--port followed by another option", ["--port", "--host", "0.0.0.0"], `error: --port needs a value; ${OPTIONS}`],
    ["--port abc", ["--port", "abc"], "error: --port abc: not a port number (1 to 65535)"],
    ["--port 70000", ["--port", "70000"], "error: --port 70000: not a port number (1 to 65535)"],
    ["--port 0", ["--port=0"], "error: --port 0: not a port number (1 to 65535)"],
    ["--port given twice", ["--port", "5301", "--port", "5302"], "error: --port is given twice; give it once"],
    ["--host without its value", ["--host"], `error: --host needs a value; ${OPTIONS}`],
    [
      "a --host that is no host name",
      ["--host", "a b"],
      "error: --host (a word with characters not shown): not a host name or IP address (e.g. 127.0.0.1, 0.0.0.0 or localhost)",
    ],
    [
      "a --network that is a path",
      ["--network", "../secrets"],
      "error: --network ../secrets: not a network name (letters, digits, - and _; e.g. localhost)",
    ],
    ["a value given to --build", ["--build=yes"], "error: --build takes no value"],
    ["a word that is no option", ["5301"], `error: unexpected argument 5301; ${OPTIONS}`],
    [
      "an unknown option with a terminal escape, not shown",
      ["--prot\u001b[2J"],
      `error: unknown option (a word with characters not shown); ${OPTIONS}`,
    ],
  ];
  for (const [what, args, line] of cases) {
    it(`refuses ${what} in one line, before starting anything`, async () => {
      expectRefused(await app(args), line);
    });
  }

  it("refuses a port that is already taken in one line", async () => {
    // A port taken by this test's own server, on a port the system picks (no race with other processes).
    const taken = net.createServer();
    await new Promise<void>((resolve, reject) => taken.once("error", reject).listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as net.AddressInfo;
    try {
      expectRefused(
        await app(["--port", String(port)]),
        `error: port ${port} is in use; stop what listens there, or pick another with --port`,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
