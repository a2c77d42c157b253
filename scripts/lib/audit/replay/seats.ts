// The replay of CouncilSeats: who holds which seat, which seats are live, and whether each was minted by
// governance (a seat minted outside it never counts).
import { ZeroAddress } from "ethers";

import { checksum } from "../codec";
import type { AuditEvent } from "../fetch";
import type { ChangeSource, SeatReport } from "../types";
import { point, type Executing, type ReplayLog } from "./context";

interface SeatRecord {
  report: SeatReport;
  /** False for a seat minted outside governance: its approvals and vetoes never count. */
  legitimate: boolean;
}

export class SeatsReplay {
  seatOf = new Map<string, number>();
  private readonly seats = new Map<number, SeatRecord>();
  live = new Set<number>();
  mintedCount = 0;

  constructor(private readonly log: ReplayLog) {}

  /** Live, legitimately minted seats among `seats`. */
  counted(seats: Iterable<number>): number {
    let n = 0;
    for (const s of seats) if (this.live.has(s) && this.seats.get(s)?.legitimate) n++;
    return n;
  }

  /** Live seats among `seats` that were minted outside governance. */
  illegitimate(seats: Iterable<number>): number[] {
    return [...seats].filter((s) => this.live.has(s) && !this.seats.get(s)?.legitimate);
  }

  /** The live-seat bit map (bit seatId − 1), as a decimal string. */
  liveBits(): string {
    return bitsOf(this.live).toString();
  }

  holders(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const seat of [...this.live].sort((x, y) => x - y)) out[String(seat)] = this.seats.get(seat)!.report.holder;
    return out;
  }

  reports(): SeatReport[] {
    return [...this.seats.values()].map((s) => s.report).sort((a, b) => a.seat - b.seat);
  }

  /** A seat's Transfer: a mint, a burn, or (never allowed) a transfer. */
  onTransfer(ev: AuditEvent, source: ChangeSource, p: Executing | null): void {
    const log = this.log;
    const from = checksum(String(ev.args[0]));
    const to = checksum(String(ev.args[1]));
    const seat = Number(ev.args[2]);
    const at = point(ev);
    if (from === ZeroAddress) {
      const holder = log.note(to);
      log.explain(p, ev, `the mint of seat ${seat} to ${holder}`, (x) => x.kind === "mint" && x.holder === holder);
      if (this.seats.has(seat)) log.chainBroken(`seat ${seat} was minted again`, at, `seats.${seat}`);
      if (this.seatOf.has(holder))
        log.chainBroken(
          `${holder} was given seat ${seat} while holding seat ${this.seatOf.get(holder)}`,
          at,
          `seats.${seat}`,
        );
      this.seats.set(seat, { report: { seat, holder, minted: { ...at, source } }, legitimate: source.kind !== "none" });
      this.seatOf.set(holder, seat);
      this.live.add(seat);
      this.mintedCount = Math.max(this.mintedCount + 1, seat);
      return log.record("seatMinted", ev, source, `seat ${seat} minted to ${holder}`, null, { seat, holder });
    }
    if (to === ZeroAddress) {
      const holder = log.note(from);
      log.explain(p, ev, `the burn of seat ${seat}`, (x) => x.kind === "burn" && x.seat === seat);
      const record = this.seats.get(seat);
      if (!record || !this.live.has(seat))
        log.chainBroken(`seat ${seat} was burned but the replay has no such live seat`, at, `seats.${seat}`);
      if (record) record.report.burned = { ...at, source };
      this.live.delete(seat);
      if (this.seatOf.get(holder) === seat) this.seatOf.delete(holder);
      return log.record(
        "seatBurned",
        ev,
        source,
        `seat ${seat} of ${holder} burned`,
        { seat, holder },
        {
          seat,
          holder: ZeroAddress,
        },
      );
    }
    log.find("seat-transferred", `seat ${seat} moved from ${from} to ${to}: seats are soulbound`, {
      at,
      subject: `seats.${seat}`,
    });
    const record = this.seats.get(seat);
    if (record) record.report.holder = log.note(to);
    this.seatOf.delete(from);
    this.seatOf.set(to, seat);
  }
}

/** A set of seat ids as a bit map (bit seatId − 1). */
export function bitsOf(seats: Iterable<number>): bigint {
  let bits = 0n;
  for (const s of seats) if (s > 0) bits |= 1n << BigInt(s - 1);
  return bits;
}
