// The council's rules in one TypeScript home: tier and state names, proposal and operation ids, the description hash
// of a described proposal, the calldata of governed calls and the one decoder of them, the field table and the one
// policy diff, a change's one-line summary, the protection curve and loosening, the tier rule, the nudge band, the
// layer-sync rule and the oracle checks, and the thresholds. Imported by the tasks, the audit, the watcher, the
// simulation, the proposal view, the console, the benchmark and the test helpers. test/fuzz/council.model.ts keeps an
// independent copy on purpose.
export * from "./band";
export * from "./calls";
export * from "./decode";
export * from "./description";
export * from "./diff";
export * from "./fields";
export * from "./ids";
export * from "./layers";
export * from "./oracle";
export * from "./protection";
export * from "./summary";
export * from "./thresholds";
export * from "./tier-rule";
export * from "./tiers";
export * from "./why";
