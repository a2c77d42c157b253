// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: an ERC-1271 wallet that lies, answering the magic value for any hash and any signature (a
 * compromised or badly written contract wallet). If it holds a seat, anyone can relay "its" approval; it must still
 * count as exactly one seat, never vouch for anyone else, and never count twice.
 */
contract AttackLying1271Wallet {
    /// @dev ERC-1271: always "valid".
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return 0x1626ba7e;
    }
}
