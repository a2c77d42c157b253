// SPDX-License-Identifier: MIT
pragma solidity 0.8.24;

// Chainlink's KeystoneForwarder, the contract through which CRE delivers a workflow's signed report to a receiver
// (`report` checks the DON's signatures, then calls `IReceiver.onReport`), imported so that Hardhat compiles it into
// an artifact the CRE tests deploy. It pins solc 0.8.24: hardhat.config.ts serves that version for these files only.
// solhint-disable-next-line no-unused-import
import {KeystoneForwarder} from "@chainlink/contracts/src/v0.8/keystone/KeystoneForwarder.sol";
