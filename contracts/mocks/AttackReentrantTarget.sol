// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: a governance target that, when the timelock calls `attack()`, re-enters a prepared address
 * (the council, the timelock, ...) with prepared calldata and bubbles up whatever that call reverts with. The prepared
 * call lives in storage, so arming it never changes the target's code hash.
 */
contract AttackReentrantTarget {
    address public reentryTarget;
    bytes public reentryData;
    uint256 public attacks;

    event Attacked(address indexed caller, bool reentered);

    /// @dev Prepares the re-entrant call.
    function arm(address target_, bytes calldata data_) external {
        reentryTarget = target_;
        reentryData = data_;
    }

    /// @dev The governed call: re-enters `reentryTarget` with `reentryData` and bubbles up its revert.
    function attack() external payable {
        attacks += 1;
        emit Attacked(msg.sender, reentryTarget != address(0));
        if (reentryTarget == address(0)) return;
        (bool ok, bytes memory result) = reentryTarget.call(reentryData);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }
}
