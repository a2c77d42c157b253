// The units a person reads and writes, against the chain's integers: durations cut to two units (the one formatter
// of the command line, the watcher and the console), decimals read exactly (no float on the way), and each policy
// field in human units as the console's editor reads and writes it, with the command line's hints for `--set`.
// Round trips are exhaustive over every value a field may hold.
import { expect } from "chai";

import {
  fmtDecimal,
  fmtDelta,
  fmtDuration,
  fmtDurationExact,
  fmtRelative,
  parseDecimal,
  parseDurationText,
} from "../scripts/lib/format";
import {
  LAYERS_PROBLEM,
  draftOf,
  humanRange,
  humanText,
  rawUnitsHint,
  readDraft,
  readHuman,
} from "../scripts/lib/policy-edit";
import { FIELD_BOUNDS, defaultPolicy, type PolicyFieldName } from "../scripts/lib/policy";

const DAY = 86_400;

/** Every field edited as text, by a path of its own. */
const PATHS: [string, PolicyFieldName][] = [
  ["coverageBps", "coverageBps"],
  ["scaleStepBps", "scaleStepBps"],
  ["shortDeltaMinBps", "shortDeltaMinBps"],
  ["shortDeltaMaxBps", "shortDeltaMaxBps"],
  ["wingWidthPts", "wingWidthPts"],
  ["targetDte", "targetDte"],
  ["hysteresisVix", "hysteresisVix"],
  ["maxOracleAge", "maxOracleAge"],
  ["layers.0.allocationBps", "allocationBps"],
  ["layers.2.tenorDays", "tenorDays"],
  ["layers.1.triggerVix", "triggerVix"],
];

describe("units: durations, decimals and the policy's fields in human units", () => {
  describe("fmtDuration: two units at most, cut", () => {
    const cases: [number, string][] = [
      [0, "0 s"],
      [1, "1 s"],
      [45, "45 s"],
      [59, "59 s"],
      [60, "1 min"],
      [61, "1 min 1 s"],
      [3_599, "59 min 59 s"],
      [3_600, "1 h"],
      [3_605, "1 h"],
      [19_800, "5 h 30 min"],
      [DAY - 1, "23 h 59 min"],
      [DAY, "1 d"],
      [DAY + 25, "1 d"],
      [90_061, "1 d 1 h"],
      [2 * DAY + 23 * 3_600 + 59 * 60 + 6, "2 d 23 h"],
      [365 * DAY, "365 d"],
    ];
    for (const [seconds, text] of cases) {
      it(`${seconds} s → "${text}"`, () => expect(fmtDuration(seconds)).to.equal(text));
    }

    it("never writes more than two units, and never more time than there is", () => {
      const wrong: string[] = [];
      for (let s = 0; s < 3 * DAY; s += 7) {
        const text = fmtDuration(s);
        if (text.split(" ").length > 4 || parseDurationText(text)! > s) wrong.push(`${s} → ${text}`);
      }
      expect(wrong).to.deep.equal([]);
    });

    it("counts down and back in the same form (fmtRelative)", () => {
      const now = 1_800_000_000;
      expect(fmtRelative(now + 259_146, now)).to.equal("in 2 d 23 h");
      expect(fmtRelative(now - 19_800, now)).to.equal("5 h 30 min ago");
      expect(fmtRelative(now - 45, now)).to.equal("45 s ago");
      expect(fmtRelative(now, now)).to.equal("now");
    });

    it("fmtDurationExact: the same words when two units say it all, else the seconds beside them", () => {
      expect(fmtDurationExact(3 * DAY)).to.equal("3 d");
      expect(fmtDurationExact(5_400)).to.equal("1 h 30 min");
      expect(fmtDurationExact(259_146)).to.equal("259,146 s (over 2 d 23 h)");
      expect(fmtDurationExact(DAY - 1)).to.equal("86,399 s (over 23 h 59 min)");
    });

    it("parseDurationText reads what fmtDuration writes, units or bare seconds, and nothing else", () => {
      for (let s = 0; s <= 2 * DAY; s += 13) {
        if (fmtDurationExact(s) === fmtDuration(s)) expect(parseDurationText(fmtDuration(s))).to.equal(s);
      }
      expect(parseDurationText("90min")).to.equal(5_400);
      expect(parseDurationText("1h 30m")).to.equal(5_400);
      expect(parseDurationText("3600")).to.equal(3_600);
      for (const bad of ["", "h", "1.5 h", "1 hour", "-1 h", "1e3", "99999999999999999999 d"]) {
        expect(parseDurationText(bad), bad).to.equal(undefined);
      }
    });
  });

  describe("decimals, exactly", () => {
    it("round-trips every basis point and every VIX hundredth of the bounds through two decimals", () => {
      const wrong: string[] = [];
      for (let n = 0; n <= 10_000; n++) {
        const text = fmtDecimal(n, 2);
        const read = parseDecimal(text, 2);
        if (!/^\d+\.\d\d$/.test(text) || !("value" in read) || read.value !== BigInt(n)) wrong.push(`${n} → ${text}`);
      }
      expect(wrong).to.deep.equal([]);
    });

    it("reads what floats get wrong: 0.29 % is 29 bps, 1.15 is 115, 4.35 is 435", () => {
      expect(Math.floor(0.29 * 100)).to.equal(28); // the drift parsing by float would bring
      expect(parseDecimal("0.29", 2)).to.deep.equal({ value: 29n });
      expect(parseDecimal("1.15", 2)).to.deep.equal({ value: 115n });
      expect(parseDecimal("4.35", 2)).to.deep.equal({ value: 435n });
      expect(parseDecimal("25", 2)).to.deep.equal({ value: 2_500n });
      expect(parseDecimal("1_000", 0)).to.deep.equal({ value: 1_000n });
    });

    it("refuses more decimals than the unit has, empty text and anything but a plain decimal", () => {
      expect(parseDecimal("25.505", 2)).to.deep.equal({ problem: "too many decimals" });
      expect(parseDecimal("0.12345", 4)).to.deep.equal({ problem: "too many decimals" });
      expect(parseDecimal("26.0", 0)).to.deep.equal({ problem: "too many decimals" });
      for (const empty of ["", "  "]) expect(parseDecimal(empty, 2)).to.deep.equal({ problem: "empty" });
      for (const bad of ["abc", "1e3", "+1", ".5", "5.", "1,000", "25 %", "0x10", "١٢"]) {
        expect(parseDecimal(bad, 2), bad).to.deep.equal({ problem: "not a number" });
      }
    });

    it("writes deltas with every digit they have (0.155 is not 0.16)", () => {
      expect(fmtDelta(1_500)).to.equal("0.15");
      expect(fmtDelta(1_550)).to.equal("0.155");
      expect(fmtDelta(1_555)).to.equal("0.1555");
      expect(fmtDecimal(-5, 2)).to.equal("-0.05");
    });
  });

  describe("each policy field in human units (the console's editor)", () => {
    it("round-trips every value each field may hold, and refuses one step outside", () => {
      for (const [path, name] of PATHS) {
        const { min, max } = FIELD_BOUNDS[name];
        for (let v = min; v <= max; v++) {
          const text = humanText(path, v);
          const read = readHuman(path, text);
          if (!("value" in read) || read.value !== v) expect.fail(`${path} ${v} → "${text}" → ${JSON.stringify(read)}`);
        }
        expect(readHuman(path, humanText(path, max + 1)), `${path} above`).to.deep.equal({
          error: `Out of range: ${humanRange(path)}`,
        });
        if (min > 0) {
          expect(readHuman(path, humanText(path, min - 1)), `${path} below`).to.deep.equal({
            error: `Out of range: ${humanRange(path)}`,
          });
        }
      }
    });

    it("reads a person's units: 30 % is 3,000 bps, VIX 26 is 2,600, delta 0.155 is 1,550, 1 h 30 min is 5,400 s", () => {
      expect(readHuman("coverageBps", "30")).to.deep.equal({ value: 3_000 });
      expect(readHuman("coverageBps", "30.5")).to.deep.equal({ value: 3_050 });
      expect(readHuman("layers.1.triggerVix", "26")).to.deep.equal({ value: 2_600 });
      expect(readHuman("shortDeltaMinBps", "0.155")).to.deep.equal({ value: 1_550 });
      expect(readHuman("maxOracleAge", "1 h 30 min")).to.deep.equal({ value: 5_400 });
      expect(humanText("maxOracleAge", 3_661)).to.equal("3661 s");
    });

    it("says what is wrong in words that name the range; an empty field is required, never 0", () => {
      expect(readHuman("coverageBps", "")).to.deep.equal({ error: "Required: 5.00 % to 100.00 %" });
      expect(readHuman("coverageBps", "300")).to.deep.equal({ error: "Out of range: 5.00 % to 100.00 %" });
      expect(readHuman("coverageBps", "30.005")).to.deep.equal({
        error: "At most 2 decimals: the chain holds steps of 0.01 % (one basis point)",
      });
      expect(readHuman("coverageBps", "lots")).to.deep.equal({
        error: "Not a number: write a value from 5.00 % to 100.00 %",
      });
      expect(readHuman("layers.0.triggerVix", "5")).to.deep.equal({ error: "Out of range: VIX 10.00 to VIX 100.00" });
      expect(readHuman("targetDte", "7.5")).to.deep.equal({ error: "A whole number of days: 1 d to 365 d" });
      expect(readHuman("maxOracleAge", "2 d")).to.deep.equal({ error: "Out of range: 1 min to 1 d" });
      expect(readHuman("maxOracleAge", "soon")).to.deep.equal({
        error: "Not a duration: write it as 1 h, 30 min or 90 s (1 min to 1 d)",
      });
    });

    it("reads a draft back to the policy it was made from; a cleared field leaves it unbuilt", () => {
      const policy = defaultPolicy();
      expect(readDraft(draftOf(policy))).to.deep.equal({ next: policy, errors: {} });
      // The same to the byte, as the editor compares it with the policy in force.
      expect(JSON.stringify(readDraft(draftOf(policy)).next)).to.equal(JSON.stringify(policy));
      const draft = draftOf(policy);
      draft.top.coverageBps = "";
      expect(readDraft(draft)).to.deep.equal({
        next: null,
        errors: { coverageBps: "Required: 5.00 % to 100.00 %" },
      });
    });

    it("judges the rules between fields in human units, as soon as both fields read", () => {
      const draft = draftOf(defaultPolicy());
      draft.top.coverageBps = "";
      draft.layers[1].triggerVix = "19";
      draft.layers[2].tenorDays = "60";
      draft.layers[0].allocationBps = "50";
      draft.top.shortDeltaMinBps = "0.3";
      expect(readDraft(draft).errors).to.deep.equal({
        coverageBps: "Required: 5.00 % to 100.00 %",
        "layers.1.triggerVix": "Must be above layer 0's VIX 20.00: triggers rise layer by layer",
        "layers.2.tenorDays": "Must not be below layer 1's 90 d: tenors do not shorten layer by layer",
        [LAYERS_PROBLEM]: "The allocations sum to 110.00 %; they must sum to 100.00 %",
        shortDeltaMinBps: "Must not be above the short delta max, 0.25",
      });
    });
  });

  describe("--set in raw units: a value in human units gets the raw one to write", () => {
    it("a whole number that looks like VIX points or a percentage, refused by the contract anyway", () => {
      expect(rawUnitsHint("layers.1.triggerVix", "26")).to.equal(
        "26 looks like VIX 26.00: write 2600 (VIX levels are in hundredths)",
      );
      expect(rawUnitsHint("coverageBps", "30")).to.equal(
        "30 looks like 30.00 %: write 3000 (percentages are in basis points: 1 % = 100)",
      );
    });

    it("a decimal, or a duration with its unit", () => {
      expect(rawUnitsHint("layers.1.triggerVix", "26.00")).to.equal(
        "triggerVix takes whole VIX hundredths: write 2600 for VIX 26.00",
      );
      expect(rawUnitsHint("coverageBps", "30.5")).to.equal(
        "coverageBps takes whole basis points: write 3050 for 30.50 %",
      );
      expect(rawUnitsHint("shortDeltaMinBps", "0.15")).to.equal(
        "shortDeltaMinBps takes whole basis points of delta: write 1500 for delta 0.15",
      );
      expect(rawUnitsHint("maxOracleAge", "1h")).to.equal("maxOracleAge takes seconds: write 3600 for 1 h");
      // Read as VIX points, 2600.0 would be far out of bounds: no hint, it is just not a whole number.
      expect(rawUnitsHint("layers.1.triggerVix", "2600.0")).to.equal(undefined);
    });

    it("never hints at a value the contract accepts", () => {
      for (const [path, name] of PATHS) {
        const { min, max } = FIELD_BOUNDS[name];
        for (let v = min; v <= max; v++) {
          if (rawUnitsHint(path, String(v)) !== undefined) expect.fail(`${path}=${v} got a hint`);
        }
      }
    });
  });
});
