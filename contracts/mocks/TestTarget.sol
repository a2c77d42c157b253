// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Test double: an arbitrary governance target (Critical tier) that records who called it and with what.
contract TestTarget {
    uint256 public value;
    address public lastCaller;

    event Pinged(address indexed caller, uint256 value, uint256 ethValue);

    function ping(uint256 value_) external payable {
        value = value_;
        lastCaller = msg.sender;
        emit Pinged(msg.sender, value_, msg.value);
    }
}
