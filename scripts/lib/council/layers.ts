// The layer-sync rule (HedgePolicy.syncLayers): a layer engages once the VIX reaches its trigger, and an engaged layer
// disengages only once the VIX falls below its trigger minus the hysteresis. The audit checks every LayerEngaged and
// LayerDisengaged against it, the keeper (hedge:watch) and the simulation decide with it whether a sync would move a
// layer, and the keeper's preview must agree with HedgeUpkeep.preview (test/watch/watch.task.test.ts).
import type { PolicyValues } from "../policy";

/** What the rule needs of a policy: each layer's trigger, the hysteresis, and the layers engaged now (bit i = layer i). */
export interface LayerInputs {
  triggers: number[];
  hysteresisVix: number;
  engagedMask: number;
}

/** What one layer does at `vix`: engage at trigger ≤ VIX, disengage once VIX < trigger − hysteresis, or stay. */
export function layerMoveAt(
  trigger: number | undefined,
  hysteresisVix: number,
  vix: number,
  engaged: boolean,
): "engage" | "disengage" | "stay" {
  if (trigger === undefined) return "stay";
  if (!engaged && vix >= trigger) return "engage";
  if (engaged && vix + hysteresisVix < trigger) return "disengage";
  return "stay";
}

/** What layer `layer` of `p` does at `vix`, engaged or not. */
export function layerMove(
  p: PolicyValues,
  layer: number,
  vix: number,
  engaged: boolean,
): "engage" | "disengage" | "stay" {
  return layerMoveAt(p.layers[layer]?.triggerVix, p.hysteresisVix, vix, engaged);
}

/** The engaged mask after a sync at `vix`. */
export function nextMask(inputs: LayerInputs, vix: number): number {
  let mask = inputs.engagedMask;
  inputs.triggers.forEach((trigger, i) => {
    const bit = 1 << i;
    const move = layerMoveAt(trigger, inputs.hysteresisVix, vix, (mask & bit) !== 0);
    if (move === "engage") mask |= bit;
    else if (move === "disengage") mask &= ~bit;
  });
  return mask;
}
