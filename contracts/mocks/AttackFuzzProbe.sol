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
 * [14] grace period, [15] the timelock's minimum delay, [16] the baseline coverage, [17..21] the baseline triggers
 * (zero past the last layer), [22] maxNudgeBps, [23] the timelock's ether, [24] the council's ether, [25] the council's
 * own live-seat map, then for every account seatOf (seats) and seatOf (the council's copy), then for every proposal id
 * its state, tier, approvalCount, vetoCount, eta, deadline, raw approval marks, raw veto marks and the accounts that
 * revoked (bit i: hasRevoked(id, accounts[i])), then getTimestamp(op) for every operation.
 */
contract AttackFuzzProbe {
    uint256 private constant HEAD = 26;
    uint256 private constant PER_PROPOSAL = 9;

    constructor(address council, address[] memory accounts, bytes32[] memory ids, bytes32[] memory operations) {
        uint256[] memory words = new uint256[](
            HEAD + 2 * accounts.length + PER_PROPOSAL * ids.length + operations.length
        );
        IHedgeCouncil c = IHedgeCouncil(council);
        TimelockController timelock = TimelockController(payable(c.timelock()));
        _head(words, c, timelock);

        uint256[] memory seatIds = ICouncilSeats(c.seats()).seatsOf(accounts);
        uint256 at = HEAD;
        for (uint256 i = 0; i < accounts.length; ++i) {
            words[at++] = seatIds[i];
            words[at++] = c.seatOf(accounts[i]);
        }
        for (uint256 i = 0; i < ids.length; ++i) at = _proposal(words, at, c, ids[i], accounts);
        for (uint256 i = 0; i < operations.length; ++i) words[at++] = timelock.getTimestamp(operations[i]);

        bytes memory encoded = abi.encode(words);
        assembly ("memory-safe") {
            return(add(encoded, 0x20), mload(encoded))
        }
    }

    /// @dev Words [0..HEAD): the policy, the seats, the council's settings and seat copy, the timelock, the ether.
    function _head(uint256[] memory words, IHedgeCouncil c, TimelockController timelock) private view {
        IHedgePolicy policy = IHedgePolicy(c.hedgePolicy());
        ICouncilSeats seats = ICouncilSeats(c.seats());
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
        (uint16 baselineCoverage, uint32[] memory baselineTriggers) = policy.baseline();
        words[16] = baselineCoverage;
        for (uint256 i = 0; i < baselineTriggers.length; ++i) words[17 + i] = baselineTriggers[i];
        (words[22], ) = policy.nudgeLimits();
        words[23] = address(timelock).balance;
        words[24] = address(c).balance;
        words[25] = c.liveSeats();
    }

    /// @dev The PER_PROPOSAL words of proposal `id` from `at`; returns the next free index.
    function _proposal(
        uint256[] memory words,
        uint256 at,
        IHedgeCouncil c,
        bytes32 id,
        address[] memory accounts
    ) private view returns (uint256) {
        words[at++] = uint256(c.state(id));
        words[at++] = uint256(c.proposalTier(id));
        words[at++] = c.approvalCount(id);
        words[at++] = c.vetoCount(id);
        words[at++] = c.proposalEta(id);
        words[at++] = c.proposalDeadline(id);
        (uint64 approvals, uint64 vetoes) = c.proposalMarks(id);
        words[at++] = approvals;
        words[at++] = vetoes;
        uint256 revoked;
        for (uint256 j = 0; j < accounts.length; ++j) if (c.hasRevoked(id, accounts[j])) revoked |= 1 << j;
        words[at++] = revoked;
        return at;
    }
}
