// The replay on its own (scripts/lib/audit/replay), fed the chain's events as the audit fetches them, for the rules
// the v2 contracts never let a transaction break even with storage edits: the ether an execution was sent (the
// council refuses any other msg.value) and the thresholds against the seats (the council refuses them too). The
// transaction's ether and a settings event are doctored between the chain and the replay.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { getAddress, id as keccakId } from "ethers";

import { CONTRACT_NAMES, type ContractName } from "../../scripts/lib/audit";
import { fetchEvents, type AuditEvent } from "../../scripts/lib/audit/fetch";
import { Replay, type TxInfo } from "../../scripts/lib/audit/replay";
import { EXECUTE_SELECTOR } from "../../scripts/lib/audit/rules";
import type { Deployment } from "../../scripts/lib/deployments";
import { defaultPolicy } from "../../scripts/lib/policy";
import { DAY, args, proposal, sign } from "../helpers/system";
import { deployForAudit, snapshot, type CouncilSystem } from "./helpers";

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

describe("hedge:audit replay: the ether of an execution and the thresholds against the seats", function () {
  let sys: CouncilSystem;
  let deployment: Deployment;
  let restore: () => Promise<void>;
  let executeTx: string;
  let id: string;

  before(async function () {
    restore = await snapshot();
    ({ sys, deployment } = await deployForAudit());
    // A Critical proposal sending 5 wei to an outside account, executed with exactly 5 wei.
    const p = proposal([{ target: sys.strangers[1].address, data: "0x", value: 5n }], keccakId("pays"));
    id = await sys.council.hashProposal(...args(p));
    const signed = await sign(sys, sys.holders.slice(0, 4), id);
    await sys.council.connect(sys.stranger).submit(...args(p), signed.signers, signed.signatures);
    await time.increase(3 * DAY);
    executeTx = (await sys.council.connect(sys.stranger).execute(...args(p), { value: 5n })).hash;
  });
  after(async () => restore());

  it("an execution sent exactly the sum of its values: no finding", async function () {
    const replay = await replayChain(deployment);
    expect(replay.findings).to.deep.equal([]);
    expect(replay.proposals.proposals.get(id)!.status).to.equal("Executed");
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
