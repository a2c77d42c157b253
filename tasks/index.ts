// Every Hardhat task of Hedge Council, registered by importing this folder from hardhat.config.ts.
export {};
