// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ICouncilSeats} from "../interfaces/ICouncilSeats.sol";
import {IHedgeCouncil} from "../interfaces/IHedgeCouncil.sol";
import {IHedgePolicy} from "../interfaces/IHedgePolicy.sol";

/**
 * @dev Test probe of the model-based fuzzer, never deployed: its creation code is run with `eth_call` and the
 * constructor returns, as one flat `uint256[]`, what the fuzzer compares with its model after every step. Only public
 * views are read. Layout:
 *
 * [0] block.timestamp, [1] version, [2] policyHash, [3] engagedLayers, [4] seatCount, [5] liveSeats, [6] mintedCount,
 * [7..10] Fast, Standard, Critical and veto thresholds, [11] Standard delay, [12] Critical delay, [13] proposal TTL,
 * [14] grace period, [15] the timelock's minimum delay, then seatOf(account) for every account, then for every
 * proposal id its state, tier, approvalCount, vetoCount, eta and deadline, then getTimestamp(op) for every operation.
 */
contract AttackFuzzProbe {
    uint256 private constant HEAD = 16;
    uint256 private constant PER_PROPOSAL = 6;

    constructor(address council, address[] memory accounts, bytes32[] memory ids, bytes32[] memory operations) {
        uint256[] memory words = new uint256[](HEAD + accounts.length + PER_PROPOSAL * ids.length + operations.length);
        IHedgeCouncil c = IHedgeCouncil(council);
        IHedgePolicy policy = IHedgePolicy(c.hedgePolicy());
        ICouncilSeats seats = ICouncilSeats(c.seats());
        TimelockController timelock = TimelockController(payable(c.timelock()));

        words[0] = block.timestamp;
        words[1] = policy.version();
        words[2] = uint256(policy.policyHash());
        words[3] = policy.engagedLayers();
        words[4] = seats.seatCount();
        words[5] = seats.liveSeats();
        words[6] = seats.mintedCount();
        for (uint8 t = 0; t < 3; ++t) {
            (uint8 threshold, uint32 delay) = c.tierRule(IHedgeCouncil.Tier(t));
            words[7 + t] = threshold;
            if (t > 0) words[10 + t] = delay;
        }
        words[10] = c.vetoThreshold();
        (words[13], words[14]) = c.expiry();
        words[15] = timelock.getMinDelay();

        uint256[] memory seatIds = seats.seatsOf(accounts);
        uint256 at = HEAD;
        for (uint256 i = 0; i < accounts.length; ++i) words[at++] = seatIds[i];
        for (uint256 i = 0; i < ids.length; ++i) {
            bytes32 id = ids[i];
            words[at++] = uint256(c.state(id));
            words[at++] = uint256(c.proposalTier(id));
            words[at++] = c.approvalCount(id);
            words[at++] = c.vetoCount(id);
            words[at++] = c.proposalEta(id);
            words[at++] = c.proposalDeadline(id);
        }
        for (uint256 i = 0; i < operations.length; ++i) words[at++] = timelock.getTimestamp(operations[i]);

        bytes memory encoded = abi.encode(words);
        assembly ("memory-safe") {
            return(add(encoded, 0x20), mload(encoded))
        }
    }
}
