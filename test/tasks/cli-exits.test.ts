// How a hedge command ends when what it talks to is gone (issue 25), as a child process of the hardhat CLI:
// - its reader stops early (`npx hardhat hedge:demo | head -1`): it exits quietly, nothing on stderr, no EPIPE trace;
// - no node answers at `localhost`'s URL: one `error:` line that names the URL it tried, `npx hardhat node` and
//   HEDGE_LOCALHOST_URL, the variable that points `localhost` at a node on another port.
import fs from "node:fs";

import { expect } from "chai";

import { freePort, hardhatCli, hardhatCliReadOnce, tempDir } from "./helpers";

describe("command line: the reader or the node is gone", function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  const freshDir = () => {
    dirs.push(tempDir("exits"));
    return dirs[dirs.length - 1];
  };
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("exits quietly when its reader closes stdout early, as `| head -1` does", async () => {
    // The demo prints its first lines, then deploys and prints on for a few seconds: its next lines meet a closed pipe.
    const run = await hardhatCliReadOnce(["hedge:demo"], { HEDGE_DEPLOYMENTS_DIR: freshDir() });
    expect(run.stdout).to.match(/^Hedge Council demo on the "hardhat" network/);
    expect(run.stderr).to.equal("");
    expect(run.code).to.equal(0);
  });

  it("names the URL of localhost it tried, npx hardhat node and HEDGE_LOCALHOST_URL when no node answers", async () => {
    const port = await freePort(); // nothing listens there
    const url = `http://127.0.0.1:${port}`;
    const dir = freshDir();
    const run = await hardhatCli(["hedge:deploy", "--network", "localhost"], {
      HEDGE_LOCALHOST_URL: url,
      HEDGE_DEPLOYMENTS_DIR: dir,
    });
    expect(run.stderr.split("\n"), run.stderr).to.have.length(1);
    expect(run.stderr).to.equal(
      `error: cannot connect to network "localhost" at ${url}: is the node running? Start it with npx hardhat node, or set HEDGE_LOCALHOST_URL to the URL of the node you run`,
    );
    expect(run.code).to.equal(1);
    expect(fs.readdirSync(dir), "a refused deployment wrote a file").to.deep.equal([]);
  });

  it("shows a remote node's scheme and host only: a provider's URL often holds an API key", async () => {
    const port = await freePort(); // nothing listens there
    const holders = [1, 2, 3, 4, 5].map((i) => `0x${String(i).repeat(40)}`).join(",");
    const run = await hardhatCli(["hedge:deploy", "--network", "remote", "--holders", holders, "--mock-oracle"], {
      HEDGE_RPC_URL: `http://127.0.0.1:${port}/v3/XXXXsecretXXXX?key=XXXXsecretXXXX`,
      HEDGE_PRIVATE_KEY: `0x${"11".repeat(32)}`,
      HEDGE_DEPLOYMENTS_DIR: freshDir(),
    });
    expect(run.stderr).to.equal(
      `error: cannot connect to network "remote" at http://127.0.0.1:${port}: is the node running, and is HEDGE_RPC_URL its URL?`,
    );
    expect(run.stdout + run.stderr).to.not.include("XXXXsecretXXXX");
    expect(run.code).to.equal(1);
  });
});
