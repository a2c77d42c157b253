// HedgeUpkeep as a CRE receiver: Chainlink's real KeystoneForwarder (compiled from @chainlink/contracts with solc
// 0.8.24), configured with a local DON of four signers (f = 1), delivers reports signed in the forwarder's own format
// to `onReport`. A spike engages the layers; a report from another forwarder or an EOA, for another workflow, replayed,
// or for a sync that is not needed changes nothing (the whole policy state and its events are compared); the exact
// custom error of each refusal is read by calling `onReport` as the caller in question.
import { expect } from "chai";
import { artifacts, ethers } from "hardhat";
import {
  impersonateAccount,
  loadFixture,
  setBalance,
  stopImpersonatingAccount,
} from "@nomicfoundation/hardhat-network-helpers";
import {
  AbiCoder,
  ContractTransactionResponse,
  Wallet,
  ZeroAddress,
  ZeroHash,
  hexlify,
  keccak256,
  randomBytes,
} from "ethers";

import type { HedgeUpkeep, KeystoneForwarder } from "../typechain-types";
import { deployHedgePolicy, expectUnchanged, snapshotState, vixAnswer } from "./helpers/hedgePolicy";
import {
  DON,
  F,
  REPORT_ID,
  Transmission,
  WORKFLOW_ID,
  deliver as keystoneDeliver,
  deployForwarder,
  executionIdOf,
  metadataOf,
  rawReport as keystoneReport,
  sign,
  type ReportFields,
} from "./helpers/keystone";

async function fixture() {
  const base = await deployHedgePolicy();
  const [, , , , , workflowOwner, transmitter] = await ethers.getSigners();
  const forwarder = await deployForwarder();
  const otherForwarder = await deployForwarder(); // a real forwarder with the same DON, not the configured one
  const upkeep: HedgeUpkeep = await (
    await ethers.getContractFactory("HedgeUpkeep")
  ).deploy(base.policy, forwarder, WORKFLOW_ID, workflowOwner);
  await upkeep.waitForDeployment();
  return { ...base, forwarder, otherForwarder, upkeep, workflowOwner, transmitter };
}

type Fixture = Awaited<ReturnType<typeof fixture>>;

/** A raw report of the configured workflow unless `r` says otherwise. */
const rawReport = (f: Fixture, r: Omit<ReportFields, "workflowOwner"> & { workflowOwner?: string } = {}) =>
  keystoneReport({ workflowOwner: f.workflowOwner.address, ...r });

/** A transmitter sends `raw` through `forwarder` (default: the configured one), signed by the DON. */
const deliver = (f: Fixture, raw: string, forwarder: KeystoneForwarder = f.forwarder) =>
  keystoneDeliver(forwarder, f.transmitter, f.upkeep, raw);

/** `onReport(metadata, payload)` called by `caller` (impersonated), for its exact revert. */
async function onReportAs(f: Fixture, caller: string, metadata: string, payload = "0x") {
  await impersonateAccount(caller);
  await setBalance(caller, 10n ** 18n);
  try {
    const signer = await ethers.getSigner(caller);
    return await f.upkeep.connect(signer).onReport.staticCall(metadata, payload);
  } finally {
    await stopImpersonatingAccount(caller);
  }
}

/** The logs of `tx` emitted by the policy or the upkeep (the forwarder's own are checked apart). */
async function hedgeLogs(f: Fixture, tx: ContractTransactionResponse): Promise<string[]> {
  const receipt = (await tx.wait())!;
  const addresses = [await f.policy.getAddress(), await f.upkeep.getAddress()];
  return receipt.logs.filter((log) => addresses.includes(log.address)).map((log) => log.topics[0]);
}

/** Expects `tx` recorded as a failed transmission that emitted nothing from the policy or the upkeep. */
async function expectFailedDelivery(f: Fixture, tx: ContractTransactionResponse, raw: string, forwarder = f.forwarder) {
  await expect(tx)
    .to.emit(forwarder, "ReportProcessed")
    .withArgs(await f.upkeep.getAddress(), executionIdOf(raw), REPORT_ID, false);
  expect(await hedgeLogs(f, tx)).to.deep.equal([]);
  expect(await forwarder.getTransmissionState(f.upkeep, executionIdOf(raw), REPORT_ID)).to.equal(Transmission.Failed);
}

describe("HedgeUpkeep as a CRE receiver (KeystoneForwarder → onReport)", function () {
  before(async () => loadFixture(fixture));

  describe("deployment", function () {
    it("is built with solc 0.8.28 like every project contract; only Chainlink's KeystoneForwarder with 0.8.24", async function () {
      const versionOf = async (name: string) => (await artifacts.getBuildInfo(name))!.solcVersion;
      for (const name of ["HedgeUpkeep", "HedgePolicy", "HedgeCouncil", "CouncilSeats", "MockV3Aggregator"]) {
        const fqn = (await artifacts.getAllFullyQualifiedNames()).find((n) => n.endsWith(`:${name}`))!;
        expect(await versionOf(fqn), name).to.equal("0.8.28");
      }
      expect(
        await versionOf("@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol:KeystoneForwarder"),
      ).to.equal("0.8.24");
    });

    it("records the forwarder and the workflow, and answers ERC-165 for IReceiver and IERC165 only", async function () {
      const { upkeep, forwarder, workflowOwner } = await loadFixture(fixture);
      expect(await upkeep.forwarder()).to.equal(await forwarder.getAddress());
      expect(await upkeep.workflowId()).to.equal(WORKFLOW_ID);
      expect(await upkeep.workflowOwner()).to.equal(workflowOwner.address);
      const onReport = ethers.id("onReport(bytes,bytes)").slice(0, 10); // IReceiver's interface id: its one function
      expect(await upkeep.supportsInterface(onReport)).to.equal(true);
      expect(await upkeep.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await upkeep.supportsInterface("0xffffffff")).to.equal(false);
      expect(await upkeep.supportsInterface(ethers.id("performUpkeep(bytes)").slice(0, 10))).to.equal(false);
    });

    it("refuses a half-configured CRE (a forwarder without a workflow, or a workflow without a forwarder)", async function () {
      const { policy, forwarder, workflowOwner } = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("HedgeUpkeep");
      const fwd = await forwarder.getAddress();
      for (const [f, id, owner] of [
        [fwd, ZeroHash, workflowOwner.address],
        [fwd, WORKFLOW_ID, ZeroAddress],
        [fwd, ZeroHash, ZeroAddress],
        [ZeroAddress, WORKFLOW_ID, workflowOwner.address],
        [ZeroAddress, WORKFLOW_ID, ZeroAddress],
        [ZeroAddress, ZeroHash, workflowOwner.address],
      ]) {
        await expect(factory.deploy(policy, f, id, owner))
          .to.be.revertedWithCustomError(factory, "HedgeUpkeepWorkflowIncomplete")
          .withArgs(f, id, owner);
      }
    });

    it("refuses a forwarder that is not a contract", async function () {
      const { policy, stranger, workflowOwner } = await loadFixture(fixture);
      const factory = await ethers.getContractFactory("HedgeUpkeep");
      await expect(factory.deploy(policy, stranger, WORKFLOW_ID, workflowOwner))
        .to.be.revertedWithCustomError(factory, "HedgeUpkeepForwarderNotContract")
        .withArgs(stranger.address);
    });

    it("with CRE off (all zero), refuses every report, the real forwarder's included, and still performs upkeep", async function () {
      const f = await loadFixture(fixture);
      const off = await (
        await ethers.getContractFactory("HedgeUpkeep")
      ).deploy(f.policy, ZeroAddress, ZeroHash, ZeroAddress);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const raw = rawReport(f);
      const before = await snapshotState(f.policy);
      const context = hexlify(randomBytes(96));
      const tx = await f.forwarder.connect(f.transmitter).report(off, raw, context, sign(raw, context));
      await expect(tx)
        .to.emit(f.forwarder, "ReportProcessed")
        .withArgs(await off.getAddress(), executionIdOf(raw), REPORT_ID, false);
      await expectUnchanged(f.policy, before);
      await expect(off.connect(f.stranger).onReport(metadataOf(raw), "0x"))
        .to.be.revertedWithCustomError(off, "HedgeUpkeepWrongForwarder")
        .withArgs(f.stranger.address);
      await expect(off.performUpkeep("0x")).to.emit(off, "UpkeepPerformed");
    });
  });

  describe("a report of the workflow through the forwarder", function () {
    it("engages two layers on a spike to 31.50: the policy's events, UpkeepPerformed from the forwarder, a success", async function () {
      const f = await loadFixture(fixture);
      const { upkeep, policy, forwarder } = f;
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const raw = rawReport(f);
      const tx = await deliver(f, raw);
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(0, 3_150);
      await expect(tx).to.emit(policy, "LayerEngaged").withArgs(1, 3_150);
      await expect(tx)
        .to.emit(upkeep, "UpkeepPerformed")
        .withArgs(await forwarder.getAddress(), 0, 0b011, 3_150);
      await expect(tx)
        .to.emit(forwarder, "ReportProcessed")
        .withArgs(await upkeep.getAddress(), executionIdOf(raw), REPORT_ID, true);
      expect(await hedgeLogs(f, tx)).to.have.length(3); // two LayerEngaged, one UpkeepPerformed: nothing else
      expect(await policy.engagedLayers()).to.equal(0b011n);
      expect(await forwarder.getTransmissionState(upkeep, executionIdOf(raw), REPORT_ID)).to.equal(
        Transmission.Succeeded,
      );
      expect(await forwarder.getTransmitter(upkeep, executionIdOf(raw), REPORT_ID)).to.equal(f.transmitter.address);
    });

    it("disengages every layer when the VIX falls back, from a later report", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(4_500));
      await deliver(f, rawReport(f));
      expect(await f.policy.engagedLayers()).to.equal(0b111n);
      await f.oracle.updateAnswer(vixAnswer(1_200));
      const tx = await deliver(f, rawReport(f));
      for (const layer of [0, 1, 2]) await expect(tx).to.emit(f.policy, "LayerDisengaged").withArgs(layer, 1_200);
      await expect(tx)
        .to.emit(f.upkeep, "UpkeepPerformed")
        .withArgs(await f.forwarder.getAddress(), 0b111, 0, 1_200);
      expect(await f.policy.engagedLayers()).to.equal(0n);
    });

    it("ignores the report's content: a payload claiming a VIX changes nothing; the oracle alone decides", async function () {
      const f = await loadFixture(fixture);
      const claim = AbiCoder.defaultAbiCoder().encode(["uint32", "uint8"], [9_000, 0b111]);
      const before = await snapshotState(f.policy);
      const calm = rawReport(f, { payload: claim });
      await expectFailedDelivery(f, await deliver(f, calm), calm); // VIX 15.00: nothing to sync
      await expectUnchanged(f.policy, before);
      await f.oracle.updateAnswer(vixAnswer(2_100));
      const tx = await deliver(f, rawReport(f, { payload: claim }));
      await expect(tx)
        .to.emit(f.upkeep, "UpkeepPerformed")
        .withArgs(await f.forwarder.getAddress(), 0, 0b001, 2_100); // layer 0 only, as the oracle says
    });
  });

  describe("refusals: the exact error, nothing changed", function () {
    it("an EOA calling onReport directly, with the workflow's own metadata", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const metadata = metadataOf(rawReport(f));
      const before = await snapshotState(f.policy);
      for (const caller of [f.stranger, f.workflowOwner, f.transmitter]) {
        await expect(f.upkeep.connect(caller).onReport(metadata, "0x"))
          .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepWrongForwarder")
          .withArgs(caller.address);
      }
      await expectUnchanged(f.policy, before);
    });

    it("another KeystoneForwarder, with a validly signed report of the workflow", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const raw = rawReport(f);
      const before = await snapshotState(f.policy);
      await expectFailedDelivery(f, await deliver(f, raw, f.otherForwarder), raw, f.otherForwarder);
      await expectUnchanged(f.policy, before);
      const other = await f.otherForwarder.getAddress();
      await expect(onReportAs(f, other, metadataOf(raw)))
        .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepWrongForwarder")
        .withArgs(other);
      // The configured forwarder has not seen it: the same report still goes through there.
      await expect(deliver(f, raw)).to.emit(f.upkeep, "UpkeepPerformed");
    });

    it("another workflow: a different id, a different owner, or metadata too short to name one", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const fwd = await f.forwarder.getAddress();
      const before = await snapshotState(f.policy);
      const otherId = keccak256(ethers.toUtf8Bytes("someone else's workflow"));
      for (const [workflowId, workflowOwner] of [
        [otherId, f.workflowOwner.address],
        [WORKFLOW_ID, f.stranger.address],
        [otherId, f.stranger.address],
      ]) {
        const raw = rawReport(f, { workflowId, workflowOwner });
        await expectFailedDelivery(f, await deliver(f, raw), raw);
        await expect(onReportAs(f, fwd, metadataOf(raw)))
          .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepWrongWorkflow")
          .withArgs(workflowId, workflowOwner);
      }
      const short = metadataOf(rawReport(f)).slice(0, 2 + 2 * 61); // 61 bytes: the owner's last byte is missing
      await expect(onReportAs(f, fwd, short))
        .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepWrongWorkflow")
        .withArgs(ZeroHash, ZeroAddress);
      await expectUnchanged(f.policy, before);
    });

    it("a replayed report: the forwarder refuses it (AlreadyAttempted), after a success and after a failure", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const raw = rawReport(f);
      await deliver(f, raw);
      await f.oracle.updateAnswer(vixAnswer(4_500)); // a sync is needed again: the replay still may not do it
      const transmissionId = await f.forwarder.getTransmissionId(f.upkeep, executionIdOf(raw), REPORT_ID);
      const before = await snapshotState(f.policy);
      await expect(deliver(f, raw))
        .to.be.revertedWithCustomError(f.forwarder, "AlreadyAttempted")
        .withArgs(transmissionId);
      await expectUnchanged(f.policy, before);

      // A report that failed (another workflow's) is spent too: replaying it later, when a sync is needed, is refused.
      const failed = rawReport(f, { workflowId: keccak256("0x01") });
      await deliver(f, failed);
      await expect(deliver(f, failed)).to.be.revertedWithCustomError(f.forwarder, "AlreadyAttempted");
      await expectUnchanged(f.policy, before);
    });

    it("a report for an unneeded sync: a failed transmission, the whole policy state and its events unchanged", async function () {
      const f = await loadFixture(fixture);
      const fwd = await f.forwarder.getAddress();
      // Calm (VIX 15.00, nothing engaged), then after a spike already synced: both times nothing to do.
      for (const vix of [1_500, 3_150]) {
        if (vix !== 1_500) {
          await f.oracle.updateAnswer(vixAnswer(vix));
          await deliver(f, rawReport(f));
        }
        const mask = await f.policy.engagedLayers();
        const before = await snapshotState(f.policy);
        const baseline = await f.policy.baseline();
        const raw = rawReport(f);
        await expectFailedDelivery(f, await deliver(f, raw), raw);
        await expectUnchanged(f.policy, before);
        expect(await f.policy.baseline()).to.deep.equal(baseline);
        await expect(onReportAs(f, fwd, metadataOf(raw)))
          .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepNothingToSync")
          .withArgs(mask, vix);
      }
    });

    it("a report while the oracle is unusable (an incomplete round): refused as performUpkeep refuses it", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateRoundData(9, vixAnswer(4_000), 0, 0); // an incomplete round
      const before = await snapshotState(f.policy);
      const raw = rawReport(f);
      await expectFailedDelivery(f, await deliver(f, raw), raw);
      await expectUnchanged(f.policy, before);
      await expect(onReportAs(f, await f.forwarder.getAddress(), metadataOf(raw)))
        .to.be.revertedWithCustomError(f.upkeep, "HedgeUpkeepOracleUnusable")
        .withArgs(2); // OracleStatus.RoundIncomplete
    });

    it("a report the DON did not sign: the forwarder refuses it before the upkeep", async function () {
      const f = await loadFixture(fixture);
      await f.oracle.updateAnswer(vixAnswer(3_150));
      const raw = rawReport(f);
      const context = hexlify(randomBytes(96));
      const outsider = new Wallet(hexlify(randomBytes(32)));
      const before = await snapshotState(f.policy);
      await expect(f.forwarder.report(f.upkeep, raw, context, sign(raw, context, [DON[0], outsider])))
        .to.be.revertedWithCustomError(f.forwarder, "InvalidSigner")
        .withArgs(outsider.address);
      await expect(f.forwarder.report(f.upkeep, raw, context, sign(raw, context, [DON[0]])))
        .to.be.revertedWithCustomError(f.forwarder, "InvalidSignatureCount")
        .withArgs(F + 1, 1);
      await expectUnchanged(f.policy, before);
      expect(await f.forwarder.getTransmitter(f.upkeep, executionIdOf(raw), REPORT_ID)).to.equal(ZeroAddress);
    });
  });
});
