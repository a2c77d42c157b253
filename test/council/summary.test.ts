// A proposal's change in one line (scripts/lib/council/summary.ts), the words of every list of proposals
// (hedge:status, the console's Proposals page): the fields each call moves as the one diff names them, the decoder's
// headline for other calls, and the loosening rule's verdict last. Pure: the calls are decoded and judged against a
// policy given here, as the proposal view does against the chain's.
import { expect } from "chai";

import {
  callTiers,
  changeSummary,
  decodeCalls,
  encode,
  summaryVerdict,
  type AddressBook,
} from "../../scripts/lib/council";
import { defaultPolicy, type PolicyValues } from "../../scripts/lib/policy";

const BOOK: AddressBook = {
  policy: "0x00000000000000000000000000000000000000A1",
  seats: "0x00000000000000000000000000000000000000A2",
  council: "0x00000000000000000000000000000000000000A3",
  timelock: "0x00000000000000000000000000000000000000A4",
  oracle: "0x00000000000000000000000000000000000000A5",
};
const HOLDER = "0x00000000000000000000000000000000000000B1";

/** The summary of `calls` against the default policy at version 1, as the view would make it. */
function summary(calls: { target: string; data: string }[], current: PolicyValues = defaultPolicy()): string {
  const c = { targets: calls.map((x) => x.target), values: calls.map(() => 0n), calldatas: calls.map((x) => x.data) };
  const baseline = { coverageBps: current.coverageBps, triggers: current.layers.map((l) => l.triggerVix) };
  const decoded = decodeCalls(BOOK, c, current);
  return changeSummary(decoded, callTiers({ policy: BOOK.policy, version: 1, params: current, baseline }, c));
}
const setPolicy = (edit: (p: PolicyValues) => void) => {
  const next = defaultPolicy();
  edit(next);
  return { target: BOOK.policy, data: encode.setPolicy(next, 1) };
};

describe("council: a change in one line (changeSummary)", () => {
  it("names the fields a policy change moves, then says it tightens", () => {
    expect(
      summary([
        setPolicy((p) => {
          p.coverageBps = 3_000;
          p.layers[1].triggerVix = 2_600;
        }),
      ]),
    ).to.equal("layers.1.triggerVix VIX 28.00 → VIX 26.00, coverageBps 25.00 % → 30.00 %, tightens");
  });

  it("says a loosening change loosens, by the tier rule's judgement", () => {
    expect(summary([setPolicy((p) => (p.coverageBps = 2_000))])).to.equal("coverageBps 25.00 % → 20.00 %, loosens");
    // A wider wing tightens nothing of the curve, and still loosens (one-direction field).
    expect(summary([setPolicy((p) => (p.wingWidthPts = 60))])).to.equal("wingWidthPts 50 pts → 60 pts, loosens");
    // A tighter coverage with a later trigger: the curve drops between 20 and 22, so the whole change loosens.
    expect(
      summary([
        setPolicy((p) => {
          p.coverageBps = 3_000;
          p.layers[0].triggerVix = 2_200;
        }),
      ]),
    ).to.equal("layers.0.triggerVix VIX 20.00 → VIX 22.00, coverageBps 25.00 % → 30.00 %, loosens");
  });

  it("says 'does not loosen' of allocations moved along the curve, which have no effect of their own", () => {
    expect(
      summary([
        setPolicy((p) => {
          p.layers[0].allocationBps = 5_000;
          p.layers[1].allocationBps = 3_000;
        }),
      ]),
    ).to.equal("layers.0.allocationBps 40.00 % → 50.00 %, layers.1.allocationBps 40.00 % → 30.00 %, does not loosen");
  });

  it("judges nudges by the field they move", () => {
    expect(summary([{ target: BOOK.policy, data: encode.nudgeCoverage(2_600) }])).to.equal(
      "coverageBps 25.00 % → 26.00 %, tightens",
    );
    expect(summary([{ target: BOOK.policy, data: encode.nudgeTrigger(0, 2_100) }])).to.equal(
      "layers.0.triggerVix VIX 20.00 → VIX 21.00, loosens",
    );
  });

  it("names at most four fields of a call and counts the others", () => {
    const text = summary([
      setPolicy((p) => {
        p.coverageBps = 3_000;
        p.scaleStepBps = 3_000;
        p.shortDeltaMinBps = 1_400;
        p.shortDeltaMaxBps = 2_400;
        p.wingWidthPts = 40;
        p.hysteresisVix = 300;
      }),
    ]);
    expect(text).to.equal(
      "coverageBps 25.00 % → 30.00 %, scaleStepBps 25.00 % → 30.00 %, shortDeltaMinBps delta 0.15 → delta 0.14, shortDeltaMaxBps delta 0.25 → delta 0.24 and 2 more fields, tightens",
    );
  });

  it("gives the decoder's headline for calls that move no policy field, with no verdict", () => {
    expect(summary([{ target: BOOK.seats, data: encode.mint(HOLDER) }])).to.equal(
      `CouncilSeats.mint: a new seat for ${HOLDER}`,
    );
    expect(
      summary([
        { target: BOOK.seats, data: encode.mint(HOLDER) },
        { target: BOOK.seats, data: encode.burn(2) },
      ]),
    ).to.equal(`CouncilSeats.mint: a new seat for ${HOLDER}; CouncilSeats.burn: seat 2`);
    expect(summary([{ target: HOLDER, data: "0x12345678" }])).to.equal(
      `unknown call to ${HOLDER}: selector 0x12345678`,
    );
  });

  it("says so of a setPolicy that changes nothing, and of no calls at all", () => {
    expect(summary([setPolicy(() => undefined)])).to.equal(
      "HedgePolicy.setPolicy(next, expectedVersion 1): no field changes, does not loosen",
    );
    expect(changeSummary([])).to.equal("no calls");
    expect(summaryVerdict([])).to.equal("");
  });
});
