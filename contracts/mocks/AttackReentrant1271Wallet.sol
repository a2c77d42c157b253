// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: an ERC-1271 wallet that, when asked to validate a signature, re-enters the council with a
 * prepared call (an approval, a veto, ...). The council calls `isValidSignature` by `staticcall`, so any state change
 * in the re-entered call fails. In `bubble` mode the wallet then reverts with the failure; otherwise it swallows the
 * failure and answers the magic value anyway.
 */
contract AttackReentrant1271Wallet {
    error AttackReentrant1271WalletReentryFailed(bytes reason);

    address public reentryTarget;
    bytes public reentryData;
    bool public bubble;

    /// @dev Prepares the re-entrant call.
    function arm(address target_, bytes calldata data_, bool bubble_) external {
        reentryTarget = target_;
        reentryData = data_;
        bubble = bubble_;
    }

    /// @dev ERC-1271: re-enters `reentryTarget` with `reentryData` first.
    function isValidSignature(bytes32, bytes calldata) external returns (bytes4) {
        (bool ok, bytes memory reason) = reentryTarget.call(reentryData);
        if (!ok && bubble) revert AttackReentrant1271WalletReentryFailed(reason);
        return 0x1626ba7e;
    }
}
