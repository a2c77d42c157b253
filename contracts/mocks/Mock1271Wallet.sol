// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";

/**
 * @dev Test double: a one-owner contract wallet (a stand-in for a Safe) that can hold a council seat. It accepts
 * (ERC-1271) a signature of its owner EOA over the very hash it is asked about, and lets the owner make calls
 * from the wallet (on-chain approvals and vetoes).
 */
contract Mock1271Wallet is IERC1271 {
    error Mock1271WalletNotOwner(address caller);

    address public immutable owner;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecover(hash, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == owner) return IERC1271.isValidSignature.selector;
        return 0xffffffff;
    }

    /// @dev Calls `target` from the wallet; the owner only.
    function call(address target, bytes calldata data) external returns (bytes memory) {
        if (msg.sender != owner) revert Mock1271WalletNotOwner(msg.sender);
        return Address.functionCall(target, data);
    }
}
