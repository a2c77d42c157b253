// The replay of the settings: the council's tier rules, veto threshold and expiry, the policy's oracle, steward
// and nudge limits, the timelock's minimum delay and roles. Each setting is one descriptor of a table: how its
// event reads, what the replay holds, which call asks for it, and how it reads in words.
import { ZeroAddress } from "ethers";

import { Tier, tierName, type NudgeLimits } from "../../council";
import { fmtDurationExact } from "../../format";
import { ROLES, roleName } from "../abi";
import type { CallAction } from "../../council";
import { checksum } from "../codec";
import type { AuditEvent } from "../fetch";
import type { ChangeSource, SettingsChangeKind } from "../types";
import type { CouncilRules } from "../rules";
import { point, type Executing, type ReplayLog } from "./context";

type Values = Record<string, string | number>;

/** One setting's event, as the table describes it. */
interface SettingDescriptor {
  kind: SettingsChangeKind;
  /** The dotted path the findings name. */
  subject(a: unknown[]): string;
  /** The previous value the event announces, and the new one. */
  previous(a: unknown[]): Values;
  next(a: unknown[]): Values;
  /** The value the replay holds (to compare with `previous`), and how to store the new one. */
  held(s: SettingsReplay, a: unknown[]): Values;
  apply(s: SettingsReplay, next: Values, a: unknown[]): void;
  /** Whether a call of the executing proposal asks for exactly this change. */
  asks(x: CallAction, next: Values, a: unknown[]): boolean;
  /** The change in words ("what" for an unexplained change, "text" for the record). */
  what(next: Values, a: unknown[]): string;
  text(previous: Values, next: Values, a: unknown[]): string;
  /** Values in words, for a broken chain. */
  show(v: Values): string;
}

const num = (v: unknown) => Number(v);
const duration = (v: string | number) => fmtDurationExact(Number(v));

const SETTINGS: Record<string, SettingDescriptor> = {
  "policy:OracleUpdated": {
    kind: "oracle",
    subject: () => "policy.oracle",
    previous: (a) => ({ oracle: checksum(String(a[0])) }),
    next: (a) => ({ oracle: checksum(String(a[1])) }),
    held: (s) => ({ oracle: s.oracle }),
    apply: (s, n) => void (s.oracle = String(n.oracle)),
    asks: (x, n) => x.kind === "setOracle" && x.oracle === n.oracle,
    what: (n) => `the oracle change to ${n.oracle}`,
    text: (p, n) => `VIX oracle ${p.oracle} -> ${n.oracle}`,
    show: (v) => String(v.oracle),
  },
  "policy:StewardUpdated": {
    kind: "steward",
    subject: () => "policy.steward",
    previous: (a) => ({ steward: checksum(String(a[0])) }),
    next: (a) => ({ steward: checksum(String(a[1])) }),
    held: (s) => ({ steward: s.steward }),
    apply: (s, n) => void (s.steward = String(n.steward)),
    asks: (x, n) => x.kind === "setSteward" && x.steward === n.steward,
    what: (n) => `the steward change to ${n.steward}`,
    text: (p, n) => `steward ${p.steward} -> ${n.steward}`,
    show: (v) => String(v.steward),
  },
  "policy:NudgeLimitsUpdated": {
    kind: "nudgeLimits",
    subject: () => "policy.nudgeLimits",
    previous: (a) => ({ maxNudgeBps: num(a[0]), nudgeCooldown: num(a[1]) }),
    next: (a) => ({ maxNudgeBps: num(a[2]), nudgeCooldown: num(a[3]) }),
    held: (s) => ({ ...s.limits }),
    apply: (s, n) => void (s.limits = { maxNudgeBps: Number(n.maxNudgeBps), nudgeCooldown: Number(n.nudgeCooldown) }),
    asks: (x, n) =>
      x.kind === "setNudgeLimits" && x.maxNudgeBps === n.maxNudgeBps && x.nudgeCooldown === n.nudgeCooldown,
    what: () => "the nudge limits change",
    text: (p, n) =>
      `nudge limits ${p.maxNudgeBps} bps / ${duration(p.nudgeCooldown)} -> ${n.maxNudgeBps} bps / ${duration(n.nudgeCooldown)}`,
    show: (v) => `${v.maxNudgeBps} bps / ${duration(v.nudgeCooldown)}`,
  },
  "council:TierRuleUpdated": {
    kind: "tierRule",
    subject: (a) => `council.tierRule.${tierName(num(a[0]))}`,
    previous: (a) => ({ tier: tierName(num(a[0])), threshold: num(a[1]), delay: num(a[2]) }),
    next: (a) => ({ tier: tierName(num(a[0])), threshold: num(a[3]), delay: num(a[4]) }),
    held: (s, a) => ({ tier: tierName(num(a[0])), ...s.rules.tiers[num(a[0]) as Tier] }),
    apply: (s, n, a) =>
      void (s.rules.tiers[num(a[0]) as Tier] = { threshold: Number(n.threshold), delay: Number(n.delay) }),
    asks: (x, n, a) =>
      x.kind === "setTierRule" && x.tier === num(a[0]) && x.threshold === n.threshold && x.delay === n.delay,
    what: (n) => `the ${n.tier} tier rule change`,
    text: (p, n) =>
      `${n.tier} tier: ${p.threshold} approvals / ${duration(p.delay)} -> ${n.threshold} approvals / ${duration(n.delay)}`,
    show: (v) => `${v.tier} ${v.threshold} approvals / ${duration(v.delay)}`,
  },
  "council:VetoThresholdUpdated": {
    kind: "vetoThreshold",
    subject: () => "council.vetoThreshold",
    previous: (a) => ({ threshold: num(a[0]) }),
    next: (a) => ({ threshold: num(a[1]) }),
    held: (s) => ({ threshold: s.rules.veto }),
    apply: (s, n) => void (s.rules.veto = Number(n.threshold)),
    asks: (x, n) => x.kind === "setVetoThreshold" && x.threshold === n.threshold,
    what: () => "the veto threshold change",
    text: (p, n) => `veto threshold ${p.threshold} -> ${n.threshold}`,
    show: (v) => `veto threshold ${v.threshold}`,
  },
  "council:ExpiryUpdated": {
    kind: "expiry",
    subject: () => "council.expiry",
    previous: (a) => ({ proposalTtl: num(a[0]), gracePeriod: num(a[1]) }),
    next: (a) => ({ proposalTtl: num(a[2]), gracePeriod: num(a[3]) }),
    held: (s) => ({ proposalTtl: s.rules.proposalTtl, gracePeriod: s.rules.gracePeriod }),
    apply: (s, n) => {
      s.rules.proposalTtl = Number(n.proposalTtl);
      s.rules.gracePeriod = Number(n.gracePeriod);
    },
    asks: (x, n) => x.kind === "setExpiry" && x.proposalTtl === n.proposalTtl && x.gracePeriod === n.gracePeriod,
    what: () => "the expiry change",
    text: (p, n) =>
      `proposal TTL / grace period ${duration(p.proposalTtl)} / ${duration(p.gracePeriod)} -> ${duration(n.proposalTtl)} / ${duration(n.gracePeriod)}`,
    show: (v) => `TTL / grace ${duration(v.proposalTtl)} / ${duration(v.gracePeriod)}`,
  },
  "timelock:MinDelayChange": {
    kind: "minDelay",
    subject: () => "timelock.minDelay",
    previous: (a) => ({ minDelay: num(a[0]) }),
    next: (a) => ({ minDelay: num(a[1]) }),
    held: (s) => ({ minDelay: s.minDelay }),
    apply: (s, n) => void (s.minDelay = Number(n.minDelay)),
    asks: (x, n) => x.kind === "updateDelay" && x.delay === n.minDelay,
    what: () => "the timelock delay change",
    text: (p, n) => `timelock minimum delay ${duration(p.minDelay)} -> ${duration(n.minDelay)}`,
    show: (v) => `minimum delay ${duration(v.minDelay)}`,
  },
};

const POLICY_SETTINGS = new Set<SettingsChangeKind>(["oracle", "steward", "nudgeLimits"]);

/** The events the settings replay takes (besides the seats' Transfer and the policy's PolicyUpdated). */
export const SETTING_EVENTS = [
  ...Object.keys(SETTINGS),
  "timelock:RoleGranted",
  "timelock:RoleRevoked",
  "timelock:RoleAdminChanged",
];

export class SettingsReplay {
  rules: CouncilRules = {
    tiers: [
      { threshold: 0, delay: 0 },
      { threshold: 0, delay: 0 },
      { threshold: 0, delay: 0 },
    ],
    veto: 0,
    proposalTtl: 0,
    gracePeriod: 0,
  };
  limits: NudgeLimits = { maxNudgeBps: 0, nudgeCooldown: 0 };
  oracle = ZeroAddress;
  steward = ZeroAddress;
  minDelay = 0;
  roles = new Map<string, Set<string>>();

  constructor(private readonly log: ReplayLog) {}

  /** Whether the rules were set yet (the council's constructor). */
  get configured(): boolean {
    return this.rules.tiers.every((t) => t.threshold > 0);
  }

  /** Applies one settings event made by `p` (null: no proposal) from `source`. */
  apply(ev: AuditEvent, source: ChangeSource, p: Executing | null): void {
    const key = `${ev.contract}:${ev.name}`;
    const d = SETTINGS[key];
    if (!d) return this.applyRole(ev, source, p);
    const a = ev.args;
    const previous = d.previous(a);
    const next = d.next(a);
    const held = d.held(this, a);
    if (JSON.stringify(previous) !== JSON.stringify(held)) {
      this.log.chainBroken(
        `${ev.name} says the previous value was ${d.show(previous)}; the replay has ${d.show(held)}`,
        point(ev),
        d.subject(a),
      );
    }
    this.log.explain(p, ev, d.what(next, a), (x) => d.asks(x, next, a));
    d.apply(this, next, a);
    // The council's and the timelock's constructors set their first values: no "before" for those.
    const first = source.kind === "deployment" && !POLICY_SETTINGS.has(d.kind);
    this.log.record(d.kind, ev, source, d.text(previous, next, a), first ? null : previous, next);
  }

  private applyRole(ev: AuditEvent, source: ChangeSource, p: Executing | null): void {
    const log = this.log;
    const a = ev.args;
    if (ev.name === "RoleAdminChanged") {
      const role = roleName(String(a[0]));
      log.explain(p, ev, `the admin role of ${role} change`, () => false);
      return log.record(
        "roleAdminChanged",
        ev,
        source,
        `admin role of ${role} -> ${roleName(String(a[2]))}`,
        { admin: roleName(String(a[1])) },
        { role, admin: roleName(String(a[2])) },
      );
    }
    const role = String(a[0]).toLowerCase();
    const account = log.note(a[1]);
    const sender = log.note(a[2]);
    const granted = ev.name === "RoleGranted";
    const holders = this.roles.get(role) ?? new Set<string>();
    this.roles.set(role, holders);
    if (granted) holders.add(account);
    else holders.delete(account);
    log.explain(p, ev, `${roleName(role)} ${granted ? "granted to" : "revoked from"} ${account}`, (x) =>
      granted
        ? x.kind === "grantRole" && x.role === role && x.account === account
        : (x.kind === "revokeRole" || x.kind === "renounceRole") && x.role === role && x.account === account,
    );
    log.record(
      granted ? "roleGranted" : "roleRevoked",
      ev,
      source,
      `${roleName(role)} ${granted ? "granted to" : "revoked from"} ${account} by ${sender}`,
      null,
      { role: roleName(role), account, sender },
    );
  }

  /** Role name → holders, sorted. */
  roleHolders(): Record<string, string[]> {
    const roles: Record<string, string[]> = {};
    for (const [name, hash] of Object.entries(ROLES)) roles[name] = [...(this.roles.get(hash) ?? [])].sort();
    return roles;
  }
}
