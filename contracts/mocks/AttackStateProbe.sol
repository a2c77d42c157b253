// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ICouncilSeats} from "../interfaces/ICouncilSeats.sol";
import {IHedgeCouncil} from "../interfaces/IHedgeCouncil.sol";
import {IHedgePolicy} from "../interfaces/IHedgePolicy.sol";

/**
 * @dev Test probe of the attack suite and the fuzzer, never deployed: its creation code is run with `eth_call` and the
 * constructor returns, in one answer, everything the system keeps (the policy and its baseline, the seats, the
 * council's settings, its own copy of the seats and its proposals with their raw marks and revocations, the timelock's
 * operations, the ether of the contracts and the accounts' seats, approvals, revocations and roles). Only public views
 * are read. {shape} declares the layout of that answer for ABI decoding; it is never called.
 */
contract AttackStateProbe {
    error AttackStateProbeNotCallable();

    struct PolicyView {
        IHedgePolicy.Policy current;
        uint64 version;
        bytes32 policyHash;
        uint8 engagedLayers;
        uint16 maxNudgeBps;
        uint32 nudgeCooldown;
        uint256[6] lastNudgeAt;
        address oracle;
        address steward;
        address governance;
        bool oracleDecimalsOk;
        bytes oracleDecimals;
        bool oracleRoundOk;
        bytes oracleRound;
        uint16 baselineCoverageBps;
        uint32[] baselineTriggers;
    }

    struct SeatsView {
        uint256 seatCount;
        uint64 liveSeats;
        uint256 mintedCount;
        address[] owners; // by seat id - 1; zero once burned
    }

    struct ProposalView {
        uint8 state;
        uint8 tier;
        uint256 approvalCount;
        uint256 vetoCount;
        uint256 eta;
        uint256 deadline;
        bool[] approvedBy; // by account
        uint64 approvalMarks; // raw, burned seats included
        uint64 vetoMarks;
        bool[] revokedBy; // by account
    }

    struct CouncilView {
        uint8[3] thresholds;
        uint32[3] delays;
        uint8 vetoThreshold;
        uint32 proposalTtl;
        uint32 gracePeriod;
        ProposalView[] proposals;
        uint64 liveSeats; // the council's own copy
    }

    struct OperationView {
        bool isOperation;
        bool isOperationPending;
        bool isOperationDone;
        uint256 timestamp;
    }

    struct AccountView {
        uint256 seatOf;
        uint256 councilSeatOf; // the council's own copy
        uint256 balance;
        bool[4] roles; // admin, proposer, canceller, executor
    }

    struct State {
        uint256 blockTimestamp;
        PolicyView policy;
        SeatsView seats;
        CouncilView council;
        uint256 minDelay;
        uint256[4] etherBalances; // policy, seats, timelock, oracle (the council pays gas when impersonated)
        OperationView[] operations;
        AccountView[] accounts;
    }

    constructor(address council, bytes32[] memory ids, bytes32[] memory operations, address[] memory accounts) {
        State memory state;
        state.blockTimestamp = block.timestamp;
        IHedgeCouncil c = IHedgeCouncil(council);
        state.policy = _policy(IHedgePolicy(c.hedgePolicy()));
        state.seats = _seats(ICouncilSeats(c.seats()));
        state.council = _council(c, ids, accounts);
        TimelockController timelock = TimelockController(payable(c.timelock()));
        state.minDelay = timelock.getMinDelay();
        state.etherBalances = [
            c.hedgePolicy().balance,
            c.seats().balance,
            address(timelock).balance,
            state.policy.oracle.balance
        ];
        state.operations = _operations(timelock, operations);
        state.accounts = _accounts(c, timelock, accounts);
        bytes memory encoded = abi.encode(state);
        assembly ("memory-safe") {
            return(add(encoded, 0x20), mload(encoded))
        }
    }

    /// @dev Declares the layout of the constructor's answer; never called.
    function shape() external pure returns (State memory) {
        revert AttackStateProbeNotCallable();
    }

    function _policy(IHedgePolicy policy) private view returns (PolicyView memory v) {
        v.current = policy.policy();
        v.version = policy.version();
        v.policyHash = policy.policyHash();
        v.engagedLayers = policy.engagedLayers();
        (v.maxNudgeBps, v.nudgeCooldown) = policy.nudgeLimits();
        for (uint8 i = 0; i < 6; ++i) v.lastNudgeAt[i] = policy.lastNudgeAt(i);
        v.oracle = policy.oracle();
        v.steward = policy.steward();
        v.governance = policy.governance();
        (v.oracleDecimalsOk, v.oracleDecimals) = v.oracle.staticcall(abi.encodeWithSignature("decimals()"));
        (v.oracleRoundOk, v.oracleRound) = v.oracle.staticcall(abi.encodeWithSignature("latestRoundData()"));
        (v.baselineCoverageBps, v.baselineTriggers) = policy.baseline();
    }

    function _seats(ICouncilSeats seats) private view returns (SeatsView memory v) {
        v.seatCount = seats.seatCount();
        v.liveSeats = seats.liveSeats();
        v.mintedCount = seats.mintedCount();
        v.owners = new address[](v.mintedCount);
        for (uint256 i = 0; i < v.mintedCount; ++i) {
            if (v.liveSeats & uint64(1 << i) != 0) v.owners[i] = IERC721(address(seats)).ownerOf(i + 1);
        }
    }

    function _council(
        IHedgeCouncil c,
        bytes32[] memory ids,
        address[] memory accounts
    ) private view returns (CouncilView memory v) {
        for (uint8 t = 0; t < 3; ++t) (v.thresholds[t], v.delays[t]) = c.tierRule(IHedgeCouncil.Tier(t));
        v.vetoThreshold = c.vetoThreshold();
        (v.proposalTtl, v.gracePeriod) = c.expiry();
        v.proposals = new ProposalView[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            bytes32 id = ids[i];
            ProposalView memory p = v.proposals[i];
            p.state = uint8(c.state(id));
            p.tier = uint8(c.proposalTier(id));
            p.approvalCount = c.approvalCount(id);
            p.vetoCount = c.vetoCount(id);
            p.eta = c.proposalEta(id);
            p.deadline = c.proposalDeadline(id);
            p.approvedBy = new bool[](accounts.length);
            p.revokedBy = new bool[](accounts.length);
            for (uint256 j = 0; j < accounts.length; ++j) {
                p.approvedBy[j] = c.hasApproved(id, accounts[j]);
                p.revokedBy[j] = c.hasRevoked(id, accounts[j]);
            }
            (p.approvalMarks, p.vetoMarks) = c.proposalMarks(id);
        }
        v.liveSeats = c.liveSeats();
    }

    function _operations(
        TimelockController timelock,
        bytes32[] memory operations
    ) private view returns (OperationView[] memory v) {
        v = new OperationView[](operations.length);
        for (uint256 i = 0; i < operations.length; ++i) {
            bytes32 op = operations[i];
            v[i] = OperationView({
                isOperation: timelock.isOperation(op),
                isOperationPending: timelock.isOperationPending(op),
                isOperationDone: timelock.isOperationDone(op),
                timestamp: timelock.getTimestamp(op)
            });
        }
    }

    function _accounts(
        IHedgeCouncil c,
        TimelockController timelock,
        address[] memory accounts
    ) private view returns (AccountView[] memory v) {
        ICouncilSeats seats = ICouncilSeats(c.seats());
        bytes32[4] memory roles = [
            bytes32(0),
            timelock.PROPOSER_ROLE(),
            timelock.CANCELLER_ROLE(),
            timelock.EXECUTOR_ROLE()
        ];
        v = new AccountView[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            v[i].seatOf = seats.seatOf(accounts[i]);
            v[i].councilSeatOf = c.seatOf(accounts[i]);
            v[i].balance = IERC721(address(seats)).balanceOf(accounts[i]);
            for (uint256 r = 0; r < 4; ++r)
                v[i].roles[r] = IAccessControl(address(timelock)).hasRole(roles[r], accounts[i]);
        }
    }
}
