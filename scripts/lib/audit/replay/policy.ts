// The replay of HedgePolicy: its versions (one per setPolicy; nudges keep the version), the baseline the last
// setPolicy set, the nudges checked against the band around that baseline and their cooldowns (a return from the
// loose side toward the baseline skips the cooldown and does not restart it), the hash chain of PolicyUpdated, and
// the layers engaged as the VIX moves.
import { ZeroHash } from "ethers";

import {
  COVERAGE_PARAMETER,
  baselineOf,
  baselineValue,
  isReturnFromLooseSide,
  layerMove,
  nudgeViolation,
  policyChanges,
  withCoverage,
  withTrigger,
  type Baseline,
  type CallAction,
} from "../../council";
import { fmtVix } from "../../format";
import type { PolicyValues } from "../../policy";
import { policyHashOf } from "../abi";
import type { AuditEvent } from "../fetch";
import { invariantViolation } from "../rules";
import type { ChangeSource, LayerEventReport, PolicyVersionReport, VixReading } from "../types";
import { point, short, type ReplayLog } from "./context";
import type { SettingsReplay } from "./settings";

/** The proposal whose execution announced a PolicyUpdated, with the index of its next policy-changing call. */
export interface PolicyExecution {
  id: string;
  actions: CallAction[];
  nextPolicyAction: number;
}

export class PolicyReplay {
  version = 0;
  /** The hash of the policy the rules produced (computed when the parameters are known). */
  hash = ZeroHash;
  params: PolicyValues | null = null;
  baseline: Baseline | null = null;
  engaged = 0;
  lastNudgeAt = [0, 0, 0, 0, 0, 0];
  versions: PolicyVersionReport[] = [];
  layerEvents: LayerEventReport[] = [];
  vix: VixReading[] = [];
  /** The last hash the chain announced (PolicyUpdated.newHash), for the continuity of the event chain. */
  private chainHash = ZeroHash;
  private diverged = false;

  constructor(
    private readonly log: ReplayLog,
    private readonly settings: SettingsReplay,
    private readonly initialPolicy: PolicyValues | null,
  ) {}

  onPolicyUpdated(ev: AuditEvent, source: ChangeSource, p: PolicyExecution | null): void {
    const log = this.log;
    const version = Number(ev.args[0]);
    const previousHash = String(ev.args[1]).toLowerCase();
    const newHash = String(ev.args[2]).toLowerCase();
    const at = point(ev);
    const before = this.params;
    let params: PolicyValues | null = null;
    let via = "unknown";
    let resync = false;
    const diverge = (message: string) => {
      if (!this.diverged) log.chainBroken(message, at, "policy.hash");
      this.diverged = true;
    };
    if (previousHash !== this.chainHash) {
      diverge(
        `PolicyUpdated (version ${version}) says the previous hash was ${short(previousHash)}, but the last announced hash is ${short(this.chainHash)}: the policy changed without an event (storage edited outside governance?)`,
      );
    }

    const action =
      source.kind === "deployment" || !p
        ? null
        : p.actions
            .slice(p.nextPolicyAction)
            .find((x) => x.kind === "setPolicy" || x.kind === "nudgeTrigger" || x.kind === "nudgeCoverage");
    if (p && action) p.nextPolicyAction = p.actions.indexOf(action, p.nextPolicyAction) + 1;
    if (p && !action && source.kind !== "deployment") log.explain(p, ev, `policy version ${version}`, () => false);

    // A new policy (deployment, setPolicy) takes the next version; a nudge keeps it.
    const nudge = action?.kind === "nudgeTrigger" || action?.kind === "nudgeCoverage";
    const expected = nudge ? this.version : this.version + 1;
    if ((source.kind === "deployment" || action) && version !== expected) {
      log.chainBroken(
        nudge
          ? `PolicyUpdated after a nudge announces version ${version}; a nudge keeps the version ${this.version}`
          : `PolicyUpdated announces version ${version}; the replay is at version ${this.version}`,
        at,
        "policy.version",
      );
    }

    if (source.kind === "deployment") {
      via = "deployment";
      params = this.initialPolicy;
      resync = params !== null;
      this.baseline = params ? baselineOf(params) : null;
    } else if (action?.kind === "setPolicy") {
      via = "setPolicy";
      params = action.policy;
      resync = true;
      this.baseline = baselineOf(params);
      if (action.expectedVersion !== this.version) {
        log.chainBroken(
          `setPolicy for version ${action.expectedVersion} landed on version ${this.version} (compare-and-swap broken)`,
          at,
          "policy.version",
        );
      }
      this.engaged &= (1 << params.layers.length) - 1;
    } else if (p && action && (action.kind === "nudgeTrigger" || action.kind === "nudgeCoverage")) {
      via = action.kind;
      const parameter = action.kind === "nudgeTrigger" ? action.layer : COVERAGE_PARAMETER;
      // A return from the loose side toward the baseline keeps the cooldown where it was (the policy's lastNudgeAt).
      let restartsCooldown = true;
      if (this.params) {
        const current =
          action.kind === "nudgeTrigger" ? this.params.layers[action.layer]?.triggerVix : this.params.coverageBps;
        const requested = action.kind === "nudgeTrigger" ? action.triggerVix : action.coverageBps;
        const base = this.baseline ? baselineValue(this.baseline, parameter) : undefined;
        if (current !== undefined && base !== undefined) {
          restartsCooldown = !isReturnFromLooseSide({ parameter, baseline: base, current, requested });
        }
        const problem =
          current === undefined || base === undefined
            ? `the policy has no layer ${parameter}`
            : nudgeViolation(this.settings.limits, {
                parameter,
                baseline: base,
                current,
                requested,
                lastNudgeAt: this.lastNudgeAt[parameter],
                now: at.timestamp,
              });
        if (problem) {
          log.find("nudge-out-of-bounds", `${via} by proposal ${short(p.id)}: ${problem}`, {
            at,
            proposalId: p.id,
            subject: `policy.${via}`,
          });
        }
        params =
          action.kind === "nudgeTrigger"
            ? withTrigger(this.params, action.layer, action.triggerVix)
            : withCoverage(this.params, action.coverageBps);
      }
      if (restartsCooldown) this.lastNudgeAt[parameter] = at.timestamp;
    }

    if (params) {
      const computed = policyHashOf(params);
      if (computed !== newHash) {
        diverge(
          `PolicyUpdated (version ${version}) announces hash ${short(newHash)}, but the ${via === "deployment" ? "deployed" : "proposed"} policy hashes to ${short(computed)}`,
        );
        resync = false;
      }
      const violation = invariantViolation(params);
      if (violation)
        log.find("policy-invariant-broken", `policy version ${version}: ${violation}`, { at, subject: "policy" });
      this.hash = computed;
    } else {
      this.hash = newHash;
    }
    if (resync && previousHash === this.chainHash) this.diverged = false;
    this.chainHash = newHash;
    this.params = params;
    this.version = version;
    this.versions.push({
      version,
      hash: newHash,
      previousHash,
      at,
      source,
      via,
      policy: params,
      changes: via === "deployment" ? [] : policyChanges(before, params),
    });
    if (source.kind === "none") {
      log.find(
        "unattributed-change",
        `policy version ${version} (hash ${short(newHash)}) appeared in transaction ${short(ev.tx)} with no council execution (outside governance)`,
        { at, subject: "policy.version" },
      );
    }
  }

  onLayer(ev: AuditEvent): void {
    const layer = Number(ev.args[0]);
    const vix = Number(ev.args[1]);
    const engaged = ev.name === "LayerEngaged";
    const at = point(ev);
    const bit = 1 << layer;
    const was = (this.engaged & bit) !== 0;
    if (this.params && !(ev.name === "LayerDisengaged" && vix === 0)) {
      const move = layerMove(this.params, layer, vix, was);
      const expected = engaged ? "engage" : "disengage";
      if (move !== expected) {
        const trigger = this.params.layers[layer]?.triggerVix;
        this.log.find(
          "layer-rule-broken",
          `layer ${layer} ${engaged ? "engaged" : "disengaged"} at VIX ${fmtVix(vix)}, but with trigger ${trigger === undefined ? "none" : `VIX ${fmtVix(trigger)}`} and hysteresis VIX ${fmtVix(this.params.hysteresisVix)} it ${was ? "was" : "was not"} engaged and should ${move === "stay" ? "not have moved" : `${move}`}`,
          { at, subject: `policy.layers.${layer}` },
        );
      }
    }
    this.engaged = engaged ? this.engaged | bit : this.engaged & ~bit;
    this.layerEvents.push({ layer, engaged, vix, at });
    if (vix > 0) this.vix.push({ timestamp: at.timestamp, vix, source: "layer-event" });
  }
}
