// The watcher's engine in-process (scripts/lib/watch/watcher, on the in-process network, polled by hand): which
// notices a block gives, --seat narrowing, conditions told once while they hold and again when they come back, the
// passage of time (expiring, executable at the eta, expired), a veto, a stale oracle, and a restart from the
// checkpoint that tells nothing twice. Rules v3: a seat is asked to veto only a Critical proposal (and every such ask
// is one the council would take), a proposal's description ends its notices made safe, a revocation made before its
// proposal exists and a nudge back toward the baseline within the cooldown are normal: no notice, no finding.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { Tier, descriptionHash } from "../../scripts/lib/council";
import { deploySystem, vixToAnswer } from "../../scripts/lib/deploy";
import { recordDeployment } from "../../scripts/lib/deployments";
import { defaultPolicy } from "../../scripts/lib/policy";
import { signApproval } from "../../scripts/lib/signing";
import { humanLine, type Notice } from "../../scripts/lib/watch/notices";
import { DESCRIPTION_DETAILS_MAX } from "../../scripts/lib/watch/proposals";
import { RetryingRpc } from "../../scripts/lib/watch/rpc";
import { Watcher } from "../../scripts/lib/watch/watcher";
import { tempDir } from "../tasks/helpers";
import { editField, placeOf } from "../audit/storage";

async function fixture() {
  const [deployer, ...rest] = await hre.ethers.getSigners();
  const holders = rest.slice(0, 5);
  const system = await deploySystem(deployer, { seats: holders.map((h) => h.address) });
  const deployment = await recordDeployment(
    hre,
    system,
    deployer.address,
    holders.map((h) => h.address),
  );
  return { ...system, deployment, holders, deployer };
}
type Fixture = Awaited<ReturnType<typeof fixture>>;

describe("hedge:watch engine (in-process)", function () {
  const dir = tempDir("watcher");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  /** The watchers a test started, stopped after it (their checkpoints' locks released). */
  const started: Watcher[] = [];
  afterEach(() => started.splice(0).forEach((w) => w.unlock()));

  /** A watcher on the in-process chain, with a checkpoint of its own (or `checkpoint`), its notices collected. */
  function watcher(f: Fixture, o: { seat?: string; checkpoint?: string; startOver?: boolean } = {}) {
    const out: Notice[] = [];
    const controller = new AbortController();
    const w = new Watcher({
      rpc: new RetryingRpc(hre.network.provider, { signal: controller.signal }),
      deployment: f.deployment,
      network: "hardhat",
      checkpointFile: o.checkpoint ?? path.join(dir, `checkpoint-${n++}.json`),
      seat: o.seat,
      json: true,
      pollMs: 0,
      confirmations: 0,
      startOver: o.startOver,
      signal: controller.signal,
      out: (line) => out.push(JSON.parse(line) as Notice),
      status: () => undefined,
    });
    started.push(w);
    return { w, out };
  }

  /** A setPolicy proposal's id and its calls with the description's hash (what queue and execute take). */
  async function setPolicyCalls(f: Fixture, coverageBps: number, description: string) {
    const next = defaultPolicy();
    next.coverageBps = coverageBps;
    const data = f.policy.interface.encodeFunctionData("setPolicy", [next, 1]);
    const targets = [await f.policy.getAddress()];
    const calls: [string[], number[], string[], string] = [targets, [0], [data], descriptionHash(description)];
    return {
      id: await f.council.hashProposal(...calls),
      calls,
      propose: [targets, [0], [data], description] as [string[], number[], string[], string],
    };
  }

  /**
   * A setPolicy proposal of seat 1 (one approval), returning its id and calls: a coverage above 2,500 tightens
   * (Standard), below it loosens (Critical).
   */
  async function propose(f: Fixture, coverageBps: number, description: string) {
    const p = await setPolicyCalls(f, coverageBps, description);
    await f.council.connect(f.holders[0]).propose(...p.propose);
    return p;
  }

  /** A Fast coverage nudge to `coverageBps`, relayed with `submit` by the deployer, signed by `signers`. */
  async function nudge(f: Fixture, coverageBps: number, description: string, signers: HardhatEthersSigner[]) {
    const data = f.policy.interface.encodeFunctionData("nudgeCoverage", [coverageBps]);
    const targets = [await f.policy.getAddress()];
    const id = await f.council.hashProposal(targets, [0], [data], descriptionHash(description));
    const council = await f.council.getAddress();
    const chainId = (await hre.ethers.provider.getNetwork()).chainId;
    const validUntil = BigInt(await time.latest()) + 3_600n;
    const signatures = await Promise.all(
      signers.map(async (s) => {
        const seatId = await f.council.seatOf(s.address);
        const signature = await signApproval(s, chainId, council, { proposalId: id, seatId, validUntil });
        return { seatId, validUntil, signature };
      }),
    );
    await f.council.connect(f.deployer).submit(targets, [0], [data], description, signatures);
    return id;
  }

  /** The notices that ask a seat to veto: the veto window, or an awaiting-signature that offers the veto. */
  const vetoAsks = (notices: Notice[]) =>
    notices.filter((x) => x.kind === "veto-window" || /hedge:veto/.test(x.message));

  /**
   * Every notice that asks a seat to veto is about a Critical proposal, names the seat, and the council would take
   * that seat's veto now: the watcher never asks for a veto that reverts.
   */
  async function expectVetoAsksHold(f: Fixture, notices: Notice[]) {
    for (const x of vetoAsks(notices)) {
      expect(await f.council.proposalTier(x.proposalId!), x.message).to.equal(BigInt(Tier.Critical));
      const seat = f.holders.find((h) => h.address === x.seat);
      expect(seat, `a veto ask names a seat: ${x.message}`).to.not.equal(undefined);
      await f.council.connect(seat!).veto.staticCall(x.proposalId!);
    }
  }

  const kinds = (notices: Notice[]) => notices.map((x) => `${x.kind}${x.seat ? `:${x.seat.slice(0, 6)}` : ""}`);

  it("tells the seats a new proposal awaits them; --seat narrows it to one holder", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 3_000, "a: raise the coverage");
    const all = watcher(f);
    await all.w.start();
    const awaiting = all.out.filter((x) => x.kind === "awaiting-signature");
    expect(awaiting.map((x) => x.seat)).to.have.members(f.holders.slice(1).map((h) => h.address));
    expect(awaiting.every((x) => x.proposalId === id)).to.equal(true);

    const one = watcher(f, { seat: f.holders[2].address });
    await one.w.start();
    expect(kinds(one.out)).to.deep.equal([`awaiting-signature:${f.holders[2].address.slice(0, 6)}`]);
  });

  it("tells a condition once while it holds, and again (a new id) when it comes back", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 3_000, "b: raise the coverage");
    const { w, out } = watcher(f, { seat: f.holders[2].address });
    await w.start();
    expect(out).to.have.length(1);
    await hre.network.provider.send("evm_mine", []);
    await w.poll();
    expect(out, "told again while still true").to.have.length(1);
    await f.council.connect(f.holders[2]).approve(id);
    await w.poll();
    expect(out).to.have.length(1);
    await f.council.connect(f.holders[2]).revoke(id);
    await w.poll();
    expect(kinds(out)).to.deep.equal(kinds(out.slice(0, 1)).concat(kinds(out.slice(0, 1))));
    expect(out[1].id).to.not.equal(out[0].id);
  });

  it("follows a proposal through approvals, its eta and its deadline; a veto; a stale oracle", async function () {
    const f = await loadFixture(fixture);
    const a = await propose(f, 3_000, "c: raise the coverage");
    // Critical (it lowers the coverage): only a Critical proposal can be vetoed.
    const b = await propose(f, 2_000, "d: lower the coverage");
    const { w, out } = watcher(f, { seat: f.holders[4].address });
    await w.start();
    out.length = 0;

    await f.council.connect(f.holders[1]).approve(a.id);
    await f.council.connect(f.holders[2]).approve(a.id);
    await w.poll();
    expect(kinds(out)).to.deep.equal(["executable"]);
    expect(out[0].details?.step).to.equal("queue");

    await f.council.connect(f.holders[1]).veto(b.id);
    await f.council.connect(f.holders[2]).veto(b.id);
    await w.poll();
    expect(kinds(out.slice(1))).to.deep.equal(["vetoed"]);
    expect(out[1].proposalId).to.equal(b.id);

    await f.council.queue(...a.calls);
    await time.increase(86_400);
    await w.poll();
    const later = out.slice(2);
    expect(later.map((x) => x.kind)).to.have.members(["executable", "oracle-stale"]);
    expect(later.find((x) => x.kind === "executable")?.details?.step).to.equal("execute");

    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await time.increase(13 * 86_400 + 3_000); // within 24 h of the 14-day grace period's end
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await w.poll();
    expect(out.slice(4).map((x) => x.kind)).to.have.members(["oracle-recovered", "expiring"]);
    // About 23 h 10 min left: said in two units, as everywhere (fmtDuration), never to the second.
    expect(out.find((x) => x.kind === "expiring")?.message).to.match(/ expires in 23 h \d+ min \(/);
    await time.increase(86_400);
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await w.poll();
    expect(out.slice(6).map((x) => x.kind)).to.deep.equal(["expired"]);
  });

  it("restarted on its checkpoint, tells nothing twice and what happened since, once", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 3_000, "e: raise the coverage");
    const checkpoint = path.join(dir, "restart.json");
    const first = watcher(f, { checkpoint });
    await first.w.start();
    await f.oracle.updateAnswer(vixToAnswer(2_500));
    await f.policy.syncLayers();
    await first.w.poll();
    const told = first.out.length;
    expect(first.out.some((x) => x.kind === "layer-engaged")).to.equal(true);

    await f.council.connect(f.holders[1]).approve(id);
    await f.council.connect(f.holders[2]).approve(id);
    first.w.unlock(); // the first one stops
    const second = watcher(f, { checkpoint });
    await second.w.start();
    await second.w.poll();
    expect(kinds(second.out)).to.deep.equal(["executable"]);
    const ids = [...first.out, ...second.out].map((x) => x.id);
    expect(new Set(ids).size).to.equal(told + 1);
    expect(JSON.parse(fs.readFileSync(checkpoint, "utf8")).unprinted).to.deep.equal([]);
  });

  it("refuses a checkpoint it cannot trust in one line, and --start-over keeps it aside", async function () {
    const f = await loadFixture(fixture);
    const checkpoint = path.join(dir, "refused.json");
    const refusals: [string, RegExp][] = [
      ['{"format": "hedge-watch-checkpoint/2", "lastBl', /is not valid JSON \(.*\); pass --start-over to start afresh/],
      ['{"format": "hedge-watch-checkpoint/1"}', /has format hedge-watch-checkpoint\/1, from an older hedge:watch/],
      ['{"format": "something-else"}', /is not a hedge:watch checkpoint \(format hedge-watch-checkpoint\/2\)/],
      ["[1, 2, 3]", /is not a hedge:watch checkpoint/],
    ];
    for (const [text, message] of refusals) {
      fs.writeFileSync(checkpoint, text);
      const w = watcher(f, { checkpoint }).w;
      const error = await w.start().then(
        () => null,
        (e: Error) => e,
      );
      w.unlock();
      expect(error?.name, text).to.equal("CliError");
      expect(error!.message).to.match(message);
      expect(error!.message).to.not.include("\n");
      expect(fs.readFileSync(checkpoint, "utf8"), "a refused checkpoint is left as it was").to.equal(text);
    }
    // Damaged (a field missing) and another deployment's: from a real checkpoint, edited.
    const good = watcher(f, { checkpoint: path.join(dir, "good.json") }).w;
    await good.start();
    good.unlock();
    const saved = JSON.parse(fs.readFileSync(path.join(dir, "good.json"), "utf8")) as Record<string, unknown>;
    for (const [edit, message] of [
      [{ blocks: "none" }, /is damaged \(a field is missing or malformed\); pass --start-over/],
      [
        { deployment: { block: 1, hash: `0x${"ab".repeat(32)}` } },
        /follows the council deployed in block 1 \(0xabab.*\), but this chain's council was deployed in block \d+ .*the chain was reset or the council redeployed; pass --start-over/,
      ],
    ] as [Record<string, unknown>, RegExp][]) {
      fs.writeFileSync(checkpoint, JSON.stringify({ ...saved, ...edit }));
      const w = watcher(f, { checkpoint }).w;
      const error = await w.start().then(
        () => null,
        (e: Error) => e,
      );
      w.unlock();
      expect(error?.message).to.match(message);
    }
    const over = watcher(f, { checkpoint, startOver: true });
    await over.w.start();
    expect(over.w.checkpoint.lastBlock).to.equal(await hre.ethers.provider.getBlockNumber());
    const aside = fs.readdirSync(dir).filter((name) => name.startsWith("refused.json.replaced-"));
    expect(aside).to.have.length(1);
  });

  it("finds an open proposal's veto mark edited behind the council's back at the next block", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 2_000, "m: lower the coverage"); // Critical: it can be vetoed
    await f.council.connect(f.holders[3]).veto(id);
    const { w, out } = watcher(f);
    await w.start();
    await editField(await f.council.getAddress(), await placeOf("HedgeCouncil", "_vetoes", [id]), () => 0n);
    await hre.network.provider.send("evm_mine");
    await w.poll();
    const found = out.filter(
      (x) => x.kind === "finding" && /the council's vetoes \(seat bit map\) is 0x0 live/.test(x.message),
    );
    expect(found, JSON.stringify(out.map((x) => x.message))).to.have.length(1);
    expect(found[0].severity).to.equal("critical");
  });

  it("asks a seat to veto only a Critical proposal, while the council would take its veto", async function () {
    const f = await loadFixture(fixture);
    const standard = await propose(f, 3_000, "tighten: coverage 30 %");
    const critical = await propose(f, 2_000, "loosen: coverage 20 %");
    expect(await f.council.proposalTier(standard.id)).to.equal(BigInt(Tier.Standard));
    expect(await f.council.proposalTier(critical.id)).to.equal(BigInt(Tier.Critical));
    const { w, out } = watcher(f);
    await w.start();

    // Pending: each seat but the proposer awaits; only the Critical proposal's notices offer the veto.
    const awaiting = (id: string) => out.filter((x) => x.kind === "awaiting-signature" && x.proposalId === id);
    expect(awaiting(standard.id)).to.have.length(4);
    expect(awaiting(critical.id)).to.have.length(4);
    expect(awaiting(standard.id).filter((x) => /veto/.test(x.message))).to.deep.equal([]);
    for (const x of awaiting(critical.id)) {
      expect(x.message).to.include(`; or veto it: 0 of 2 vetoes so far (hedge:veto --id ${critical.id})`);
      expect(x.details).to.include({ vetoes: 0, vetoThreshold: 2 });
      // What it does, in the proposal view's words (the one decoder and diff), before the proposer's own words.
      const does =
        "; it does: call 0: HedgePolicy.setPolicy(next, expectedVersion 1): coverageBps 25.00 % → 20.00 % (loosens)";
      expect(x.message).to.include(`${does}; described by its proposer as "loosen: coverage 20 %"`);
      expect(x.details!.calls).to.deep.equal([does.slice("; it does: ".length)]);
    }
    for (const x of awaiting(standard.id)) expect(x.message).to.include("coverageBps 25.00 % → 30.00 % (tightens)");
    await expectVetoAsksHold(f, out);
    // What the watcher does not offer, the council refuses.
    await expect(f.council.connect(f.holders[4]).veto(standard.id))
      .to.be.revertedWithCustomError(f.council, "HedgeCouncilVetoNotCritical")
      .withArgs(standard.id, Tier.Standard);

    // Both reach their thresholds and are queued: the veto window opens for the Critical one only, for the one seat
    // that neither approved nor vetoed it.
    for (const h of f.holders.slice(1, 3)) await f.council.connect(h).approve(standard.id);
    for (const h of f.holders.slice(1, 4)) await f.council.connect(h).approve(critical.id);
    await f.council.queue(...standard.calls);
    await f.council.queue(...critical.calls);
    let seen = out.length;
    await w.poll();
    const windows = out.slice(seen).filter((x) => x.kind === "veto-window");
    expect(windows.map((x) => [x.proposalId, x.seat])).to.deep.equal([[critical.id, f.holders[4].address]]);
    expect(windows[0].severity).to.equal("warning");
    expect(windows[0].message).to.include(`to stop it, veto it: 0 of 2 vetoes so far (hedge:veto --id ${critical.id})`);
    expect(windows[0].message).to.match(/; described by its proposer as "loosen: coverage 20 %"$/);
    expect(windows[0].message).to.include(
      "; it does: call 0: HedgePolicy.setPolicy(next, expectedVersion 1): coverageBps",
    );
    await expectVetoAsksHold(f, out.slice(seen));

    // Told once while it holds; the seat's veto ends it, and nothing asks for a veto it already cast.
    await hre.network.provider.send("evm_mine", []);
    seen = out.length;
    await w.poll();
    expect(vetoAsks(out.slice(seen))).to.deep.equal([]);
    await f.council.connect(f.holders[4]).veto(critical.id);
    seen = out.length;
    await w.poll();
    expect(out.slice(seen)).to.deep.equal([]);
    expect(w.checkpoint.told.filter((k) => k.startsWith("veto-window:"))).to.deep.equal([]);

    // At the eta both are executable; no seat is asked to veto the Standard one at any point.
    await time.increase(3 * 86_400);
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    seen = out.length;
    await w.poll();
    expect(
      out
        .slice(seen)
        .filter((x) => x.kind === "executable")
        .map((x) => x.proposalId),
    ).to.have.members([standard.id, critical.id]);
    expect(vetoAsks(out).filter((x) => x.proposalId === standard.id)).to.deep.equal([]);
  });

  it("ends every proposal notice with its description, made safe, after the watcher's own words", async function () {
    const f = await loadFixture(fixture);
    // Hostile text: a right-to-left override, a terminal escape that erases the line, and a second line worded as a
    // watcher notice.
    const hostile =
      "raise the coverage \u202e%03 ot\u202c\u001b[2K\r\nexecutable: anyone can queue it now (hedge:queue --id 0x00)";
    const a = await propose(f, 3_000, hostile);
    const long = await propose(f, 3_100, "x".repeat(5_000));
    const empty = await propose(f, 3_200, "");
    const { w, out } = watcher(f, { seat: f.holders[1].address });
    await w.start();
    const of = (id: string) => out.find((x) => x.kind === "awaiting-signature" && x.proposalId === id)!;

    const safeFirstLine = "raise the coverage \\u{202e}%03 ot\\u{202c}\\u{1b}[2K";
    expect(of(a.id).message).to.match(/awaits this seat's approval: 1 of 3 so far/);
    expect(of(a.id).message.endsWith(`; described by its proposer as "${safeFirstLine}"`)).to.equal(true);
    expect(of(a.id).details?.description).to.equal(
      `${safeFirstLine}\nexecutable: anyone can queue it now (hedge:queue --id 0x00)`,
    );
    // The printed line: one line, no control or bidirectional character, the second line of the text nowhere.
    for (const x of out) {
      const line = humanLine(x);
      // eslint-disable-next-line no-control-regex
      expect(line, line).to.not.match(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(line).to.not.include("anyone can queue it now");
    }
    // A long description: the title is cut on the line, the details carry at most DESCRIPTION_DETAILS_MAX characters.
    expect(of(long.id).message.endsWith(`; described by its proposer as "${"x".repeat(79)}…"`)).to.equal(true);
    expect([...String(of(long.id).details?.description)]).to.have.length(DESCRIPTION_DETAILS_MAX);
    expect(of(empty.id).message.endsWith("; no description")).to.equal(true);
    expect(of(empty.id).details?.description).to.equal("");

    // The same at every step: executable, then (Standard, so never a veto) vetoed never; expired.
    for (const h of f.holders.slice(1, 3)) await f.council.connect(h).approve(a.id);
    await w.poll();
    const executable = out.find((x) => x.kind === "executable" && x.proposalId === a.id)!;
    expect(executable.message.endsWith(`; described by its proposer as "${safeFirstLine}"`)).to.equal(true);
    await time.increase(8 * 86_400);
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await w.poll();
    const expired = out.filter((x) => x.kind === "expired").map((x) => x.message);
    expect(expired).to.have.length(3);
    expect(expired.some((m) => m.endsWith(`; described by its proposer as "${safeFirstLine}"`))).to.equal(true);
  });

  it("takes a revocation made before its proposal exists in its stride: no notice, no finding", async function () {
    const f = await loadFixture(fixture);
    const { w, out } = watcher(f);
    await w.start();
    const told = out.length;
    const p = await setPolicyCalls(f, 3_000, "raise the coverage, revoked early");
    // Seat 3 revokes the id before anyone proposes it; another id is revoked and never proposed.
    await expect(f.council.connect(f.holders[2]).revoke(p.id))
      .to.emit(f.council, "Revoked")
      .withArgs(p.id, f.holders[2].address);
    const never = (await setPolicyCalls(f, 3_300, "never proposed")).id;
    await f.council.connect(f.holders[3]).revoke(never);
    await w.poll();
    expect(out.slice(told)).to.deep.equal([]);

    // Then it is proposed: the seats are told as for any proposal; the revoker's on-chain approval still counts.
    await f.council.connect(f.holders[0]).propose(...p.propose);
    await w.poll();
    const awaiting = out.slice(told).filter((x) => x.kind === "awaiting-signature" && x.proposalId === p.id);
    expect(awaiting.map((x) => x.seat)).to.have.members(f.holders.slice(1).map((h) => h.address));
    expect(awaiting.every((x) => x.details?.approvals === 1)).to.equal(true);
    await f.council.connect(f.holders[2]).approve(p.id);
    expect(await f.council.approvalCount(p.id)).to.equal(2n);
    await w.poll();
    expect(out.slice(told).filter((x) => x.kind === "finding")).to.deep.equal([]);

    // A watcher started afterwards replays those Revoked events from its start-up audit: nothing to tell either.
    const later = watcher(f);
    await later.w.start();
    expect(later.out.filter((x) => x.kind === "finding")).to.deep.equal([]);
    expect(later.out.filter((x) => x.proposalId === never)).to.deep.equal([]);
    expect(later.out.filter((x) => x.kind === "awaiting-signature" && x.proposalId === p.id)).to.have.length(3);
  });

  it("takes a nudge back toward the baseline within the cooldown as normal: no finding", async function () {
    const f = await loadFixture(fixture);
    const { w, out } = watcher(f);
    await w.start();
    const told = out.length;
    // Coverage 25 % → 24 % (the loose side of its baseline), then straight back to 25 % within the cooldown.
    await nudge(f, 2_400, "nudge down", f.holders.slice(0, 2));
    const cooldownStart = await f.policy.lastNudgeAt(5);
    await w.poll();
    await nudge(f, 2_500, "back to the baseline", f.holders.slice(2, 4));
    expect((await f.policy.policy()).coverageBps).to.equal(2_500n);
    expect(await f.policy.lastNudgeAt(5), "a return does not restart the cooldown").to.equal(cooldownStart);
    await w.poll();
    // Both ran in their submit: nothing open, nothing to tell, and the audit's replay agrees with the chain.
    expect(out.slice(told)).to.deep.equal([]);
    expect(w.checkpoint.told.filter((k) => !k.startsWith("oracle"))).to.deep.equal([]);
  });
});
