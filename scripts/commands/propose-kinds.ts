// The kinds of change `hedge:propose` builds. Its own module: tasks/propose.ts lists them in the help, which is
// loaded on every command, so nothing heavy may come with them.
export const PROPOSAL_KINDS = [
  "policy",
  "nudge",
  "seat-add",
  "seat-remove",
  "seat-rotate",
  "tier-rule",
  "veto-threshold",
  "expiry",
  "oracle",
] as const;
