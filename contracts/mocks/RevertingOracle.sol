// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Test double: an oracle whose every read reverts, as a paused or broken feed would.
contract RevertingOracle {
    error RevertingOracleDown();

    function decimals() external pure returns (uint8) {
        revert RevertingOracleDown();
    }

    function latestRoundData() external pure returns (uint80, int256, uint256, uint256, uint80) {
        revert RevertingOracleDown();
    }
}
