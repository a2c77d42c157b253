// The council's rules in one TypeScript home: tier and state names, proposal and operation ids, the description hash of a
// described proposal, the calldata of governed calls, the protection curve and loosening, the nudge band, and the
// thresholds. Imported by the tasks, the audit, the benchmark and the test helpers. test/fuzz/council.model.ts keeps
// an independent copy on purpose.
export * from "./band";
export * from "./calls";
export * from "./description";
export * from "./ids";
export * from "./protection";
export * from "./thresholds";
export * from "./tiers";
export * from "./why";
