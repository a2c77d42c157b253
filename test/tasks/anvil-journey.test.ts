// One council's whole journey through `--network remote` against Foundry's anvil, a second node whose JSON-RPC is
// not Hardhat's, mining a block every second (interval mining: no block per transaction). Every step is a child
// process of the hardhat CLI, as a user types it: deploy from HEDGE_PRIVATE_KEY; a Standard change proposed
// off-chain by seat 1 (--from env:NAME); co-signed by seat 2 with a keystore (the password from
// HEDGE_KEYSTORE_PASSWORD_FILE) and by seat 3 offline (the exported EIP-712 typed data signed by ethers outside the
// tool, the signature imported); submitted in one transaction; executed once the Standard delay has passed
// (evm_increaseTime and a mined block: hedge:time refuses a remote network); audited. On interval mining a command
// must wait for its receipts: each transaction a command reports is checked against the chain (mined, in the block
// it printed), as are the policy, the events and the audit's verdict, and the steps that sign off-chain must send
// nothing. anvil runs with a chain id of its own, pinned with HEDGE_CHAIN_ID, so that nothing may assume 31337.
// Then hedge:deploy against a node that estimates gas on the latest block rather than on its pending state (anvil
// behind a proxy), where a deployment whose last contract reads one still pending would fail halfway, and
// `hedge:deploy --upkeep` on that live deployment with the one key of a remote network.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import {
  HDNodeWallet,
  JsonRpcProvider,
  Mnemonic,
  ZeroHash,
  encryptKeystoreJson,
  id as keccakText,
  type TypedDataField,
} from "ethers";

import type { ApprovalsFile } from "../../scripts/lib/approvals-file";
import type { AuditReport } from "../../scripts/lib/audit/types";
import type { Deployment } from "../../scripts/lib/deployments";
import { toPolicyValues } from "../../scripts/lib/policy";
import { approvalHashes } from "../../scripts/lib/signing";
import { HedgeCouncil__factory, HedgePolicy__factory, HedgeUpkeep__factory } from "../../typechain-types";
import { startRewritingProxy } from "../app/rpc-proxy";
import { startAnvil, type AnvilProcess } from "../helpers/anvil";
import { rpc as rpcAt } from "../helpers/node";
import { cliOk, hardhatCli, tempDir, type CliRun } from "./helpers";

const MNEMONIC = Mnemonic.fromPhrase("test test test test test test test test test test test junk");
/** anvil's default accounts (Hardhat's): 0 deploys and relays, 1..5 hold the seats. Their keys are never printed. */
const wallets = [0, 1, 2, 3, 4, 5].map((i) => HDNodeWallet.fromMnemonic(MNEMONIC, `m/44'/60'/0'/0/${i}`));
const [relayer, seat1, seat2, seat3] = wallets;
const CHAIN_ID = 7_357;
const PASSWORD = "correct horse battery staple";
const DAY = 86_400;

interface TypedDataJson {
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  domain: { name: string; version: string; chainId: number; verifyingContract: string };
  message: { proposalId: string; seatId: string; validUntil: string };
}

interface Receipt {
  status: string;
  blockNumber: string;
  contractAddress: string | null;
}

describe("tasks: a council's journey against anvil on interval mining (child processes, --network remote)", function () {
  // About 20 s on a shared 2-core machine: twelve commands, each starting Hardhat, over 1 s blocks.
  this.timeout(120_000);
  const dir = tempDir("anvil-journey");
  const keystore = path.join(dir, "seat2.json");
  const passwordFile = path.join(dir, "password.txt");
  const approvals = path.join(dir, "approvals.json");
  const typedFile = path.join(dir, "typed-seat3.json");
  const auditFile = path.join(dir, "audit.json");
  let anvil: AnvilProcess | undefined;
  let provider: JsonRpcProvider | undefined;

  const cli = (args: string[], env: Record<string, string | undefined> = {}) =>
    hardhatCli([...args, "--network", "remote"], {
      HEDGE_RPC_URL: anvil!.url,
      HEDGE_PRIVATE_KEY: relayer.privateKey,
      HEDGE_CHAIN_ID: String(CHAIN_ID),
      HEDGE_DEPLOYMENTS_DIR: dir,
      HEDGE_SEAT1_KEY: seat1.privateKey,
      HEDGE_KEYSTORE_PASSWORD: undefined,
      HEDGE_KEYSTORE_PASSWORD_FILE: undefined,
      ...env,
    });
  const rpc = <T>(method: string, params: unknown[] = []) => rpcAt<T>(anvil!.url, method, params);
  const receipt = (hash: string) => rpc<Receipt | null>("eth_getTransactionReceipt", [hash]);

  /** The pending nonces of every key in play (the block number moves by itself on interval mining). */
  const nonces = () =>
    Promise.all(wallets.map(async (w) => Number(await rpc<string>("eth_getTransactionCount", [w.address, "pending"]))));

  /** The transaction a command reported (`  sent LABEL: tx 0x… (block N, gas G)`): mined, successful, in block N. */
  async function sent(out: string, label: string): Promise<{ hash: string; block: number }> {
    const line = new RegExp(`^  sent ${label}: tx (0x[0-9a-f]{64}) \\(block (\\d+), gas [\\d,]+\\)$`, "m").exec(out);
    expect(line, `no "sent ${label}" line in:\n${out}`).not.to.equal(null);
    const [, hash, block] = line!;
    const mined = await receipt(hash);
    expect(mined, `${label}: ${hash} is not mined`).not.to.equal(null);
    expect([mined!.status, Number(mined!.blockNumber)]).to.deep.equal(["0x1", Number(block)]);
    return { hash, block: Number(block) };
  }

  /** Exit status 1 and exactly one `error:` line matching `message`; no key printed. */
  function refused(run: CliRun, message: RegExp): void {
    expect(run.code, `expected exit status 1:\n${run.stdout}\n${run.stderr}`).to.equal(1);
    const lines = run.stderr.split("\n").filter(Boolean);
    expect(lines, `stderr:\n${run.stderr}`).to.have.length(1);
    expect(lines[0]).to.match(/^error: /);
    expect(lines[0].slice("error: ".length)).to.match(message);
    for (const w of wallets) expect(run.stdout + run.stderr).not.to.include(w.privateKey.slice(2));
  }

  /**
   * Deploys a system with seats 1..5 (accounts 1..5) and the default thresholds (Standard: 3 of 5 seats, 1 d) into
   * `deployments`, and returns what it recorded there, checked against the chain.
   */
  async function deploy(env: Record<string, string> = {}, deployments = dir): Promise<Deployment> {
    const holders = wallets.slice(1).map((w) => w.address);
    const out = cliOk(
      await cli(["hedge:deploy", "--holders", holders.join(","), "--mock-oracle", "--quiet"], {
        ...env,
        HEDGE_DEPLOYMENTS_DIR: deployments,
      }),
      "hedge:deploy",
    );
    const file = path.join(deployments, "remote.json");
    expect(out).to.include(`Wrote ${file}`);
    const deployment = JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
    expect(deployment).to.deep.include({ network: "remote", chainId: CHAIN_ID, deployer: relayer.address });
    expect(deployment.council.initialSeats).to.deep.equal(holders);
    expect(deployment.council.thresholds).to.deep.equal({ fast: 2, standard: 3, critical: 4, veto: 2 });
    await expectRecorded(deployment);
    return deployment;
  }

  /** Each contract is recorded with the block its deployment was mined in: the command waited for every receipt. */
  async function expectRecorded(deployment: Deployment): Promise<void> {
    for (const [name, entry] of Object.entries(deployment.contracts)) {
      const mined = await receipt(entry.transactionHash!);
      expect(mined, `${name}: ${entry.transactionHash} is not mined`).not.to.equal(null);
      expect([mined!.status, Number(mined!.blockNumber), mined!.contractAddress], name).to.deep.equal([
        "0x1",
        entry.blockNumber,
        entry.address.toLowerCase(),
      ]);
    }
  }

  before(async () => {
    anvil = await startAnvil({ blockTime: 1, chainId: CHAIN_ID });
    provider = new JsonRpcProvider(anvil.url, CHAIN_ID, { staticNetwork: true });
    // Seat 2's key in a standard keystore; a low scrypt N keeps its decryption fast.
    const json = await encryptKeystoreJson({ address: seat2.address, privateKey: seat2.privateKey }, PASSWORD, {
      scrypt: { N: 2 ** 10 },
    });
    fs.writeFileSync(keystore, json, { mode: 0o600 });
    fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  });

  after(async () => {
    provider?.destroy();
    await anvil?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deploys, proposes off-chain, co-signs from a keystore and offline, submits, executes after the delay, audits clean", async () => {
    // 1. Deploy from HEDGE_PRIVATE_KEY.
    const deployment = await deploy();
    const council = HedgeCouncil__factory.connect(deployment.contracts.council.address, provider!);
    const policy = HedgePolicy__factory.connect(deployment.contracts.policy.address, provider!);
    const initial = toPolicyValues(await policy.policy());
    expect(initial.coverageBps).to.equal(2500);
    expect(await policy.version()).to.equal(1n);

    // 2. Propose off-chain: seat 1 signs as proposer with the key in $HEDGE_SEAT1_KEY; nothing is sent.
    const nothingSent = await nonces();
    const description = "Raise coverage to 33 % (the anvil journey)";
    const proposed = cliOk(
      await cli([
        "hedge:propose",
        "policy",
        "--set",
        "coverageBps=3300",
        "--description",
        description,
        "--from",
        "env:HEDGE_SEAT1_KEY",
        "--offchain",
        "--out",
        approvals,
      ]),
      "hedge:propose --offchain",
    );
    expect(proposed).to.include("      coverageBps  2,500 (25.00 %)  3,300 (33.00 %)  tightens\n");
    expect(proposed).to.include("Tier: Standard, needs 3 of 5 seats, then waits 1 d in the timelock\n");
    expect(proposed).to.include(
      `Signed as proposer by ${seat1.address} (key from $HEDGE_SEAT1_KEY) (seat 1, valid for 7 d); nothing was sent.`,
    );
    expect(proposed).to.include(`Wrote ${approvals} (1 of 3 signatures).`);
    const id = /^Id: (0x[0-9a-f]{64})$/m.exec(proposed)![1];
    const calls = JSON.parse(fs.readFileSync(approvals, "utf8")) as ApprovalsFile;
    expect(calls).to.deep.include({ chainId: CHAIN_ID, council: deployment.contracts.council.address, description });
    expect(await council.hashProposal(calls.targets, calls.values, calls.calldatas, keccakText(description))).to.equal(
      id,
    );

    // 3a. Seat 2 co-signs with its keystore; the rehearsal runs on an in-process fork of anvil.
    const signed = cliOk(
      await cli(["hedge:sign", "--id", id, "--out", approvals, "--from", `keystore:${keystore}`], {
        HEDGE_KEYSTORE_PASSWORD_FILE: passwordFile,
      }),
      "hedge:sign --from keystore",
    );
    expect(signed).to.match(
      /^simulation: executes; coverageBps 25\.00 % → 33\.00 %, layers engaged 0 → 0, gas [\d,]+$/m,
    );
    expect(signed).to.include(
      `Signed by ${seat2.address} (keystore ${keystore}) (seat 2, valid for 7 d); nothing was sent.`,
    );
    expect(signed).to.include(`${approvals} holds 2 signatures: 2 of 3 needed.`);

    // 3b. Seat 3 signs offline: the exported typed data, signed by ethers with nothing but that file.
    const exported = cliOk(
      await cli([
        "hedge:sign",
        "--id",
        id,
        "--out",
        approvals,
        "--export",
        typedFile,
        "--signer",
        seat3.address,
        "--no-simulate",
      ]),
      "hedge:sign --export",
    );
    expect(exported).to.include(
      `Wrote ${typedFile}: the EIP-712 typed data for eth_signTypedData_v4, seat 3 of ${seat3.address}, valid for 7 d; nothing was signed.`,
    );
    const typed = JSON.parse(fs.readFileSync(typedFile, "utf8")) as TypedDataJson;
    expect(typed.domain).to.deep.equal({
      name: "HedgeCouncil",
      version: "2",
      chainId: CHAIN_ID,
      verifyingContract: deployment.contracts.council.address,
    });
    expect(typed.message).to.deep.include({ proposalId: id, seatId: "3" });
    // The digest the signing device is told to compare is the council's own, for anvil's chain id.
    const digest = await council.approvalDigest(id, 3n, BigInt(typed.message.validUntil));
    const approval = { proposalId: id, seatId: 3, validUntil: BigInt(typed.message.validUntil) };
    expect(approvalHashes(CHAIN_ID, deployment.contracts.council.address, approval).digest).to.equal(digest);
    expect(exported).to.include(`  digest            ${digest}  `);
    const { EIP712Domain: _domainType, ...types } = typed.types;
    const signature = await seat3.signTypedData(typed.domain, types, typed.message);
    const imported = cliOk(
      await cli([
        "hedge:sign",
        "--id",
        id,
        "--out",
        approvals,
        "--import-signature",
        signature,
        "--typed-data",
        typedFile,
        "--no-simulate",
      ]),
      "hedge:sign --import-signature",
    );
    expect(imported).to.include(
      `Imported the signature of ${seat3.address} (seat 3, made elsewhere) into ${approvals}; nothing was sent.`,
    );
    expect(imported).to.include(`${approvals} holds 3 signatures: 3 of 3 needed.`);
    const content = JSON.parse(fs.readFileSync(approvals, "utf8")) as ApprovalsFile;
    expect(content.signatures.map((s) => [s.seatId, s.signer])).to.deep.equal([
      ["1", seat1.address],
      ["2", seat2.address],
      ["3", seat3.address],
    ]);
    expect(content.signatures[2].signature).to.equal(signature);
    expect(await nonces(), "signing off-chain sent a transaction").to.deep.equal(nothingSent);
    expect(await council.state(id)).to.equal(0n, "Unknown: not on chain yet");

    // 4. Submit: the relayer creates, approves and queues it in one transaction.
    const submitted = cliOk(await cli(["hedge:submit", "--signatures", approvals]), "hedge:submit");
    expect(submitted).to.include(`  3 of 3 signatures in ${approvals}\n`);
    const submit = await sent(submitted, "submit");
    expect(submitted).to.match(
      new RegExp(
        `^Submitted by account 0 \\(${relayer.address}\\): proposal ${id} is Queued, executable from .+ UTC \\(in 1 d\\)\\.$`,
        "m",
      ),
    );
    expect(await council.state(id)).to.equal(2n, "Queued");
    expect(await council.approvalCount(id)).to.equal(3n);

    // 5. Too early: refused in one line, nothing sent. Then a day passes, and anyone executes it.
    const queuedNonces = await nonces();
    refused(
      await cli(["hedge:execute", "--id", id]),
      /^proposal 0x[0-9a-f]{8}… is queued until .+ UTC \(in (1 d|23 h [^)]+)\); it cannot execute before$/,
    );
    expect(await nonces(), "a refused execute sent a transaction").to.deep.equal(queuedNonces);
    await rpc("evm_increaseTime", [DAY]);
    await rpc("evm_mine");
    const executed = cliOk(await cli(["hedge:execute", "--id", id.slice(0, 12)]), "hedge:execute");
    const execute = await sent(executed, "execute");
    const printed =
      /^Executed by account 0 \(0x[0-9a-fA-F]{40}\): proposal 0x[0-9a-f]{64}; the policy is now version 2 \(hash (0x[0-9a-f]{64})\)\.$/m.exec(
        executed,
      );
    expect(printed, executed).not.to.equal(null);
    const newHash = printed![1];

    // The change is on chain: coverage 33 %, every other field as it was.
    expect(toPolicyValues(await policy.policy())).to.deep.equal({ ...initial, coverageBps: 3300 });
    expect(await policy.version()).to.equal(2n);
    expect(await policy.policyHash()).to.equal(newHash);
    expect(await council.state(id)).to.equal(3n, "Executed");

    // The events: created, approved by the three seats and queued in the submit transaction; executed, with the
    // policy's new version, in the execute transaction.
    const fromBlock = deployment.contracts.council.blockNumber!;
    const logs = await provider!.getLogs({ address: await council.getAddress(), topics: [null, id], fromBlock });
    const events = logs.map((log) => ({ event: council.interface.parseLog(log)!, tx: log.transactionHash }));
    expect(events.map((e) => [e.event.name, e.tx])).to.deep.equal([
      ["ProposalCreated", submit.hash],
      ["Approved", submit.hash],
      ["Approved", submit.hash],
      ["Approved", submit.hash],
      ["Queued", submit.hash],
      ["Executed", execute.hash],
    ]);
    const created = events[0].event.args;
    expect([created.proposer, created.tier, created.description]).to.deep.equal([seat1.address, 1n, description]);
    expect(events.slice(1, 4).map((e) => e.event.args.signer)).to.deep.equal([
      seat1.address,
      seat2.address,
      seat3.address,
    ]);
    const submitBlock = (await provider!.getBlock(submit.block))!;
    expect(events[4].event.args.eta).to.equal(BigInt(submitBlock.timestamp + DAY));
    // The policy's versions: the first from its constructor, the second from this proposal.
    const updates = await policy.queryFilter(policy.filters.PolicyUpdated(), deployment.contracts.policy.blockNumber!);
    expect(updates.map((u) => [u.transactionHash, u.args.version, u.args.previousHash, u.args.newHash])).to.deep.equal([
      [deployment.contracts.policy.transactionHash, 1n, ZeroHash, deployment.initialPolicy.hash],
      [execute.hash, 2n, deployment.initialPolicy.hash, newHash],
    ]);

    // 6. The audit over the whole history: no findings, and the executed change as it happened.
    const audited = cliOk(await cli(["hedge:audit", "--json", auditFile, "--no-progress"]), "hedge:audit");
    expect(audited).to.include(
      "No findings: every change followed the rules, and the live state is what they produced.",
    );
    expect(audited).to.include(`\n  ${id.slice(0, 10)}…  Standard  Executed  ${description}\n`);
    const report = JSON.parse(fs.readFileSync(auditFile, "utf8")) as AuditReport;
    expect(report.network).to.deep.equal({ name: "remote", chainId: CHAIN_ID });
    expect(report.findings).to.deep.equal([]);
    expect(report.checks.filter((c) => c.status !== "pass")).to.deep.equal([]);
    expect(report.proposals).to.have.length(1);
    const [p] = report.proposals;
    expect(p).to.deep.include({
      id,
      description,
      recordedTier: "Standard",
      derivedTier: "Standard",
      state: "Executed",
    });
    expect(p.approvals.map((a) => [a.signer, a.seat, a.via])).to.deep.equal([
      [seat1.address, 1, "signature"],
      [seat2.address, 2, "signature"],
      [seat3.address, 3, "signature"],
    ]);
    expect([p.queued?.tx, p.executed?.tx]).to.deep.equal([submit.hash, execute.hash]);
    expect(p.calls.map((c) => c.changes)).to.deep.equal([
      [{ field: "coverageBps", before: 2500, after: 3300, effect: "tightens" }],
    ]);
    const last = report.policyVersions[report.policyVersions.length - 1];
    expect([last.version, last.hash, last.via, last.at.tx]).to.deep.equal([2, newHash, "setPolicy", execute.hash]);
  });

  it("deploys through a node that estimates gas on the latest block, then adds an upkeep to the live deployment", async () => {
    // The council's constructor reads the seats, sent just before it: on interval mining they are still pending
    // when the council's gas is estimated. anvil estimates on its pending state; a node that estimates on the latest
    // block (here anvil behind a proxy that turns every eth_estimateGas into one on "latest") finds no code there.
    const proxy = await startRewritingProxy(
      anvil!.url,
      (_method, _params, result) => result,
      (method, params) => (method === "eth_estimateGas" ? [params[0], "latest"] : params),
    );
    const elsewhere = path.join(dir, "latest-estimates");
    try {
      const env = { HEDGE_RPC_URL: proxy.url };
      const deployment = await deploy(env, elsewhere);
      expect(proxy.rewrittenRequests, "no gas estimate went through the proxy").to.be.greaterThan(0);
      expect(deployment.contracts.council.blockNumber).to.be.greaterThan(deployment.contracts.seats.blockNumber!);

      // --upkeep on the live deployment adds the upkeep alone: with one key (no accounts for the default --seats)
      // and without --holders.
      const added = cliOk(
        await cli(["hedge:deploy", "--upkeep"], { ...env, HEDGE_DEPLOYMENTS_DIR: elsewhere }),
        "hedge:deploy --upkeep",
      );
      const file = path.join(elsewhere, "remote.json");
      const after = JSON.parse(fs.readFileSync(file, "utf8")) as Deployment;
      const { upkeep, ...core } = after.contracts;
      expect(core, "the system was deployed again").to.deep.equal(deployment.contracts);
      expect(added).to.include(`Deployed HedgeUpkeep at ${upkeep!.address}; wrote ${file}`);
      await expectRecorded(after);
      expect(await HedgeUpkeep__factory.connect(upkeep!.address, provider!).policy()).to.equal(
        deployment.contracts.policy.address,
      );
    } finally {
      await proxy.stop();
    }
  });
});
