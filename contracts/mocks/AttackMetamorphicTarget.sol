// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: an innocent-looking governance target. The tests replace its code (`hardhat_setCode`) with
 * that of {AttackMetamorphicTargetV2} between approval and execution, as a metamorphic contract redeployed with
 * CREATE2 would do.
 */
contract AttackMetamorphicTarget {
    uint256 public value;

    /// @dev The governed call, as approved.
    function ping(uint256 value_) external {
        value = value_;
    }
}
