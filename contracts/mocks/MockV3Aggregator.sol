// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// Chainlink's own test aggregator (8 decimals on local networks, `updateAnswer(int256)`, `updateRoundData`),
// imported so that Hardhat compiles it into an artifact the deployment and the tests can use.
// solhint-disable-next-line no-unused-import
import {MockV3Aggregator} from "@chainlink/contracts/src/v0.8/tests/MockV3Aggregator.sol";
