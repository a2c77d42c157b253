// solidity-coverage: measure the production contracts only (test doubles in contracts/mocks are skipped).
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["text", "json-summary", "html"],
  configureYulOptimizer: true,
};
