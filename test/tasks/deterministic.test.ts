// `hedge:deploy --deterministic` (issue 27): the same configuration gives the same addresses on two fresh anvil
// chains with other chain ids, deployed by other keys, through the Safe singleton factory (deployed first from its
// signed transaction) and the HedgeDeployer; the audit passes on both; the dry run prints the same addresses and
// sends nothing; a second deployment of the same configuration is refused in one line; a front-runner cannot occupy
// the addresses with another configuration or other code; a chain the factory's package does not know is refused
// in one line. Every step is a child process of the hardhat CLI on `--network remote`, except the front-runner's
// transactions, sent with ethers.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, concat, type Wallet } from "ethers";

import type { AuditReport } from "../../scripts/lib/audit/types";
import type { Deployment } from "../../scripts/lib/deployments";
import {
  SINGLETON_FACTORY,
  ensureHedgeDeployer,
  ensureSingletonFactory,
  planDeterministic,
} from "../../scripts/lib/deterministic";
import { CouncilSeats__factory, HedgeDeployer__factory } from "../../typechain-types";
import { startAnvil, type AnvilProcess } from "../helpers/anvil";
import { rpc } from "../helpers/node";
import { cliOk, hardhatCli, tempDir } from "./helpers";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
const wallet = (i: number) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`);
const holders = [1, 2, 3, 4, 5].map((i) => wallet(i).address);
const NAMES = ["seats", "timelock", "policy", "council"] as const;

/** The addresses a deploy or dry run printed, by name. */
function printedAddresses(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ["system id", "deployer", "oracle", ...NAMES]) {
    const m = new RegExp(`^  ${name} +(0x[0-9a-fA-F]+)`, "m").exec(stdout);
    if (m) out[name] = m[1];
  }
  return out;
}

describe("tasks: hedge:deploy --deterministic on two anvil chains (child processes, --network remote)", function () {
  this.timeout(240_000);
  const chains: { anvil: AnvilProcess; chainId: number; key: HDNodeWallet; dir: string }[] = [];
  const others: AnvilProcess[] = [];

  const cli = (c: (typeof chains)[number], args: string[], env: Record<string, string> = {}) =>
    hardhatCli([...args, "--network", "remote"], {
      HEDGE_RPC_URL: c.anvil.url,
      HEDGE_PRIVATE_KEY: c.key.privateKey,
      HEDGE_CHAIN_ID: String(c.chainId),
      HEDGE_DEPLOYMENTS_DIR: c.dir,
      ...env,
    });
  const deployArgs = ["hedge:deploy", "--deterministic", "--holders", holders.join(","), "--mock-oracle", "--quiet"];
  const state = async (url: string, address: string) => ({
    block: await rpc<string>(url, "eth_blockNumber"),
    nonce: await rpc<string>(url, "eth_getTransactionCount", [address, "latest"]),
  });

  before(async () => {
    // Two chains the factory's package has a signed deployment for, deployed by two other keys.
    for (const [chainId, index] of [
      [31_337, 0],
      [1_337, 7],
    ] as const) {
      const anvil = await startAnvil({ chainId });
      chains.push({ anvil, chainId, key: wallet(index), dir: tempDir(`deterministic-${chainId}`) });
    }
  });
  after(async () => {
    for (const c of chains) await c.anvil.stop();
    for (const a of others) await a.stop();
  });

  let dryRun: Record<string, string> = {};

  it("the dry run prints the addresses and sends nothing", async () => {
    const c = chains[0];
    const before = await state(c.anvil.url, c.key.address);
    const out = cliOk(await cli(c, [...deployArgs, "--dry-run"]), "dry run");
    dryRun = printedAddresses(out);
    for (const name of ["system id", "deployer", "oracle", ...NAMES]) expect(dryRun[name], name).to.match(/^0x/);
    expect(out).to.include("not deployed on this chain yet");
    expect(await state(c.anvil.url, c.key.address)).to.deep.equal(before);
    expect(await rpc<string>(c.anvil.url, "eth_getCode", [SINGLETON_FACTORY, "latest"])).to.equal("0x");
    expect(fs.existsSync(path.join(c.dir, "remote.json"))).to.equal(false);
  });

  const deployments: Deployment[] = [];

  it("deploys the same configuration at the same addresses on both chains, from other keys; the audit passes on both", async () => {
    for (const c of chains) {
      const out = cliOk(await cli(c, deployArgs), `deploy on ${c.chainId}`);
      expect(out).to.include(`deployed the Safe singleton factory at ${SINGLETON_FACTORY}`);
      expect(printedAddresses(out)).to.deep.equal(dryRun);
      const deployment = JSON.parse(fs.readFileSync(path.join(c.dir, "remote.json"), "utf8")) as Deployment;
      deployments.push(deployment);
      expect(deployment.chainId).to.equal(c.chainId);
      expect(deployment.deployer).to.equal(c.key.address);
      // One HedgeDeployer transaction created the four core contracts; the singleton factory the mock.
      const tx = deployment.contracts.council.transactionHash;
      for (const name of NAMES) {
        expect(deployment.contracts[name]).to.deep.include({
          address: dryRun[name],
          transactionHash: tx,
          factory: dryRun.deployer,
        });
      }
      expect(deployment.contracts.oracle).to.deep.include({ address: dryRun.oracle, factory: SINGLETON_FACTORY });
      expect(deployment.deterministic).to.deep.equal({
        singletonFactory: SINGLETON_FACTORY,
        deployer: dryRun.deployer,
        systemId: dryRun["system id"],
      });
      const receipt = await rpc<{ contractAddress: string | null; blockNumber: string }>(
        c.anvil.url,
        "eth_getTransactionReceipt",
        [tx],
      );
      expect(receipt.contractAddress).to.equal(null);
      expect(deployment.contracts.council.blockNumber).to.equal(Number(receipt.blockNumber));

      // The commands that read history check the receipts (hedge:status), and the audit finds nothing.
      cliOk(await cli(c, ["hedge:status"]), `status on ${c.chainId}`);
      const auditFile = path.join(c.dir, "audit.json");
      const audited = cliOk(await cli(c, ["hedge:audit", "--json", auditFile, "--no-progress"]), "audit");
      expect(audited).to.include("No findings");
      const report = JSON.parse(fs.readFileSync(auditFile, "utf8")) as AuditReport;
      expect(report.findings).to.deep.equal([]);
      expect(report.checks.filter((check) => check.status !== "pass")).to.deep.equal([]);
    }
    for (const key of ["oracle", ...NAMES] as const) {
      expect(deployments[0].contracts[key].address).to.equal(deployments[1].contracts[key].address);
    }
  });

  it("a file whose factory-created contract's block is moved is refused (the receipts check still holds)", async () => {
    const c = chains[0];
    const file = path.join(c.dir, "remote.json");
    const original = fs.readFileSync(file, "utf8");
    const d = JSON.parse(original) as Deployment;
    d.contracts.policy.blockNumber = (d.contracts.policy.blockNumber ?? 0) + 1;
    fs.writeFileSync(file, JSON.stringify(d));
    const moved = await cli(c, ["hedge:status"]);
    expect(moved.code).to.equal(1);
    expect(moved.stderr).to.include("policy block");
    // The transaction of the mock oracle (the singleton factory's) does not prove the seats' creation.
    d.contracts.policy.blockNumber = JSON.parse(original).contracts.policy.blockNumber;
    d.contracts.seats.transactionHash = d.contracts.oracle.transactionHash;
    d.contracts.seats.blockNumber = d.contracts.oracle.blockNumber;
    fs.writeFileSync(file, JSON.stringify(d));
    const foreign = await cli(c, ["hedge:status"]);
    expect(foreign.code).to.equal(1);
    expect(foreign.stderr).to.include("did not create the contract");
    // A plain entry (no factory) is checked as before: the receipt of a call created no contract of its own.
    const plain = JSON.parse(original) as Deployment;
    delete plain.contracts.council.factory;
    fs.writeFileSync(file, JSON.stringify(plain));
    const unmarked = await cli(c, ["hedge:status"]);
    expect(unmarked.code).to.equal(1);
    expect(unmarked.stderr).to.include("council deployment transaction");
    // Nor does a factory the transaction did not call.
    const wrong = JSON.parse(original) as Deployment;
    wrong.contracts.council.factory = SINGLETON_FACTORY;
    fs.writeFileSync(file, JSON.stringify(wrong));
    const otherFactory = await cli(c, ["hedge:status"]);
    expect(otherFactory.code).to.equal(1);
    expect(otherFactory.stderr).to.include("did not create the contract");
    fs.writeFileSync(file, original);
  });

  it("refuses in one line a second deployment of the same configuration on the same chain, sending nothing", async () => {
    const c = chains[0];
    const before = await state(c.anvil.url, c.key.address);
    const run = await cli(c, [...deployArgs, "--force"]);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split("\n")).to.have.length(1);
    expect(run.stderr).to.include("already deployed on chain 31337");
    expect(await state(c.anvil.url, c.key.address)).to.deep.equal(before);
  });

  it("a front-runner cannot occupy a configuration's addresses with another configuration or other code", async () => {
    const anvil = await startAnvil({ chainId: 31_337 });
    others.push(anvil);
    const provider = new JsonRpcProvider(anvil.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const attacker = wallet(9).connect(provider) as unknown as Wallet;
    await ensureSingletonFactory(attacker, 31_337);
    await ensureHedgeDeployer(attacker);
    const plan = planDeterministic({ seats: holders }, wallet(0).address);
    if (!plan.oracle.mock) throw new Error("expected a mock oracle");
    const oracle = plan.oracle;
    await (
      await attacker.sendTransaction({ to: SINGLETON_FACTORY, data: concat([oracle.salt, oracle.initCode]) })
    ).wait();
    const deployer = HedgeDeployer__factory.connect(plan.deployer, attacker);
    // The contract derives the same id and addresses as the plan computed offline.
    expect(await deployer.systemIdOf(plan.config, plan.code)).to.equal(plan.systemId);
    expect(await deployer.addressesOf(plan.systemId)).to.deep.equal(NAMES.map((n) => plan.addresses[n]));
    const target = Object.values(plan.addresses);
    const empty = async () => {
      for (const a of target) expect(await provider.getCode(a)).to.equal("0x");
    };
    // Another configuration (the attacker holds a seat) lands elsewhere.
    const hostile = { ...plan.config, holders: [...holders.slice(0, 4), attacker.address] };
    await (await deployer.deploySystem(hostile, plan.code)).wait();
    await empty();
    // The same configuration with other seats code (a byte appended) has another id, so other addresses: its
    // deployment reverts here (the constructor misreads its arguments), and would land elsewhere if it did not.
    const otherCode = { ...plan.code, seats: concat([plan.code.seats as string, "0x00"]) };
    const otherId = await deployer.systemIdOf(plan.config, otherCode);
    expect(otherId).not.to.equal(plan.systemId);
    for (const a of await deployer.addressesOf(otherId)) expect(target).not.to.include(a);
    await expect(deployer.deploySystem(plan.config, otherCode)).to.be.revertedWithCustomError(
      deployer,
      "HedgeDeployerCreationFailed",
    );
    await empty();
    // Whoever sends the configuration's own call deploys exactly that system, and only once.
    await (await deployer.deploySystem(plan.config, plan.code)).wait();
    const seats = CouncilSeats__factory.connect(plan.addresses.seats, provider);
    expect(await seats.council()).to.equal(plan.addresses.council);
    expect(await seats.ownerOf(1)).to.equal(holders[0]);
    await expect(deployer.deploySystem(plan.config, plan.code)).to.be.revertedWithCustomError(
      deployer,
      "HedgeDeployerAlreadyDeployed",
    );
  });

  it("refuses in one line --dry-run without --deterministic, and --deterministic with --upkeep, sending nothing", async () => {
    const c = chains[1];
    const before = await state(c.anvil.url, c.key.address);
    for (const [args, words] of [
      [["hedge:deploy", "--dry-run", "--holders", holders.join(",")], "--dry-run needs --deterministic"],
      [[...deployArgs, "--upkeep", "--force"], "--deterministic deploys the core system only"],
    ] as const) {
      const run = await cli(c, [...args]);
      expect(run.code).to.equal(1);
      expect(run.stderr.trim().split("\n")).to.have.length(1);
      expect(run.stderr).to.include(words);
    }
    expect(await state(c.anvil.url, c.key.address)).to.deep.equal(before);
  });

  it("refuses in one line a chain without the singleton factory that the factory's package does not know", async () => {
    const anvil = await startAnvil({ chainId: 7_357 });
    others.push(anvil);
    const c = { anvil, chainId: 7_357, key: wallet(0), dir: tempDir("deterministic-7357") };
    const before = await state(anvil.url, c.key.address);
    const run = await cli(c, deployArgs);
    expect(run.code).to.equal(1);
    expect(run.stderr.trim().split("\n")).to.have.length(1);
    expect(run.stderr).to.include("chain 7357 has no Safe singleton factory");
    expect(await state(anvil.url, c.key.address)).to.deep.equal(before);
  });
});
