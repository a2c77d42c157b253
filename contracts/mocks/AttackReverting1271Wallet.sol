// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @dev Attack double: an ERC-1271 wallet whose `isValidSignature` always reverts.
contract AttackReverting1271Wallet {
    error AttackReverting1271WalletRefused(bytes32 hash);

    /// @dev ERC-1271: always reverts.
    function isValidSignature(bytes32 hash, bytes calldata) external pure returns (bytes4) {
        revert AttackReverting1271WalletRefused(hash);
    }
}
