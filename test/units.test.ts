// The units a person reads and writes, against the chain's integers: durations cut to two units (the one formatter
// of the command line, the watcher and the console) and decimals read exactly (no float on the way).
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

const DAY = 86_400;

describe("units: durations and decimals", () => {
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
});
