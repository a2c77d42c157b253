// The watcher's engine in-process (scripts/lib/watch/watcher, on the in-process network, polled by hand): which
// notices a block gives, --seat narrowing, conditions told once while they hold and again when they come back, the
// passage of time (expiring, executable at the eta, expired), a veto, a stale oracle, and a restart from the
// checkpoint that tells nothing twice.
import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";
import hre from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakId } from "ethers";

import { deploySystem, vixToAnswer } from "../../scripts/lib/deploy";
import { recordDeployment } from "../../scripts/lib/deployments";
import { defaultPolicy } from "../../scripts/lib/policy";
import type { Notice } from "../../scripts/lib/watch/notices";
import { RetryingRpc } from "../../scripts/lib/watch/rpc";
import { Watcher } from "../../scripts/lib/watch/watcher";
import { tempDir } from "../tasks/helpers";

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

  /** A watcher on the in-process chain, with a checkpoint of its own (or `checkpoint`), its notices collected. */
  function watcher(f: Fixture, o: { seat?: string; checkpoint?: string } = {}) {
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
      signal: controller.signal,
      out: (line) => out.push(JSON.parse(line) as Notice),
      status: () => undefined,
    });
    return { w, out };
  }

  /** A Standard setPolicy proposal of seat 1 (one approval), returning its id and calls. */
  async function propose(f: Fixture, coverageBps: number, salt: string) {
    const next = defaultPolicy();
    next.coverageBps = coverageBps;
    const data = f.policy.interface.encodeFunctionData("setPolicy", [next, 1]);
    const targets = [await f.policy.getAddress()];
    const id = await f.council.hashProposal(targets, [0], [data], keccakId(salt));
    await f.council.connect(f.holders[0]).propose(targets, [0], [data], keccakId(salt));
    const calls: [string[], number[], string[], string] = [targets, [0], [data], keccakId(salt)];
    return { id, calls };
  }

  const kinds = (notices: Notice[]) => notices.map((x) => `${x.kind}${x.seat ? `:${x.seat.slice(0, 6)}` : ""}`);

  it("tells the seats a new proposal awaits them; --seat narrows it to one holder", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 3_000, "a");
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
    const { id } = await propose(f, 3_000, "b");
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
    const a = await propose(f, 3_000, "c");
    const b = await propose(f, 3_100, "d");
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
    await time.increase(86_400);
    await f.oracle.updateAnswer(vixToAnswer(1_600));
    await w.poll();
    expect(out.slice(6).map((x) => x.kind)).to.deep.equal(["expired"]);
  });

  it("restarted on its checkpoint, tells nothing twice and what happened since, once", async function () {
    const f = await loadFixture(fixture);
    const { id } = await propose(f, 3_000, "e");
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
    const second = watcher(f, { checkpoint });
    await second.w.start();
    await second.w.poll();
    expect(kinds(second.out)).to.deep.equal(["executable"]);
    const ids = [...first.out, ...second.out].map((x) => x.id);
    expect(new Set(ids).size).to.equal(told + 1);
    expect(JSON.parse(fs.readFileSync(checkpoint, "utf8")).unprinted).to.deep.equal([]);
  });
});
