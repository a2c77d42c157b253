// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: an ERC-1271 wallet that answers the magic value 0x1626ba7e right-aligned in its return word
 * (as a `uint32`), instead of as a left-aligned `bytes4`. A lenient checker that compares the low bytes would
 * accept it.
 */
contract AttackWrongMagic1271Wallet {
    /// @dev ERC-1271 with a misplaced magic value.
    function isValidSignature(bytes32, bytes calldata) external pure returns (uint256) {
        return 0x1626ba7e;
    }
}
