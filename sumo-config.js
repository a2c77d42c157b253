/**
 * SuMo (mutation testing) configuration, used by `npm run mutation` (scripts/mutation.ts).
 *
 * - Contracts: the production contracts; mocks and interfaces are not mutated.
 *   `SUMO_CONTRACT=HedgePolicy.sol` narrows a run to one contract.
 * - Tests: the unit tests and the attack suite. No benchmarks, CLI tasks, audit or fuzz runs.
 * - `minimal`: SuMo's minimal mutation rules (fewer, less redundant mutants per operator).
 */
const CONTRACTS = ["CouncilSeats.sol", "HedgeCouncil.sol", "HedgePolicy.sol", "HedgeUpkeep.sol"];
const only = process.env.SUMO_CONTRACT;
if (only !== undefined && !CONTRACTS.includes(only)) {
  throw new Error(`SUMO_CONTRACT must be one of ${CONTRACTS.join(", ")}, got "${only}"`);
}

module.exports = {
  buildDir: "artifacts-mutation",
  contractsDir: "contracts",
  testDir: "test",
  skipContracts: ["mocks", "interfaces", ...(only ? CONTRACTS.filter((c) => c !== only) : [])],
  skipTests: ["bench", "tasks", "audit", "fuzz", "helpers"],
  testingTimeOutInSec: 300,
  network: "none",
  testingFramework: "hardhat",
  minimal: true,
  tce: false,
};
