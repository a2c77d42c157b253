// Findings grouped by cause. One edited storage word can disagree with the replay in many places (a layer count
// edited to 132 makes 132 phantom layers); a reader needs the cause first, then the few differences that show it.
// Every difference between the live state and the replay is filed under the storage it reads (the contract and the
// variable); each such storage gets one `storage-edited` finding that names it, followed by at most
// MAX_PER_CAUSE of its differences and, when there were more, one line that counts the rest.
import { FINDING_KINDS, type ContractName, type Finding } from "./types";

export const MAX_PER_CAUSE = 3;

interface Cause {
  key: string;
  contract: ContractName;
  what: string;
}

/** The storage a live-state finding's subject reads. */
function causeOf(subject: string): Cause | null {
  const [head, second] = subject.split(".");
  if (head === "policy") {
    if (["oracle", "steward", "nudgeLimits", "lastNudgeAt"].includes(second)) {
      return {
        key: "policy.settings",
        contract: "policy",
        what: "HedgePolicy's settings (oracle, steward, nudge limits and cooldowns)",
      };
    }
    if (second === "engagedLayers")
      return { key: "policy.engaged", contract: "policy", what: "HedgePolicy's engaged layers" };
    return {
      key: "policy.parameters",
      contract: "policy",
      what: "HedgePolicy's parameters (policy(), policyHash(), version(), baseline())",
    };
  }
  if (head === "seats")
    return { key: "seats", contract: "seats", what: "CouncilSeats' seats (owners, seatOf, live seats)" };
  if (head === "council") {
    if (second === "liveSeats" || second === "seatOf") {
      return {
        key: "council.seats",
        contract: "council",
        what: "the council's own copy of the seats (HedgeCouncil liveSeats() / seatOf())",
      };
    }
    if (second === "proposals") {
      const id = subject.split(".")[2] ?? "";
      return {
        key: `council.proposals.${id}`,
        contract: "council",
        what: `the council's record of proposal ${id.slice(0, 10)}… (HedgeCouncil state / proposalMarks() / hasRevoked())`,
      };
    }
    return {
      key: "council.settings",
      contract: "council",
      what: "the council's settings (tier rules, veto threshold, expiry)",
    };
  }
  if (head === "timelock" || head === "roles") {
    return { key: "timelock", contract: "timelock", what: "the timelock's state (minimum delay, operations, roles)" };
  }
  return null;
}

const GROUPED = new Set(["live-state-mismatch", "proposal-state-mismatch"]);

/** The live findings, each cause first with at most MAX_PER_CAUSE of its differences; other findings unchanged. */
export function groupByCause(findings: Finding[], addresses: Record<ContractName, string>): Finding[] {
  const groups = new Map<string, { cause: Cause; items: Finding[] }>();
  const rest: Finding[] = [];
  for (const f of findings) {
    const cause = GROUPED.has(f.kind) && f.subject ? causeOf(f.subject) : null;
    if (!cause) {
      rest.push(f);
      continue;
    }
    const group = groups.get(cause.key) ?? { cause, items: [] };
    group.items.push(f);
    groups.set(cause.key, group);
  }
  const out: Finding[] = [];
  for (const { cause, items } of groups.values()) {
    const subjects = [...new Set(items.map((f) => f.subject!))];
    const shown = subjects.slice(0, MAX_PER_CAUSE).join(", ");
    const more = subjects.length > MAX_PER_CAUSE ? ` and ${subjects.length - MAX_PER_CAUSE} more` : "";
    const proposalId = items.find((f) => f.proposalId)?.proposalId;
    out.push({
      kind: "storage-edited",
      check: FINDING_KINDS["storage-edited"],
      message: `${cause.what} at ${addresses[cause.contract]} differs from the replay in ${subjects.length} value${subjects.length === 1 ? "" : "s"} (${shown}${more}) that no event explains: its storage was edited outside governance (e.g. hardhat_setStorageAt) or the contract broke its rules`,
      subject: `storage.${cause.key}`,
      ...(proposalId ? { proposalId } : {}),
    });
    out.push(...items.slice(0, MAX_PER_CAUSE));
    if (items.length > MAX_PER_CAUSE) {
      out.push({
        kind: items[0].kind,
        check: items[0].check,
        message: `… and ${items.length - MAX_PER_CAUSE} more differences in ${cause.what}: ${subjects.slice(MAX_PER_CAUSE, MAX_PER_CAUSE + 5).join(", ")}${subjects.length > MAX_PER_CAUSE + 5 ? ", …" : ""}`,
        subject: `storage.${cause.key}`,
      });
    }
  }
  return [...out, ...rest];
}
