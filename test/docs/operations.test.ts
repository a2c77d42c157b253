// Keeps docs/OPERATIONS.md true: its marked `sh` blocks are run as written, in the guide's order, in one bash (its
// shell variables carry over from block to block, as in an operator's terminal), against Foundry's anvil with chain
// id 8453 and a block every second (interval mining, as on a real chain), through `--network remote`. Lines marked
// `# public network` are skipped: they need a real endpoint, feed, explorer or Hermes. Each command must exit with
// the status its `# exit N` comment gives (0 without one) and print the key line the guide promises.
//
// The blocks run in a temporary folder under tmp/, as the README's walkthrough does (test/docs/readme.test.ts):
// HEDGE_DEPLOYMENTS_DIR and HEDGE_PROPOSALS_DIR put deployments/ and proposals/ there, and `scripts` is a link to
// the project's, so that `npx ts-node scripts/…` runs as it does from the project's root.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Wallet, id } from "ethers";

import { KeystoneForwarder__factory } from "../../typechain-types";
import { mine, startAnvil, type AnvilProcess } from "../helpers/anvil";
import { ROOT } from "../tasks/helpers";
import { commandsOf, runInBash, type Command, type Step } from "./shell";

const GUIDE = path.join(ROOT, "docs", "OPERATIONS.md");
const BLOCKS = ["deploy", "addresses", "verify", "check", "test-proposal", "keeper"];
const PUBLIC = /#\s*public network/;
const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const WORKFLOW_ID = id("hedge-council/sync-layers v1");
const WORKFLOW_OWNER = HDNodeWallet.fromMnemonic(MNEMONIC, "m/44'/60'/0'/0/8").address; // the workflow owner CRE names
const key = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`).privateKey;

function guide(): string {
  return fs.readFileSync(GUIDE, "utf8");
}

/** Every marked block's commands, in the guide's order, public-network lines left out. */
function commands(): Command[] {
  return BLOCKS.flatMap((b) => commandsOf(guide(), `<!-- operations: ${b} -->`, PUBLIC));
}

describe("docs/OPERATIONS.md: every command runs as written against anvil (interval mining)", function () {
  this.timeout(180_000);
  let anvil: AnvilProcess;
  let dir: string;
  let steps: Step[];
  const tmp = path.join(ROOT, "tmp");
  const madeTmp = !fs.existsSync(tmp);

  /** The steps whose line matches `pattern`. */
  const stepsOf = (pattern: RegExp) => steps.filter((s) => pattern.test(s.line));
  const one = (pattern: RegExp) => {
    const found = stepsOf(pattern);
    expect(found, `one line matches ${pattern}`).to.have.length(1);
    return found[0];
  };

  before(async function () {
    fs.mkdirSync(tmp, { recursive: true });
    dir = fs.mkdtempSync(path.join(tmp, "operations-"));
    fs.symlinkSync(path.join(ROOT, "scripts"), path.join(dir, "scripts"));
    anvil = await startAnvil({ chainId: 8453, blockTime: 1 });
    // A chain with a history: the Safe singleton factory's pre-signed deployment for chain 8453 pays a fixed 0.2 gwei,
    // under a fresh anvil's base fee of 1 gwei ("max fee per gas less than block base fee"); empty blocks lower it.
    await mine(anvil.url, 50);
    // The KeystoneForwarder Chainlink would list for the chain, deployed by an account the guide does not use.
    const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true });
    const forwarder = await new KeystoneForwarder__factory(new Wallet(key(9), provider)).deploy();
    await forwarder.waitForDeployment();
    provider.destroy();
    steps = await runInBash(
      commands(),
      dir,
      {
        HEDGE_RPC_URL: anvil.url,
        HEDGE_CHAIN_ID: "8453",
        HEDGE_PRIVATE_KEY: key(0),
        SEAT1_KEY: key(1),
        SEAT2_KEY: key(2),
        CRE_FORWARDER: await forwarder.getAddress(),
        CRE_WORKFLOW_ID: WORKFLOW_ID,
        CRE_WORKFLOW_OWNER: WORKFLOW_OWNER,
        HEDGE_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
        HEDGE_PROPOSALS_DIR: path.join(dir, "proposals"),
      },
      170_000,
    );
  });

  after(async function () {
    await anvil?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (madeTmp && fs.existsSync(tmp) && fs.readdirSync(tmp).length === 0) fs.rmdirSync(tmp);
  });

  it("marks the commands that need a public network, and runs the rest", function () {
    const all = BLOCKS.flatMap((b) => commandsOf(guide(), `<!-- operations: ${b} -->`));
    const marked = all.filter((c) => PUBLIC.test(c.line)).map((c) => c.line);
    expect(marked.some((l) => l.startsWith("npx hardhat verify "))).to.equal(true);
    expect(marked.some((l) => l.includes("--oracle 0x<VIX feed>"))).to.equal(true);
    expect(marked.some((l) => l.includes("hermes"))).to.equal(true);
    expect(marked.some((l) => l.startsWith("export CRE_FORWARDER="))).to.equal(true);
    // Nothing that reaches a network outside the test is left unmarked.
    for (const c of commands()) expect(c.line).not.to.match(/https:\/\/|0x<|…/);
  });

  it("every command exits with the status the guide gives it", function () {
    for (const step of steps) {
      const printed = `${step.stdout}\n${step.stderr}`.trim();
      expect(step.code, `\`${step.line}\` printed:\n${printed}`).to.equal(step.expectedExit);
    }
  });

  it("the deterministic dry run prints the addresses, and the deploy lands at them", function () {
    const dry = one(/--deterministic --dry-run --mock-oracle/);
    expect(dry.stdout).to.include("not deployed on this chain yet");
    const deploy = stepsOf(/--deterministic --mock-oracle/);
    expect(deploy[0].stdout).to.include("Deployed; the deployer holds no role.");
    expect(deploy[1].stderr).to.match(/^error: /m);
    expect(one(/hedge:deploy --upkeep --cre-forwarder/).stdout).to.include("Deployed HedgeUpkeep at");
    const diff = one(/\| diff - deployed\.txt/);
    expect(diff.stdout).to.equal("");
    expect(fs.readFileSync(path.join(dir, "deployed.txt"), "utf8").trim().split("\n")).to.have.length(5);
  });

  it("reads every contract's constructor arguments from the chain for hardhat-verify", function () {
    const args = one(/constructor-args\.ts/);
    for (const [c, n] of [
      ["seats", 3],
      ["timelock", 4],
      ["policy", 4],
      ["council", 7],
      ["upkeep", 4],
    ] as const) {
      expect(args.stdout).to.include(`${c} `);
      expect(args.stdout).to.match(new RegExp(`^${c} 0x[0-9a-fA-F]{40}: ${n} constructor argument`, "m"));
      const module = fs.readFileSync(path.join(dir, "verify", `${c}.js`), "utf8");
      expect(module).to.match(/^module\.exports = \[/);
    }
  });

  it("the checks a council makes before it trusts the deployment pass", function () {
    const [first] = stepsOf(/^npx hardhat hedge:audit --network remote$/);
    expect(first.stdout).to.include("No findings: every change followed the rules");
    expect(first.stdout).to.match(/roles +pass .*no account other than the timelock \(admin\) and the council/);
    const status = one(/^npx hardhat hedge:status --network remote$/).stdout;
    expect(status).to.match(/^Seats: 5 /m);
    expect(status).to.match(/^  Critical +4 of 5 +3 d/m);
    expect(status).to.match(/^  oracle +0x[0-9a-fA-F]{40} \(mock\)/m);
    expect(status).to.include(`  cre     workflow ${WORKFLOW_ID} (owner ${WORKFLOW_OWNER}) from the forwarder 0x`);
    expect(status).to.include("oracle answers accepted up to 1 h old");
    expect(status).to.match(/VIX 15\.00 \(oracle answer of .* ago\)/);
    const check = JSON.parse(one(/^curl /).stdout) as { result: string };
    expect(BigInt(check.result.slice(0, 66))).to.equal(0n); // checkUpkeep: nothing to sync at VIX 15
  });

  it("the test proposal runs end to end and is undone, and the audit still finds nothing", function () {
    const submits = stepsOf(/hedge:submit/);
    expect(submits).to.have.length(2);
    for (const s of submits) expect(s.stdout).to.include("executed at once (Fast tier)");
    const audits = stepsOf(/^npx hardhat hedge:audit --network remote$/);
    expect(audits).to.have.length(2);
    expect(audits[1].stdout).to.include("No findings: every change followed the rules");
  });

  it("the keeper starts, and stops on SIGINT with its checkpoint", function () {
    const watch = one(/hedge:watch --sync/);
    expect(watch.stderr).to.match(/keeper 0x[0-9a-fA-F]{40} sends syncLayers when a sync would change a layer/);
    expect(watch.stderr).to.match(/stopped \(SIGINT\) after block \d+/);
    expect(fs.existsSync(path.join(dir, "watch.json"))).to.equal(true);
  });
});
