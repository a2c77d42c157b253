// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Attack double: the code swapped in, with the same selector and a different behaviour.
contract AttackMetamorphicTargetV2 {
    uint256 public value;

    /// @dev The same governed call, now doing something else.
    function ping(uint256) external {
        value = type(uint256).max;
    }
}
