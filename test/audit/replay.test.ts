// The replay on its own (scripts/lib/audit/replay), fed the chain's events as the audit fetches them, for the rules
// the contracts never let a transaction break even with storage edits: the ether an execution was sent (the council
// refuses any other msg.value), the thresholds against the seats (the council refuses them too), a proposal id that
// is not the hash of its calls and description (the council computes it), a tier recorded lower than the calls need
// (the council classifies them). The transaction's ether, a settings event and ProposalCreated are doctored between
// the chain and the replay. And a description whose bytes are not UTF-8, sent for real: its event is replayed.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { Interface, concat, getAddress, keccak256, toUtf8Bytes } from "ethers";

import { CONTRACT_NAMES, type ContractName } from "../../scripts/lib/audit";
import { fetchEvents, type AuditEvent } from "../../scripts/lib/audit/fetch";
import { Replay, type TxInfo } from "../../scripts/lib/audit/replay";
import { EXECUTE_SELECTOR } from "../../scripts/lib/audit/rules";
import { descriptionHash } from "../../scripts/lib/council";
import type { Deployment } from "../../scripts/lib/deployments";
import { defaultPolicy, toPolicyValues } from "../../scripts/lib/policy";
import { DAY, args, proposal, proposeArgs, setPolicyCall, sign, withEdit, type Proposal } from "../helpers/system";
import { audit, deployForAudit, snapshot, type CouncilSystem } from "./helpers";

/** Replays the chain into a fresh Replay; `doctor` may change what each transaction is said to be or carry. */
async function replayChain(
  deployment: Deployment,
  doctor: (group: AuditEvent[], info: TxInfo) => { group: AuditEvent[]; info: TxInfo } = (group, info) => ({
    group,
    info,
  }),
): Promise<Replay> {
  const addresses = {} as Record<ContractName, string>;
  for (const name of CONTRACT_NAMES) addresses[name] = getAddress(deployment.contracts[name].address);
  const deploymentTxs = new Set(CONTRACT_NAMES.map((n) => deployment.contracts[n].transactionHash!.toLowerCase()));
  const blocks = CONTRACT_NAMES.map((n) => deployment.contracts[n].blockNumber!);
  const replay = new Replay({ addresses, deploymentTxs, initialPolicy: defaultPolicy(), oracleDecimals: 8 });
  const stats = { events: 0, chunks: 0, blocks: 0 };
  const toBlock = await hre.ethers.provider.getBlockNumber();
  const rpc = hre.network.provider;
  for await (const events of fetchEvents(
    rpc,
    { addresses, fromBlock: Math.min(...blocks), toBlock, chunkSize: 2_000 },
    stats,
  )) {
    const groups: AuditEvent[][] = [];
    for (const ev of events) {
      if (groups.length === 0 || groups[groups.length - 1][0].tx !== ev.tx) groups.push([]);
      groups[groups.length - 1].push(ev);
    }
    for (const g of groups) {
      const tx = await hre.ethers.provider.getTransaction(g[0].tx);
      const info: TxInfo = { selector: tx!.data.slice(0, 10), to: tx!.to ?? undefined, value: tx!.value };
      const doctored = doctor(g, info);
      replay.applyTransaction(doctored.group, doctored.info);
    }
  }
  return replay;
}

/** A copy of `group` whose ProposalCreated of `id` has `edit` applied to its arguments. */
function doctorCreation(group: AuditEvent[], id: string, edit: (args: unknown[]) => void): AuditEvent[] {
  return group.map((ev) => {
    if (ev.name !== "ProposalCreated" || String(ev.args[0]) !== id) return ev;
    const copy = { ...ev, args: [...ev.args] };
    edit(copy.args);
    return copy;
  });
}

describe("hedge:audit replay: what the contracts compute, doctored on its way to the replay", function () {
  let sys: CouncilSystem;
  let deployment: Deployment;
  let restore: () => Promise<void>;
  let executeTx: string;
  let id: string;
  /** A Critical setPolicy that shortens the oracle age (1 h -> 60 s), proposed and left Pending. */
  let starve: Proposal;
  let starveId: string;

  before(async function () {
    restore = await snapshot();
    ({ sys, deployment } = await deployForAudit());
    // A Critical proposal sending 5 wei to an outside account, executed with exactly 5 wei.
    const p = proposal([{ target: sys.strangers[1].address, data: "0x", value: 5n }], "pay 5 wei to account 12");
    id = await sys.council.hashProposal(...args(p));
    await sys.council.connect(sys.stranger).submit(...proposeArgs(p), await sign(sys, sys.holders.slice(0, 4), id));
    await time.increase(3 * DAY);
    executeTx = (await sys.council.connect(sys.stranger).execute(...args(p), { value: 5n })).hash;
    const current = toPolicyValues(await sys.policy.policy());
    starve = proposal(
      [
        await setPolicyCall(
          sys,
          withEdit((x) => (x.maxOracleAge = 60), current),
        ),
      ],
      "Accept oracle answers up to 60 s old",
    );
    await sys.council.connect(sys.holders[0]).propose(...proposeArgs(starve));
    starveId = await sys.council.hashProposal(...args(starve));
    expect(await sys.council.proposalTier(starveId)).to.equal(2n); // Critical on chain
  });
  after(async () => restore());

  it("an execution sent exactly the sum of its values: no finding", async function () {
    const replay = await replayChain(deployment);
    expect(replay.findings).to.deep.equal([]);
    expect(replay.proposals.proposals.get(id)!.status).to.equal("Executed");
    expect(replay.proposals.proposals.get(starveId)!.descriptionHash).to.equal(
      descriptionHash("Accept oracle answers up to 60 s old"),
    );
  });

  it("a proposal whose id is not hashProposal of its calls and its description's hash is a finding", async function () {
    // The description the event carries differs from the one the id commits to.
    let replay = await replayChain(deployment, (group, info) => ({
      group: doctorCreation(group, starveId, (a) => {
        a[6] = "Accept oracle answers up to 1 h old";
        a[7] = descriptionHash("Accept oracle answers up to 1 h old");
      }),
      info,
    }));
    expect(replay.findings.map((f) => f.kind)).to.deep.equal(["proposal-id-mismatch"]);
    expect(replay.findings[0].message).to.match(
      new RegExp(
        `^proposal ${starveId.slice(0, 10)}…: its id is not hashProposal of its calls and the keccak256 of its description \\(${descriptionHash("Accept oracle answers up to 1 h old").slice(0, 10)}…\\), which is 0x[0-9a-f]{8}…$`,
      ),
    );
    expect(replay.findings[0].proposalId).to.equal(starveId);
    expect(replay.proposals.proposals.get(starveId)!.description).to.equal("Accept oracle answers up to 1 h old");
    // An event handed over without the hash of its bytes is hashed from its text: the same finding.
    replay = await replayChain(deployment, (group, info) => ({
      group: doctorCreation(group, starveId, (a) => {
        a[6] = "Accept oracle answers up to 1 h old";
        a.length = 7;
      }),
      info,
    }));
    expect(replay.findings.map((f) => f.kind)).to.deep.equal(["proposal-id-mismatch"]);
    // The calls the event carries differ from those the id commits to (a 0 s oracle age).
    replay = await replayChain(deployment, (group, info) => ({
      group: doctorCreation(group, starveId, (a) => {
        a[5] = [sys.policy.interface.encodeFunctionData("setPolicy", [withEdit((x) => (x.maxOracleAge = 0)), 1])];
      }),
      info,
    }));
    expect(replay.findings.map((f) => f.kind)).to.include("proposal-id-mismatch");
  });

  it("a shorter oracle age recorded as Standard is a finding: any oracle-age change is Critical", async function () {
    const replay = await replayChain(deployment, (group, info) => ({
      group: doctorCreation(group, starveId, (a) => (a[2] = 1n)),
      info,
    }));
    expect(replay.findings.map((f) => [f.kind, f.message])).to.deep.equal([
      [
        "tier-understated",
        `proposal ${starveId.slice(0, 10)}… was recorded as Standard but needs Critical (loosening: a shorter oracle age (1 h → 1 min: syncLayers may starve between two rounds of the feed))`,
      ],
    ]);
    const p = replay.proposals.proposals.get(starveId)!;
    expect(p.calls[0].changes).to.deep.equal([{ field: "maxOracleAge", before: 3_600, after: 60, effect: "loosens" }]);
  });

  it("a description whose bytes are not UTF-8: the event is replayed, the id checks out, the text shows U+FFFD", async function () {
    const restoreHere = await snapshot();
    try {
      // propose(address[],uint256[],bytes[],string) with raw bytes for the string: the same encoding as bytes.
      const raw = concat([toUtf8Bytes("Cut "), new Uint8Array([0xff, 0xfe]), toUtf8Bytes(" coverage")]);
      const p = proposal([{ target: sys.strangers[1].address, data: "0x" }], "");
      const asBytes = new Interface(["function propose(address[],uint256[],bytes[],bytes)"]);
      const data =
        sys.council.interface.getFunction("propose").selector +
        asBytes.encodeFunctionData("propose", [p.targets, p.values, p.calldatas, raw]).slice(10);
      await sys.holders[0].sendTransaction({ to: sys.addresses.council, data });
      const rawId = await sys.council.hashProposal(p.targets, p.values, p.calldatas, keccak256(raw));
      expect(await sys.council.state(rawId)).to.equal(1n); // Pending

      const r = await audit(deployment);
      expect(r.findings, r.findings.map((f) => f.message).join("\n")).to.deep.equal([]);
      const reported = r.proposals.find((x) => x.id === rawId)!;
      expect(reported.description).to.equal("Cut \uFFFD\uFFFD coverage");
      expect(reported.descriptionHash).to.equal(keccak256(raw));
      // Hashing the text shown would give another id: the replay hashes the bytes the event carries.
      expect(descriptionHash(reported.description)).to.not.equal(keccak256(raw));
    } finally {
      await restoreHere();
    }
  });

  it("an execution sent other than the sum of its values is a finding", async function () {
    const replay = await replayChain(deployment, (group, info) => ({
      group,
      info: group[0].tx === executeTx ? { ...info, value: 7n } : info,
    }));
    expect(executeTx).to.not.equal(undefined);
    expect(replay.findings.map((f) => [f.kind, f.message])).to.deep.equal([
      [
        "value-mismatch",
        `proposal ${id.slice(0, 10)}… was executed with 7 wei; its calls send 5 wei (the difference stays in the timelock or is missing)`,
      ],
    ]);
    expect(EXECUTE_SELECTOR).to.equal(sys.council.interface.getFunction("execute").selector);
  });

  it("thresholds that let a lone seat act once there are two seats are a finding", async function () {
    const replay = await replayChain(deployment);
    // A Fast threshold of 1 with five seats, announced by the council outside any execution.
    const forged: AuditEvent = {
      contract: "council",
      name: "TierRuleUpdated",
      args: [0n, 2n, 0n, 1n, 0n],
      block: 10 ** 6,
      blockHash: `0x${"00".repeat(32)}`,
      timestamp: 2 * 10 ** 9,
      tx: "0x" + "ab".repeat(32),
      txIndex: 0,
      logIndex: 0,
    };
    replay.applyTransaction([forged]);
    expect(replay.findings.map((f) => f.kind)).to.deep.equal(["unattributed-change", "thresholds-out-of-rules"]);
    expect(replay.findings[1].message).to.equal(
      "thresholds Fast 1, Standard 3, Critical 4 with 5 seats break min(2, seats) = 2 ≤ Fast ≤ Standard ≤ Critical ≤ seats",
    );
  });
});
