// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: an ERC-1271 wallet that burns every unit of gas it is given (a griefing seat holder trying to
 * make every batch that includes it fail in an unexplained way).
 */
contract AttackGasBurner1271Wallet {
    /// @dev ERC-1271: never returns.
    function isValidSignature(bytes32 hash, bytes calldata) external pure returns (bytes4) {
        uint256 x = uint256(hash);
        while (x != 0) {
            x = x | 1;
        }
        return bytes4(0);
    }
}
