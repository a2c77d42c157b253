// hedge:audit, the library: a clean history audits with no findings and is rebuilt in full (proposals, approvals,
// tiers, timing, policy versions, settings, seats, layers); every kind of tampering on a local node is found and
// named: storage edits, a role granted by an impersonated admin, a seat minted by impersonating the timelock, an
// operation run outside the council, a policy edit caught by the broken hash chain, replaced code.
import { expect } from "chai";
import hre from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId, toBeHex } from "ethers";

import type { AuditReport } from "../../scripts/lib/audit";
import type { Deployment } from "../../scripts/lib/deployments";
import { descriptionHash } from "../../scripts/lib/council";
import {
  DAY,
  args,
  asTimelock,
  proposal,
  proposeAndApprove,
  proposeArgs,
  setPolicyCall,
  sign,
  withEdit,
} from "../helpers/system";
import { toPolicyValues } from "../../scripts/lib/policy";
import {
  audit,
  buildHistory,
  deployForAudit,
  snapshot,
  type CouncilSystem,
  type History,
  findingOf,
  kinds,
} from "./helpers";

const PROPOSER_ROLE = keccakId("PROPOSER_ROLE");
const EXECUTOR_ROLE = keccakId("EXECUTOR_ROLE");

/** Reads a storage word, edits it and writes it back, as `hardhat_setStorageAt` lets anyone do on a local node. */
async function editStorage(address: string, slot: number, edit: (word: bigint) => bigint): Promise<void> {
  const word = BigInt(
    (await hre.network.provider.request({
      method: "eth_getStorageAt",
      params: [address, toBeHex(slot), "latest"],
    })) as string,
  );
  await hre.network.provider.request({
    method: "hardhat_setStorageAt",
    params: [address, toBeHex(slot), toBeHex(edit(word), 32)],
  });
}

describe("hedge:audit: replay, rules and tampering", function () {
  let sys: CouncilSystem;
  let deployment: Deployment;
  let history: History;
  let clean: AuditReport;
  let restoreAll: () => Promise<void>;
  let restore: () => Promise<void>;

  before(async function () {
    restoreAll = await snapshot();
    ({ sys, deployment } = await deployForAudit());
    history = await buildHistory(sys);
    clean = await audit(deployment);
  });
  after(async () => restoreAll());
  beforeEach(async () => {
    restore = await snapshot();
  });
  afterEach(async () => restore());

  describe("a clean history", function () {
    it("audits with no findings; every check passes", function () {
      expect(clean.findings, clean.findings.map((f) => f.message).join("\n")).to.deep.equal([]);
      expect(clean.checks.map((c) => c.status)).to.deep.equal(Array(8).fill("pass"));
      expect(clean.format).to.equal("hedge-council-audit/1");
      expect(clean.stats.events).to.be.greaterThan(100);
      expect(clean.range.fromBlock).to.equal(deployment.contracts.oracle.blockNumber);
    });

    it("rebuilds every proposal: re-derived tiers, approvals and how they were given, states, delays", function () {
      const byId = new Map(clean.proposals.map((p) => [p.id, p]));
      const p = (name: string) => byId.get(history.ids[name])!;
      expect(clean.proposals).to.have.length(10);
      expect(Object.values(history.ids).every((id) => byId.has(id))).to.equal(true);
      // Each proposal's description, from its ProposalCreated event, and the hash its id commits to.
      for (const name of Object.keys(history.ids)) {
        expect(p(name).description, name).to.equal(history.descriptions[name]);
        expect(p(name).descriptionHash, name).to.equal(descriptionHash(history.descriptions[name]));
        expect(p(name).revocations, name).to.deep.equal(
          name === "expired" ? [{ signer: sys.holders[1].address, at: p(name).approvals[1].revokedAt }] : [],
        );
      }

      expect(p("standard")).to.include({ recordedTier: "Standard", derivedTier: "Standard", state: "Executed" });
      expect(p("standard").approvals.map((a) => a.via)).to.deep.equal(["signature", "signature", "signature"]);
      expect(p("standard").executed!.waited).to.be.at.least(DAY);
      expect(p("standard").calls[0].summary).to.equal(
        "HedgePolicy.setPolicy(next, expectedVersion 1): coverageBps 25.00 % → 30.00 % (tightens)",
      );

      expect(p("nudgeOnChain")).to.include({ derivedTier: "Fast", state: "Executed" });
      expect(p("nudgeOnChain").approvals.map((a) => a.via)).to.deep.equal(["propose", "approve"]);
      expect(p("nudgeOnChain").approvalsAtExecution).to.deep.equal({ count: 2, threshold: 2 });
      expect(p("nudgeOnChain").queued).to.equal(undefined);
      expect(p("nudgeSubmit").calls[0].changes).to.deep.equal([
        { field: "layers.1.triggerVix", before: 2_800, after: 2_700, effect: "tightens" },
      ]);

      const loosen = p("loosen");
      expect(loosen).to.include({ recordedTier: "Critical", derivedTier: "Critical", state: "Executed" });
      expect(loosen.calls[0].tierReason).to.equal(
        "loosening: less protection from VIX 20.00 up: coverage 31.00 % → 22.00 %",
      );
      expect(loosen.approvals.map((a) => a.via)).to.deep.equal(["propose", "approve", "signature", "signature"]);
      expect(loosen.approvalsAtQueue).to.deep.equal({ count: 4, threshold: 4 });
      expect(loosen.queued!.requiredDelay).to.equal(3 * DAY);
      expect(loosen.executed!.waited).to.be.at.least(3 * DAY);

      expect(p("expired").state).to.equal("Expired");
      expect(p("expired").expiredAt).to.equal(p("expired").created.timestamp + 7 * DAY);
      expect(p("expired").approvals[1].revokedAt).to.not.equal(undefined);
      expect(p("vetoed")).to.include({ state: "Vetoed" });
      expect(p("vetoed").vetoes.map((v) => v.seat)).to.deep.equal([4, 5]);
      expect(p("vetoed").canceled).to.not.equal(undefined);
      expect(p("settings").calls.map((c) => c.function)).to.deep.equal([
        "setTierRule",
        "updateDelay",
        "setNudgeLimits",
      ]);
      expect(p("settings").approvals.map((a) => a.seat)).to.deep.equal([1, 6, 3, 4]);
      expect(p("open")).to.include({ state: "Queued", derivedTier: "Standard" });
      expect(p("open").queued!.requiredDelay).to.equal(2 * DAY);
    });

    it("rebuilds every policy version with its full parameters, its source and what changed", function () {
      const versions = clean.policyVersions;
      // Nudges keep the version: it counts the policies the council approved (deployment, setPolicy).
      expect(versions.map((v) => v.version)).to.deep.equal([1, 2, 2, 2, 3]);
      expect(versions.map((v) => v.via)).to.deep.equal([
        "deployment",
        "setPolicy",
        "nudgeCoverage",
        "nudgeTrigger",
        "setPolicy",
      ]);
      expect(versions[0].source).to.deep.equal({ kind: "deployment" });
      expect(versions[0].hash).to.equal(deployment.initialPolicy.hash);
      expect(versions[1].source).to.deep.equal({
        kind: "proposal",
        proposalId: history.ids.standard,
        tier: "Standard",
      });
      expect(versions[2].source).to.deep.include({ proposalId: history.ids.nudgeOnChain, tier: "Fast" });
      expect(versions[4].changes).to.deep.equal([
        { field: "coverageBps", before: 3_100, after: 2_200, effect: "loosens" },
      ]);
      expect(versions.every((v) => v.policy !== null)).to.equal(true);
      expect(versions[4].policy!.layers[1].triggerVix).to.equal(2_700);
    });

    it("rebuilds seats, settings and layer engagements; the replayed state is the live state", function () {
      expect(clean.seats.map((s) => [s.seat, s.burned ? "burned" : "live"])).to.deep.equal([
        [1, "live"],
        [2, "burned"],
        [3, "live"],
        [4, "live"],
        [5, "live"],
        [6, "live"],
      ]);
      expect(clean.seats[5].minted.source).to.deep.include({ kind: "proposal", proposalId: history.ids.mint });
      const later = clean.settingsChanges.filter((c) => c.source.kind !== "deployment");
      expect(later.map((c) => c.kind)).to.deep.equal([
        "seatMinted",
        "seatBurned",
        "tierRule",
        "minDelay",
        "nudgeLimits",
      ]);
      expect(
        later.slice(2).every((c) => c.source.kind === "proposal" && c.source.proposalId === history.ids.settings),
      ).to.equal(true);
      expect(clean.layerEvents.map((e) => [e.layer, e.engaged, e.vix])).to.deep.equal([
        [0, true, 2_450],
        [1, true, 3_120],
        [1, false, 2_380],
        [0, false, 1_500],
      ]);
      expect(clean.vix.filter((v) => v.source === "oracle").map((v) => v.vix)).to.include.members([
        2_450, 3_120, 2_380, 1_500,
      ]);
      expect(clean.live).to.deep.equal(clean.replayed);
      expect(clean.replayed.roles).to.deep.equal({
        DEFAULT_ADMIN_ROLE: [sys.addresses.timelock],
        PROPOSER_ROLE: [sys.addresses.council],
        EXECUTOR_ROLE: [sys.addresses.council],
        CANCELLER_ROLE: [sys.addresses.council],
      });
    });

    it("gives the same answer whatever the chunk size", async function () {
      const strip = (r: AuditReport) => ({
        ...r,
        generatedAt: "",
        stats: { ...r.stats, durationMs: 0, eventsPerSecond: 0, chunks: 0, chunkSize: 0 },
      });
      for (const chunkSize of [1, 7]) {
        const r = await audit(deployment, chunkSize);
        expect(r.stats.chunks).to.equal(Math.ceil((r.range.toBlock - r.range.fromBlock + 1) / chunkSize));
        expect(strip(r)).to.deep.equal(strip(clean));
      }
    });
  });

  describe("the deployments file against the deployment transactions' receipts", function () {
    it("a block moved forward is a finding, and the replay still starts at the receipts' first block", async function () {
      const moved = structuredClone(deployment);
      for (const name of ["oracle", "seats", "timelock", "policy", "council"] as const)
        moved.contracts[name].blockNumber = clean.range.toBlock;
      const r = await audit(moved);
      expect(kinds(r)).to.deep.equal(["deployment-mismatch"]);
      findingOf(
        r,
        "deployment-mismatch",
        new RegExp(
          `^the council was deployed in block ${deployment.contracts.council.blockNumber}, not ${clean.range.toBlock}$`,
        ),
      );
      expect(r.range.fromBlock).to.equal(clean.range.fromBlock);
      expect(r.proposals.map((p) => p.id)).to.deep.equal(clean.proposals.map((p) => p.id));
    });

    it("a block without its transaction, or a deployed contract without its transaction, cannot be checked", async function () {
      const unchecked = structuredClone(deployment);
      unchecked.contracts.seats.transactionHash = null;
      unchecked.contracts.council.transactionHash = null;
      unchecked.contracts.council.blockNumber = null;
      const r = await audit(unchecked);
      // (The council's constructor events are then not known as the deployment's: more findings follow.)
      expect(r.findings.map((f) => f.message)).to.include.members([
        `the seats's block ${deployment.contracts.seats.blockNumber} is recorded without its deployment transaction: it cannot be checked`,
        "the council's deployment transaction is not recorded: its block cannot be checked",
      ]);
    });
  });

  describe("tampering on a local node is found and named", function () {
    it("a policy storage slot edited with hardhat_setStorageAt", async function () {
      // Params, slot 0: layerCount (8 bits), then coverageBps (16 bits).
      await editStorage(sys.addresses.policy, 0, (w) => (w & ~(0xffffn << 8n)) | (9_000n << 8n));
      expect((await sys.policy.policy()).coverageBps).to.equal(9_000n);
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["live-state-mismatch", "storage-edited"]);
      const f = findingOf(
        r,
        "live-state-mismatch",
        /^policy\.coverageBps is 90\.00 % live but 22\.00 % after the replay/,
      );
      expect(f.subject).to.equal("policy.coverageBps");
      expect(f.message).to.match(/hardhat_setStorageAt/);
      findingOf(
        r,
        "live-state-mismatch",
        /^policy\.policyHash is 0x[0-9a-f]{64} live but 0x[0-9a-f]{64} after the replay/,
      );
      expect(r.checks.find((c) => c.name === "live")!.status).to.equal("fail");
    });

    it("a council setting edited in storage", async function () {
      // Settings (fast, standard, critical, veto thresholds in the low bytes) sit after EIP712's two string slots.
      let slot = -1;
      for (let i = 0; i < 8 && slot < 0; i++) {
        const word = BigInt(
          (await hre.network.provider.request({
            method: "eth_getStorageAt",
            params: [sys.addresses.council, toBeHex(i), "latest"],
          })) as string,
        );
        if ((word & 0xffffffffn) === 0x02040302n) slot = i;
      }
      expect(slot).to.be.at.least(0);
      await editStorage(sys.addresses.council, slot, (w) => (w & ~0xff00n) | 0x0100n); // Standard: 3 -> 1 approval
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["live-state-mismatch", "storage-edited"]);
      findingOf(r, "storage-edited", /^the council's settings \(tier rules, veto threshold, expiry\) at 0x/);
      expect(
        findingOf(r, "live-state-mismatch", /^council\.tierRule\.Standard\.threshold is 1 live but 3 after the replay/)
          .subject,
      ).to.equal("council.tierRule.Standard.threshold");
    });

    it("a timelock role granted by an impersonated admin, and the externally owned account holding it", async function () {
      const timelock = await asTimelock(sys);
      const eoa = sys.strangers[2].address;
      await sys.timelock.connect(timelock).grantRole(PROPOSER_ROLE, eoa);
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["unattributed-change", "unexpected-role-holder"]);
      const granted = findingOf(
        r,
        "unattributed-change",
        new RegExp(
          `^PROPOSER_ROLE granted to ${eoa} by ${sys.addresses.timelock}, in transaction 0x[0-9a-f]{8}… with no council execution \\(outside governance\\)$`,
        ),
      );
      expect(granted.subject).to.equal("timelock.roleGranted");
      expect(granted.at!.block).to.equal(await hre.ethers.provider.getBlockNumber());
      const holder = findingOf(
        r,
        "unexpected-role-holder",
        new RegExp(`^${eoa}, an externally owned account, holds the timelock's PROPOSER_ROLE$`),
      );
      expect(holder.check).to.equal("roles");
      expect(r.live.roles.PROPOSER_ROLE).to.include(eoa);
    });

    it("a seat minted by impersonating the timelock, whose approvals are then not counted", async function () {
      const timelock = await asTimelock(sys);
      const intruder = sys.strangers[2];
      await sys.seats.connect(timelock).mint(intruder.address);
      let r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["unattributed-change"]);
      const minted = findingOf(
        r,
        "unattributed-change",
        new RegExp(`^seat 7 minted to ${intruder.address}, in transaction .* \\(outside governance\\)$`),
      );
      expect(minted.subject).to.equal("seats.seatMinted");
      expect(r.seats.find((s) => s.seat === 7)!.minted.source).to.deep.equal({ kind: "none" });

      // The council counts the intruder's seat: a Standard change queues with two real seats and the minted one.
      const current = toPolicyValues(await sys.policy.policy());
      const p = proposal(
        [
          await setPolicyCall(
            sys,
            withEdit((x) => (x.coverageBps = 2_500), current),
          ),
        ],
        keccakId("intruder"),
      );
      const id = await proposeAndApprove(sys, p, [sys.holders[0], sys.holders[2], intruder]);
      await sys.council.queue(...args(p));
      r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["insufficient-approvals", "unattributed-change"]);
      const short = findingOf(
        r,
        "insufficient-approvals",
        /was queued with 2 approvals of current seat holders; Standard needs 3; seat 7 minted outside governance not counted$/,
      );
      expect(short.proposalId).to.equal(id);
      expect(r.proposals.find((x) => x.id === id)!.findings).to.equal(1);
    });

    it("an operation scheduled and executed by an account given timelock roles outside governance", async function () {
      const timelock = await asTimelock(sys);
      const eoa = sys.strangers[3];
      await sys.timelock.connect(timelock).grantRole(PROPOSER_ROLE, eoa.address);
      await sys.timelock.connect(timelock).grantRole(EXECUTOR_ROLE, eoa.address);
      const data = sys.policy.interface.encodeFunctionData("setNudgeLimits", [5_000, 0]);
      const op = [sys.addresses.policy, 0n, data, "0x" + "00".repeat(32), keccakId("bypass")] as const;
      await sys.timelock.connect(eoa).schedule(...op, 2 * DAY);
      await time.increase(2 * DAY);
      await sys.timelock.connect(eoa).execute(...op);
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["timelock-bypass", "unattributed-change", "unexpected-role-holder"]);
      findingOf(r, "timelock-bypass", /^timelock operation 0x[0-9a-f]{8}… was scheduled outside the council/);
      findingOf(r, "timelock-bypass", /^timelock operation 0x[0-9a-f]{8}… was executed outside the council/);
      findingOf(r, "unattributed-change", /^nudge limits 1500 bps \/ 1 h -> 5000 bps \/ 0 s, in transaction/);
      expect(r.findings.filter((f) => f.kind === "unexpected-role-holder").map((f) => f.subject)).to.deep.equal([
        "roles.PROPOSER_ROLE",
        "roles.EXECUTOR_ROLE",
      ]);
      expect(r.settingsChanges.at(-1)).to.deep.include({ kind: "nudgeLimits", source: { kind: "none" } });
    });

    it("a policy edited behind governance's back, then nudged: the hash chain breaks at the nudge", async function () {
      await editStorage(sys.addresses.policy, 0, (w) => (w & ~(0xffffn << 8n)) | (2_300n << 8n));
      const nudge = proposal(
        [{ target: sys.addresses.policy, data: sys.policy.interface.encodeFunctionData("nudgeTrigger", [0, 2_100]) }],
        keccakId("after-edit"),
      );
      const id = await sys.council.hashProposal(...args(nudge));
      const signed = await sign(sys, [sys.holders[0], sys.holders[2]], id); // seat 2 was burned
      await sys.council.connect(sys.stranger).submit(...proposeArgs(nudge), signed);
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["event-chain-broken", "live-state-mismatch", "storage-edited"]);
      findingOf(
        r,
        "event-chain-broken",
        /^PolicyUpdated \(version 3\) says the previous hash was 0x[0-9a-f]{8}…, but the last announced hash is 0x[0-9a-f]{8}…: the policy changed without an event/,
      );
      findingOf(r, "live-state-mismatch", /^policy\.coverageBps is 23\.00 % live but 22\.00 % after the replay/);
    });

    it("a contract whose code was replaced with hardhat_setCode", async function () {
      const other = await hre.artifacts.readArtifact("RevertingOracle");
      await hre.network.provider.request({
        method: "hardhat_setCode",
        params: [sys.addresses.oracle, other.deployedBytecode],
      });
      const r = await audit(deployment);
      expect(kinds(r)).to.deep.equal(["code-changed"]);
      expect(
        findingOf(r, "code-changed", /^the code of the oracle at 0x[0-9a-fA-F]{40} changed since its deployment/)
          .subject,
      ).to.equal("oracle.code");
    });
  });
});
