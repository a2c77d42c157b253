// The command line's modules that the console shares are type-checked with Hardhat's `hre.ethers` extension, as in
// the root tsconfig (the console never calls them with a Hardhat runtime).
import "@nomicfoundation/hardhat-ethers/internal/type-extensions";
