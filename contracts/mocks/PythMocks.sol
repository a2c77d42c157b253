// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

// Compiles Pyth's own MockPyth (test double of the Pyth contract, with createPriceFeedUpdateData) for the tests.
// solhint-disable-next-line no-unused-import
import {MockPyth} from "@pythnetwork/pyth-sdk-solidity/MockPyth.sol";
