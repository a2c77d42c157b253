// One proposal, one description everywhere: the command line's printer (scripts/lib/view.ts `proposalLines`, what
// hedge:propose, sign, approve, veto, status --id and simulate print), the console's model (app/src/proposal-model.ts
// `proposalModelOf`, what the proposal page renders) and the audit's report (scripts/lib/audit, its proposals' calls)
// describe every kind of proposal with the same rows and the same effect words. Finding 4 of issue 24 was two
// decoders that disagreed: an added layer had an empty effect on the command line and in the console, "loosens" in
// the audit and in docs/RULES.md. Besides agreeing, the words must be true: each kind's effects are checked against
// the loosening rule.
import { expect } from "chai";
import hre from "hardhat";

import { proposalModelOf } from "../../app/src/proposal-model";
import { runAudit } from "../../scripts/lib/audit";
import {
  GOVERNED_ABI,
  TIER_NAMES,
  TIMELOCK_ROLES,
  Tier,
  changeRows,
  descriptionHash,
  encode,
  proposalId,
  type ChangeRow,
} from "../../scripts/lib/council";
import { Instrument, defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";
import { proposalLines, viewProposal, type ProposalView, type Rpc } from "../../scripts/lib/view";
import { useDeployedSystem } from "../tasks/helpers";

interface Kind {
  name: string;
  calls: (c: Addresses) => { target: string; data: string }[];
  tier: Tier;
  /** The effect words each call's rows must carry, by field (only the fields listed are checked). */
  effects?: Record<string, string>[];
}

interface Addresses {
  policy: string;
  seats: string;
  council: string;
  timelock: string;
  oracle: string;
  accounts: string[];
}

/** The default policy (what hedge:deploy sets) edited. */
function edited(edit: (p: PolicyValues) => void): PolicyValues {
  const p = defaultPolicy();
  edit(p);
  return p;
}

const setPolicy = (c: Addresses, p: PolicyValues, version = 1) => ({
  target: c.policy,
  data: encode.setPolicy(p, version),
});

const KINDS: Kind[] = [
  {
    name: "setPolicy: tighten the coverage",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.coverageBps = 3_000)),
      ),
    ],
    tier: Tier.Standard,
    effects: [{ coverageBps: "tightens" }],
  },
  {
    name: "setPolicy: loosen the coverage",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.coverageBps = 2_000)),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ coverageBps: "loosens" }],
  },
  {
    name: "setPolicy: add a layer",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => {
          p.layers[2].allocationBps = 1_000;
          p.layers.push({ allocationBps: 1_000, tenorDays: 365, triggerVix: 4_500, instrument: Instrument.SpxPuts });
        }),
      ),
    ],
    tier: Tier.Critical,
    effects: [
      {
        "layers.length": "loosens",
        "layers.3.allocationBps": "loosens",
        "layers.3.instrument": "loosens",
        "layers.2.allocationBps": "",
      },
    ],
  },
  {
    name: "setPolicy: remove a layer",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => {
          p.layers[0].allocationBps = 6_000;
          p.layers.pop();
        }),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ "layers.length": "loosens", "layers.2.triggerVix": "loosens", "layers.2.instrument": "loosens" }],
  },
  {
    name: "setPolicy: change an instrument",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.layers[0].instrument = Instrument.SpxPuts)),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ "layers.0.instrument": "loosens" }],
  },
  {
    name: "setPolicy: a longer oracle age",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.maxOracleAge = 7_200)),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ maxOracleAge: "loosens" }],
  },
  {
    name: "setPolicy: a shorter condor expiry",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.targetDte = 5)),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ targetDte: "loosens" }],
  },
  {
    name: "setPolicy: allocations moved (the curve alone judges them)",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => ((p.layers[0].allocationBps = 3_000), (p.layers[1].allocationBps = 5_000))),
      ),
    ],
    tier: Tier.Critical,
    effects: [{ "layers.0.allocationBps": "", "layers.1.allocationBps": "" }],
  },
  {
    name: "setPolicy: several fields tightened",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => {
          p.coverageBps = 3_000;
          p.layers[1].triggerVix = 2_600;
          p.layers[2].tenorDays = 240;
          p.hysteresisVix = 300;
        }),
      ),
    ],
    tier: Tier.Standard,
    effects: [
      {
        coverageBps: "tightens",
        "layers.1.triggerVix": "tightens",
        "layers.2.tenorDays": "tightens",
        hysteresisVix: "tightens",
      },
    ],
  },
  {
    name: "setPolicy: for another version",
    calls: (c) => [
      setPolicy(
        c,
        edited((p) => (p.coverageBps = 3_000)),
        7,
      ),
    ],
    tier: Tier.Critical,
    effects: [{ coverageBps: "tightens" }],
  },
  {
    name: "nudge: the coverage up",
    calls: (c) => [{ target: c.policy, data: encode.nudgeCoverage(2_600) }],
    tier: Tier.Fast,
    effects: [{ coverageBps: "tightens" }],
  },
  {
    name: "nudges: a trigger up and the coverage down, in one batch",
    calls: (c) => [
      { target: c.policy, data: encode.nudgeTrigger(0, 2_100) },
      { target: c.policy, data: encode.nudgeCoverage(2_400) },
    ],
    tier: Tier.Fast,
    effects: [{ "layers.0.triggerVix": "loosens" }, { coverageBps: "loosens" }],
  },
  {
    name: "seats: a new seat",
    calls: (c) => [{ target: c.seats, data: encode.mint(c.accounts[7]) }],
    tier: Tier.Critical,
  },
  { name: "seats: a seat burned", calls: (c) => [{ target: c.seats, data: encode.burn(5) }], tier: Tier.Critical },
  {
    name: "seats: a rotation",
    calls: (c) => [
      { target: c.seats, data: encode.mint(c.accounts[8]) },
      { target: c.seats, data: encode.burn(4) },
    ],
    tier: Tier.Critical,
  },
  {
    name: "settings: a tier rule",
    calls: (c) => [{ target: c.council, data: encode.setTierRule(Tier.Standard, 2, 2 * 86_400) }],
    tier: Tier.Critical,
  },
  {
    name: "settings: the veto threshold",
    calls: (c) => [{ target: c.council, data: encode.setVetoThreshold(3) }],
    tier: Tier.Critical,
  },
  {
    name: "settings: the expiry",
    calls: (c) => [{ target: c.council, data: encode.setExpiry(10 * 86_400, 14 * 86_400) }],
    tier: Tier.Critical,
  },
  {
    name: "settings: the nudge limits",
    calls: (c) => [{ target: c.policy, data: encode.setNudgeLimits(500, 2 * 86_400) }],
    tier: Tier.Critical,
  },
  {
    name: "oracle: a new feed",
    calls: (c) => [{ target: c.policy, data: encode.setOracle(c.oracle) }],
    tier: Tier.Critical,
  },
  {
    name: "steward: a new steward",
    calls: (c) => [{ target: c.policy, data: encode.setSteward(c.accounts[9]) }],
    tier: Tier.Critical,
  },
  {
    name: "timelock: its minimum delay",
    calls: (c) => [{ target: c.timelock, data: encode.updateDelay(2 * 86_400) }],
    tier: Tier.Critical,
  },
  {
    name: "timelock: a role granted",
    calls: (c) => [
      {
        target: c.timelock,
        data: GOVERNED_ABI.timelock.encodeFunctionData("grantRole", [TIMELOCK_ROLES.PROPOSER_ROLE, c.accounts[9]]),
      },
    ],
    tier: Tier.Critical,
  },
  {
    name: "an unknown call to an outside address",
    calls: (c) => [{ target: c.accounts[10], data: "0x12345678" }],
    tier: Tier.Critical,
  },
];

/** The rows of call `index`'s table in the command line's lines (none: the call changes no policy field). */
function printedRows(lines: string[], index: number): { headline: string; rows: ChangeRow[] | null } {
  const at = lines.findIndex((l) => l.startsWith(`  call ${index}: `));
  expect(at, `call ${index} is printed`).to.be.greaterThan(-1);
  const headline = lines[at].slice(`  call ${index}: `.length);
  const table: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i].startsWith("      "); i++) table.push(lines[i]);
  if (table.length === 0) return { headline, rows: null };
  if (table[0].trim() === "(no change)") return { headline, rows: [] };
  expect(table[0].trim().split(/ {2,}/)).to.deep.equal(["field", "before", "after", "effect"]);
  const rows = table.slice(2).map((line) => {
    const [field, before, after, effect = ""] = line.trim().split(/ {2,}/);
    return { field, before, after, effect } as ChangeRow;
  });
  return { headline, rows };
}

describe("one description of every kind of proposal: the command line, the console model and the audit agree", function () {
  const fixture = useDeployedSystem();

  it("the same rows, the same effect words, the same tier, for every kind (an added and a removed layer included)", async () => {
    const signers = await hre.ethers.getSigners();
    const c = fixture.deployment.contracts;
    const addresses: Addresses = {
      policy: c.policy.address,
      seats: c.seats.address,
      council: c.council.address,
      timelock: c.timelock.address,
      oracle: c.oracle.address,
      accounts: signers.map((s) => s.address),
    };
    const council = (await fixture.council()).connect(signers[1]);
    // Every proposal created against the same state (policy version 1, nothing executed), so that the audit (which
    // judges a proposal at its creation) and the view (which judges a pending one now) judge the same state.
    const proposals: { kind: Kind; id: string; input: Parameters<typeof viewProposal>[1] }[] = [];
    for (const [i, kind] of KINDS.entries()) {
      const calls = kind.calls(addresses);
      const description = `consistency ${i}: ${kind.name}`;
      const targets = calls.map((x) => x.target);
      const calldatas = calls.map((x) => x.data);
      const values = calls.map(() => 0n);
      await (await council.propose(targets, values, calldatas, description)).wait();
      const id = proposalId(targets, values, calldatas, descriptionHash(description));
      proposals.push({ kind, id, input: { id, targets, values, calldatas, description } });
    }
    const source = { rpc: hre.network.provider as Rpc, deployment: fixture.deployment };
    const report = await runAudit({ ...source, network: "hardhat" });
    expect(report.findings, "a clean history").to.deep.equal([]);

    for (const { kind, id, input } of proposals) {
      const view: ProposalView = await viewProposal(source, input, { timeline: false });
      const printed = proposalLines(view);
      const model = proposalModelOf(view);
      const audited = report.proposals.find((p) => p.id.toLowerCase() === id)!;
      expect(audited, kind.name).to.not.equal(undefined);

      // The tier: the council's record, the rule's judgement, the audit's re-derivation, the console's and the
      // printed words.
      expect(view.tier, kind.name).to.equal(kind.tier);
      expect(view.derivedTier, kind.name).to.equal(kind.tier);
      expect(audited.derivedTier, kind.name).to.equal(TIER_NAMES[kind.tier]);
      expect(model.tierName, kind.name).to.equal(TIER_NAMES[kind.tier]);
      expect(
        printed.filter((l) => l.startsWith("Tier: ")),
        kind.name,
      ).to.deep.equal([`Tier: ${model.tierText}`]);
      expect(
        printed.filter((l) => l.startsWith("  why: ")),
        kind.name,
      ).to.deep.equal(model.why.map((w) => `  why: ${w}`));
      expect(model.why.length, `${kind.name}: why is never empty`).to.be.greaterThan(0);

      expect(view.decoded.length).to.equal(input.targets.length);
      for (const call of view.decoded) {
        const what = `${kind.name}, call ${call.index}`;
        const cli = printedRows(printed, call.index);
        const consoleCall = model.calls[call.index];
        const auditCall = audited.calls[call.index];
        // One headline: printed, in the console, and the audit's summary (which adds the changes in words).
        expect(cli.headline, what).to.equal(call.headline);
        expect(consoleCall.headline, what).to.equal(call.headline);
        expect(auditCall.summary.startsWith(call.headline), `${what}: ${auditCall.summary}`).to.equal(true);
        // One set of rows: a policy call has a table everywhere, any other call has none anywhere.
        const auditRows = auditCall.changes ? changeRows(auditCall.changes) : null;
        expect(cli.rows, what).to.deep.equal(consoleCall.changesPolicy ? consoleCall.rows : null);
        expect(auditRows, what).to.deep.equal(cli.rows);
        // The effect words are the rule's.
        const expected = kind.effects?.[call.index];
        if (expected) {
          for (const [field, effect] of Object.entries(expected)) {
            const row = cli.rows?.find((r) => r.field === field);
            expect(row, `${what}: a row for ${field}`).to.not.equal(undefined);
            expect(row!.effect, `${what}: ${field}`).to.equal(effect);
          }
        } else {
          expect(cli.rows, `${what}: changes no policy field`).to.equal(null);
        }
      }
    }
    // Every kind went through: the list covers the policy's fields' classes, nudges, seats, settings, the oracle,
    // the steward, the timelock.
    expect(proposals.map((p) => p.kind.tier)).to.include.members([Tier.Fast, Tier.Standard, Tier.Critical]);
  });
});
