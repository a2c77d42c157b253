// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Test double of the attack suite (issue 24, finding 1): the contract a seat holder batches into its own
 * proposal. `poke` succeeds until its owner arms it; then, from `fromTime` on, it reverts with revert data of the
 * owner's choosing (a hostile `Error(string)` reason, or an error that borrows a selector of the system's contracts),
 * or runs the INVALID opcode (a failure with no revert data at all). A proposal calling it passes every check made
 * before `fromTime` (hedge:propose rehearses it) and fails later, at the eta a simulation moves the clock to.
 */
contract AttackHostileTarget {
    bytes private _revertData;
    uint256 public fromTime;
    bool public invalidOpcode;
    bool public armed;

    /// @notice Arms `poke`: from `fromTime_` on it reverts with `revertData_` (or runs INVALID).
    function arm(uint256 fromTime_, bytes calldata revertData_, bool invalidOpcode_) external {
        fromTime = fromTime_;
        _revertData = revertData_;
        invalidOpcode = invalidOpcode_;
        armed = true;
    }

    /// @notice The call the proposal makes: nothing until armed, then the chosen failure.
    function poke() external payable {
        if (!armed || block.timestamp < fromTime) return;
        if (invalidOpcode) {
            assembly {
                invalid()
            }
        }
        bytes memory data = _revertData;
        assembly {
            revert(add(data, 0x20), mload(data))
        }
    }
}
