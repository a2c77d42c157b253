// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ICouncilSeats} from "./interfaces/ICouncilSeats.sol";
import {IHedgeCouncil} from "./interfaces/IHedgeCouncil.sol";
import {IHedgePolicy} from "./interfaces/IHedgePolicy.sol";

/**
 * @title HedgeCouncil
 * @notice M-of-N approvals by soulbound seat holders over the hedge policy, with risk tiers decided on chain, veto,
 * expiry and code-hash pinning. The council is the only proposer, canceller and executor of an unmodified
 * OpenZeppelin `TimelockController`, and the policy's steward for Fast-tier nudges.
 *
 * Storage: one word per proposal (approval map over seat ids, deadline, eta, status, tier, whether anyone revoked
 * it, code-hash commitment), one word of vetoes per proposal, the addresses that revoked, and one word of settings.
 * Approvals and vetoes are a bit per seat id; they count only while the seat exists, so a burned seat's approvals and
 * vetoes stop counting and, since seat ids are never reused, a new holder never inherits them. A revocation belongs
 * to the address that made it, whatever seat it holds later. It may come before the proposal exists: it then marks
 * the proposal's own word, which creating the proposal reads anyway, so only a proposal someone revoked pays for
 * looking up its signers' revocations.
 *
 * Seats are owned in two places: the seats contract, and the council's copy of who holds which seat (both ways) and
 * of the live-seat map (inside the settings word). The seats contract tells the council of every mint and burn
 * ({seatUpdated}; seats cannot be transferred). Counting approvals and checking signatures then cost no call to
 * another contract.
 */
contract HedgeCouncil is IHedgeCouncil, EIP712 {
    // ---------------------------------------------------------------- constants

    /// @dev EIP-712 type of an approval: the proposal, the seat that approves it and the last second it counts.
    bytes32 private constant APPROVAL_TYPEHASH = keccak256(
        "Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)"
    );

    /// @dev `keccak256("")`: the code hash of an account without code.
    bytes32 private constant EMPTY_CODEHASH = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    uint32 private constant MIN_EXPIRY = 1 hours;
    uint32 private constant MAX_EXPIRY = 365 days;

    /// @dev CouncilSeats mints at most 64 seats, ids 1..64, in its whole life.
    uint256 private constant MAX_SEATS = 64;

    // ---------------------------------------------------------------- immutables

    /// @inheritdoc IHedgeCouncil
    address public immutable seats;

    /// @inheritdoc IHedgeCouncil
    address public immutable timelock;

    /// @inheritdoc IHedgeCouncil
    address public immutable hedgePolicy;

    // ---------------------------------------------------------------- types

    /// @dev What is stored of a proposal's life; `Expired` is derived from the deadline.
    enum Status {
        None,
        Pending,
        Queued,
        Executed,
        Vetoed
    }

    /// @dev A proposal in one storage word (64 + 40 + 40 + 8 + 8 + 8 + 88 = 256 bits).
    struct Proposal {
        uint64 approvals; // bit `seatId - 1` per approving seat
        uint40 deadline; // Pending: last second to queue; Queued: last second to execute
        uint40 eta; // Queued: first second to execute
        Status status;
        Tier tier;
        bool revoked; // some address revoked this id (maybe before it existed): check signers against `_revoked`
        bytes11 codeHash; // truncated keccak256 of the targets' code hashes at creation
    }

    /// @dev Every council setting and the seats alive, in one storage word (4 * 8 + 4 * 32 + 64 bits).
    struct Settings {
        uint8 fastThreshold;
        uint8 standardThreshold;
        uint8 criticalThreshold;
        uint8 vetoThreshold;
        uint32 standardDelay;
        uint32 criticalDelay;
        uint32 proposalTtl;
        uint32 gracePeriod;
        uint64 liveSeats; // bit `seatId - 1` per seat alive, as in CouncilSeats
    }

    // ---------------------------------------------------------------- storage

    Settings private _settings;
    mapping(bytes32 id => Proposal) private _proposals;
    /// @dev Per proposal, the seats that vetoed it: bit `seatId - 1`.
    mapping(bytes32 id => uint64 seatBits) private _vetoes;
    /// @dev Per proposal, the addresses that revoked it: their signatures never count for it again.
    mapping(bytes32 id => mapping(address signer => bool)) private _revoked;
    /// @dev Who holds which seat, as in CouncilSeats (0: none).
    mapping(address holder => uint256 seatId) private _seatOf;
    /// @dev The holder of each live seat, as in CouncilSeats (zero: no such seat).
    mapping(uint256 seatId => address holder) private _holderOf;

    // ---------------------------------------------------------------- constructor

    /**
     * @param seats_ the soulbound seats
     * @param timelock_ the timelock this council proposes to and executes through
     * @param hedgePolicy_ the policy whose changes are classified into tiers
     * @param thresholds Fast, Standard, Critical and veto thresholds
     * @param delays Standard and Critical delays, in seconds (Fast is always 0)
     * @param proposalTtl_ how long a proposal may wait to be queued, in seconds
     * @param gracePeriod_ how long a queued proposal may wait to be executed after its eta, in seconds
     *
     * Emits {TierRuleUpdated} for each tier, {VetoThresholdUpdated} and {ExpiryUpdated}.
     */
    constructor(
        address seats_,
        address timelock_,
        address hedgePolicy_,
        uint8[4] memory thresholds,
        uint32[2] memory delays,
        uint32 proposalTtl_,
        uint32 gracePeriod_
    ) EIP712("HedgeCouncil", "2") {
        if (seats_ == address(0) || timelock_ == address(0) || hedgePolicy_ == address(0)) {
            revert HedgeCouncilZeroAddress();
        }
        // The copy of the seats below is kept up to date only by the seats contract that reports to this council.
        if (ICouncilSeats(seats_).council() != address(this)) {
            revert HedgeCouncilSeatsNotLinked(ICouncilSeats(seats_).council());
        }
        seats = seats_;
        timelock = timelock_;
        hedgePolicy = hedgePolicy_;
        Settings memory settings = Settings({
            fastThreshold: thresholds[0],
            standardThreshold: thresholds[1],
            criticalThreshold: thresholds[2],
            vetoThreshold: thresholds[3],
            standardDelay: delays[0],
            criticalDelay: delays[1],
            proposalTtl: proposalTtl_,
            gracePeriod: gracePeriod_,
            liveSeats: ICouncilSeats(seats_).liveSeats()
        });
        // Seats minted before this council existed (the seats contract is deployed first); at most 64.
        for (uint256 seatId = 1; seatId <= MAX_SEATS; ++seatId) {
            if (settings.liveSeats & uint64(1 << (seatId - 1)) != 0) {
                address holder = IERC721(seats_).ownerOf(seatId);
                _seatOf[holder] = seatId;
                _holderOf[seatId] = holder;
                emit SeatUpdated(holder, seatId, true);
            }
        }
        _checkTierRules(settings);
        _checkVetoThreshold(settings.vetoThreshold, settings.liveSeats);
        _checkExpiry(proposalTtl_, gracePeriod_);
        _settings = settings;
        emit TierRuleUpdated(Tier.Fast, 0, 0, settings.fastThreshold, 0);
        emit TierRuleUpdated(Tier.Standard, 0, 0, settings.standardThreshold, settings.standardDelay);
        emit TierRuleUpdated(Tier.Critical, 0, 0, settings.criticalThreshold, settings.criticalDelay);
        emit VetoThresholdUpdated(0, settings.vetoThreshold);
        emit ExpiryUpdated(0, 0, proposalTtl_, gracePeriod_);
    }

    // ---------------------------------------------------------------- modifiers

    modifier onlyGovernance() {
        if (msg.sender != timelock) revert HedgeCouncilUnauthorizedGovernance(msg.sender);
        _;
    }

    modifier onlySeats() {
        if (msg.sender != seats) revert HedgeCouncilUnauthorizedSeats(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- state-changing functions

    /// @inheritdoc IHedgeCouncil
    function propose(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description
    ) external returns (bytes32 id) {
        uint64 bit = _seatBit(msg.sender);
        Proposal memory proposal;
        (id, proposal) = _create(targets, values, calldatas, description, msg.sender);
        proposal.approvals = bit;
        _proposals[id] = proposal;
        emit Approved(id, msg.sender);
    }

    /// @inheritdoc IHedgeCouncil
    function approve(bytes32 id) external {
        uint64 bit = _seatBit(msg.sender);
        Proposal storage proposal = _proposals[id];
        _requireState(id, proposal, _settings, ProposalState.Pending);
        if (proposal.approvals & bit != 0) revert HedgeCouncilAlreadyApproved(id, msg.sender);
        proposal.approvals |= bit;
        emit Approved(id, msg.sender);
    }

    /// @inheritdoc IHedgeCouncil
    function revoke(bytes32 id) external {
        uint64 bit = _seatBit(msg.sender);
        Proposal memory proposal = _proposals[id];
        ProposalState current = _state(proposal, _vetoes[id], _settings);
        if (current != ProposalState.Unknown && current != ProposalState.Pending) {
            revert HedgeCouncilUnexpectedProposalState(id, current);
        }
        bool approved = proposal.approvals & bit != 0;
        if (!approved && _revoked[id][msg.sender]) revert HedgeCouncilAlreadyRevoked(id, msg.sender);
        proposal.approvals &= ~bit;
        proposal.revoked = true;
        _proposals[id] = proposal;
        _revoked[id][msg.sender] = true;
        emit Revoked(id, msg.sender);
    }

    /// @inheritdoc IHedgeCouncil
    function approveBySig(bytes32 id, SeatSignature[] calldata signatures) external {
        Proposal storage proposal = _proposals[id];
        Proposal memory current = proposal;
        Settings memory settings = _settings;
        _requireState(id, current, settings, ProposalState.Pending);
        (uint64 approvals, ) = _addSignatures(id, current, settings.liveSeats, signatures);
        proposal.approvals = approvals;
    }

    /// @inheritdoc IHedgeCouncil
    function submit(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description,
        SeatSignature[] calldata signatures
    ) external returns (bytes32 id) {
        if (signatures.length == 0) revert HedgeCouncilNoSignatures();
        Proposal memory proposal;
        // The holder of the first signature's seat is the proposer; `_addSignatures` checks that it signed.
        (id, proposal) = _create(targets, values, calldatas, description, _holderOf[signatures[0].seatId]);
        // A new proposal has no approvals and no vetoes yet; revocations made before it existed mark its word.
        uint256 added;
        (proposal.approvals, added) = _addSignatures(id, proposal, _settings.liveSeats, signatures);
        // Every seat recorded is distinct and alive, so each one counts.
        _enact(targets, values, calldatas, id, proposal, added);
    }

    /// @inheritdoc IHedgeCouncil
    function queue(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external {
        bytes32 id = hashProposal(targets, values, calldatas, descriptionHash);
        Proposal memory proposal = _proposals[id];
        Settings memory settings = _settings;
        _requireState(id, proposal, settings, ProposalState.Pending);
        if (proposal.tier == Tier.Fast) revert HedgeCouncilFastTierNotQueued(id);
        _requireApprovals(id, proposal, settings);
        _queue(targets, values, calldatas, id, proposal, settings);
    }

    /// @inheritdoc IHedgeCouncil
    function execute(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external payable {
        bytes32 id = hashProposal(targets, values, calldatas, descriptionHash);
        Proposal memory proposal = _proposals[id];
        Settings memory settings = _settings;
        bool fast = proposal.tier == Tier.Fast;
        _requireState(id, proposal, settings, fast ? ProposalState.Pending : ProposalState.Queued);
        if (!fast && block.timestamp < proposal.eta) revert HedgeCouncilNotReady(id, proposal.eta);
        uint256 required = _sum(values);
        if (msg.value != required) revert HedgeCouncilValueMismatch(msg.value, required);
        _requireApprovals(id, proposal, settings);
        if (_codeHash(targets) != proposal.codeHash) revert HedgeCouncilTargetCodeChanged(id);

        _proposals[id].status = Status.Executed;
        if (fast) {
            _callDirectly(targets, values, calldatas);
        } else if (targets.length == 1) {
            TimelockController(payable(timelock)).execute{value: msg.value}(
                targets[0],
                values[0],
                calldatas[0],
                bytes32(0),
                id
            );
        } else {
            TimelockController(payable(timelock)).executeBatch{value: msg.value}(
                targets,
                values,
                calldatas,
                bytes32(0),
                id
            );
        }
        emit Executed(id);
    }

    /// @inheritdoc IHedgeCouncil
    function veto(bytes32 id) external {
        uint64 bit = _seatBit(msg.sender);
        Proposal storage proposal = _proposals[id];
        Settings memory settings = _settings;
        uint64 vetoes = _vetoes[id];
        ProposalState current = _state(proposal, vetoes, settings);
        if (current != ProposalState.Pending && current != ProposalState.Queued) {
            revert HedgeCouncilUnexpectedProposalState(id, current);
        }
        if (proposal.tier != Tier.Critical) revert HedgeCouncilVetoNotCritical(id, proposal.tier);
        if (vetoes & bit != 0) revert HedgeCouncilAlreadyVetoed(id, msg.sender);
        vetoes |= bit;
        _vetoes[id] = vetoes;
        emit VetoCast(id, msg.sender);
        if (_isVetoed(vetoes, settings)) {
            proposal.status = Status.Vetoed;
            emit Vetoed(id);
        }
    }

    /// @inheritdoc IHedgeCouncil
    function cancel(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external {
        bytes32 id = hashProposal(targets, values, calldatas, descriptionHash);
        Proposal storage proposal = _proposals[id];
        Status status = proposal.status;
        ProposalState current = _state(proposal, _vetoes[id], _settings);
        if (current != ProposalState.Vetoed && current != ProposalState.Expired) {
            revert HedgeCouncilUnexpectedProposalState(id, current);
        }
        // Vetoes that reach a threshold lowered after they were cast kill the proposal: record it for good.
        bool recorded = current == ProposalState.Vetoed && status != Status.Vetoed;
        if (recorded) {
            proposal.status = Status.Vetoed;
            emit Vetoed(id);
        }
        bytes32 operation = _operationId(id, targets, values, calldatas);
        if (!TimelockController(payable(timelock)).isOperationPending(operation)) {
            if (recorded) return;
            revert HedgeCouncilNothingToCancel(id);
        }
        emit ProposalCanceled(id);
        TimelockController(payable(timelock)).cancel(operation);
    }

    /// @inheritdoc IHedgeCouncil
    function seatUpdated(address holder, uint256 seatId, bool live) external onlySeats {
        uint64 bit = uint64(1 << (seatId - 1));
        if (live) {
            _seatOf[holder] = seatId;
            _holderOf[seatId] = holder;
            _settings.liveSeats |= bit;
        } else {
            delete _seatOf[holder];
            delete _holderOf[seatId];
            _settings.liveSeats &= ~bit;
        }
        emit SeatUpdated(holder, seatId, live);
    }

    /// @inheritdoc IHedgeCouncil
    function setTierRule(Tier tier, uint8 threshold, uint32 delay) external onlyGovernance {
        Settings memory settings = _settings;
        (uint8 previousThreshold, uint32 previousDelay) = _tierRule(settings, tier);
        if (tier == Tier.Fast) {
            if (delay != 0) revert HedgeCouncilFastDelayNotZero(delay);
            settings.fastThreshold = threshold;
        } else if (tier == Tier.Standard) {
            (settings.standardThreshold, settings.standardDelay) = (threshold, delay);
        } else {
            (settings.criticalThreshold, settings.criticalDelay) = (threshold, delay);
        }
        _checkTierRules(settings);
        _settings = settings;
        emit TierRuleUpdated(tier, previousThreshold, previousDelay, threshold, delay);
    }

    /// @inheritdoc IHedgeCouncil
    function setVetoThreshold(uint8 threshold) external onlyGovernance {
        _checkVetoThreshold(threshold, _settings.liveSeats);
        uint8 previous = _settings.vetoThreshold;
        _settings.vetoThreshold = threshold;
        emit VetoThresholdUpdated(previous, threshold);
    }

    /// @inheritdoc IHedgeCouncil
    function setExpiry(uint32 proposalTtl, uint32 gracePeriod) external onlyGovernance {
        _checkExpiry(proposalTtl, gracePeriod);
        Settings memory settings = _settings;
        _settings.proposalTtl = proposalTtl;
        _settings.gracePeriod = gracePeriod;
        emit ExpiryUpdated(settings.proposalTtl, settings.gracePeriod, proposalTtl, gracePeriod);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IHedgeCouncil
    function hashProposal(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) public pure returns (bytes32) {
        return keccak256(abi.encode(targets, values, calldatas, descriptionHash));
    }

    /// @inheritdoc IHedgeCouncil
    function operationId(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external pure returns (bytes32) {
        return _operationId(hashProposal(targets, values, calldatas, descriptionHash), targets, values, calldatas);
    }

    /// @inheritdoc IHedgeCouncil
    function state(bytes32 id) external view returns (ProposalState) {
        return _state(_proposals[id], _vetoes[id], _settings);
    }

    /// @inheritdoc IHedgeCouncil
    function tierOf(address[] calldata targets, bytes[] calldata calldatas) external view returns (Tier tier) {
        if (targets.length == 0 || targets.length != calldatas.length) {
            revert HedgeCouncilInvalidCallsLength(targets.length, calldatas.length);
        }
        (tier, ) = _classify(targets, calldatas);
    }

    /// @inheritdoc IHedgeCouncil
    function proposalTier(bytes32 id) external view returns (Tier) {
        return _proposals[id].tier;
    }

    /// @inheritdoc IHedgeCouncil
    function proposalEta(bytes32 id) external view returns (uint256) {
        return _proposals[id].eta;
    }

    /// @inheritdoc IHedgeCouncil
    function proposalDeadline(bytes32 id) external view returns (uint256) {
        return _proposals[id].deadline;
    }

    /// @inheritdoc IHedgeCouncil
    function approvalCount(bytes32 id) external view returns (uint256) {
        return _popCount(_proposals[id].approvals & _settings.liveSeats);
    }

    /// @inheritdoc IHedgeCouncil
    function hasApproved(bytes32 id, address account) external view returns (bool) {
        uint256 seatId = _seatOf[account];
        return seatId != 0 && _proposals[id].approvals & uint64(1 << (seatId - 1)) != 0;
    }

    /// @inheritdoc IHedgeCouncil
    function hasRevoked(bytes32 id, address account) external view returns (bool) {
        return _revoked[id][account];
    }

    /// @inheritdoc IHedgeCouncil
    function vetoCount(bytes32 id) external view returns (uint256) {
        return _popCount(_vetoes[id] & _settings.liveSeats);
    }

    /// @inheritdoc IHedgeCouncil
    function proposalMarks(bytes32 id) external view returns (uint64 approvals, uint64 vetoes) {
        return (_proposals[id].approvals, _vetoes[id]);
    }

    /// @inheritdoc IHedgeCouncil
    function seatOf(address holder) external view returns (uint256) {
        return _seatOf[holder];
    }

    /// @inheritdoc IHedgeCouncil
    function liveSeats() external view returns (uint64) {
        return _settings.liveSeats;
    }

    /// @inheritdoc IHedgeCouncil
    function tierRule(Tier tier) external view returns (uint8 threshold, uint32 delay) {
        return _tierRule(_settings, tier);
    }

    /// @inheritdoc IHedgeCouncil
    function vetoThreshold() external view returns (uint8) {
        return _settings.vetoThreshold;
    }

    /// @inheritdoc IHedgeCouncil
    function expiry() external view returns (uint32 proposalTtl, uint32 gracePeriod) {
        Settings memory settings = _settings;
        return (settings.proposalTtl, settings.gracePeriod);
    }

    /// @inheritdoc IHedgeCouncil
    function holderOf(uint256 seatId) external view returns (address) {
        return _holderOf[seatId];
    }

    /// @inheritdoc IHedgeCouncil
    function approvalDigest(bytes32 id, uint256 seatId, uint64 validUntil) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(APPROVAL_TYPEHASH, id, seatId, validUntil)));
    }

    // ---------------------------------------------------------------- internal helpers: proposals

    /**
     * @dev Checks and records a new proposal's creation; the caller stores it (one write for the whole word). The
     * proposal keeps the mark of revocations made before it existed.
     */
    function _create(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description,
        address proposer
    ) private returns (bytes32 id, Proposal memory proposal) {
        if (targets.length == 0 || targets.length != values.length || targets.length != calldatas.length) {
            revert HedgeCouncilInvalidProposalLength(targets.length, values.length, calldatas.length);
        }
        id = hashProposal(targets, values, calldatas, keccak256(bytes(description)));
        // The blocks below keep the stack shallow enough for the legacy code generator (the mutation build).
        {
            Proposal memory existing = _proposals[id];
            if (existing.status != Status.None) revert HedgeCouncilProposalExists(id);
            proposal.revoked = existing.revoked;
        }
        {
            (Tier tier, uint256 mixedAt) = _classify(targets, calldatas);
            if (mixedAt != 0) revert HedgeCouncilMixedFastBatch(mixedAt);
            // Fast proposals run from the council itself, which keeps no ether.
            if (tier == Tier.Fast) {
                uint256 value = _sum(values);
                if (value != 0) revert HedgeCouncilFastTierTakesNoValue(value);
            }
            proposal.tier = tier;
        }
        proposal.deadline = uint40(block.timestamp + _settings.proposalTtl);
        proposal.status = Status.Pending;
        proposal.codeHash = _codeHash(targets);
        emit ProposalCreated(id, proposer, proposal.tier, targets, values, calldatas, description);
    }

    /**
     * @dev Enacts a proposal created by `submit` with `approvals` signatures: a Fast one runs at once, any other is
     * scheduled. The calldata arrays come first in this and the helpers below so that the legacy code generator
     * (used by the mutation build) can still reach them on the stack.
     */
    function _enact(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 id,
        Proposal memory proposal,
        uint256 approvals
    ) private {
        Settings memory settings = _settings;
        uint256 threshold = _threshold(settings, proposal.tier);
        if (approvals < threshold) revert HedgeCouncilInsufficientApprovals(id, approvals, threshold);

        if (proposal.tier == Tier.Fast) {
            proposal.status = Status.Executed;
            _proposals[id] = proposal;
            _callDirectly(targets, values, calldatas);
            emit Executed(id);
        } else {
            _queue(targets, values, calldatas, id, proposal, settings);
        }
    }

    /**
     * @dev Stores a proposal as Queued and schedules it in the timelock at its tier's delay. If the timelock's own
     * minimum has been raised above that delay, the timelock refuses it and the proposal is scheduled at that minimum
     * instead, so raising the minimum can never lock the council out. The minimum is read only then: asking for it
     * first would cost every proposal an extra call.
     */
    function _queue(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 id,
        Proposal memory proposal,
        Settings memory settings
    ) private {
        uint256 delay = proposal.tier == Tier.Standard ? settings.standardDelay : settings.criticalDelay;
        uint256 eta = _storeQueued(id, proposal, delay, settings.gracePeriod);
        (bool success, bytes memory result) = timelock.call(_scheduleCall(targets, values, calldatas, id, delay));
        if (!success && bytes4(result) == TimelockController.TimelockInsufficientDelay.selector) {
            // The refused call changed nothing; store the later eta before scheduling again.
            delay = TimelockController(payable(timelock)).getMinDelay();
            eta = _storeQueued(id, proposal, delay, settings.gracePeriod);
            (success, result) = timelock.call(_scheduleCall(targets, values, calldatas, id, delay));
        }
        Address.verifyCallResult(success, result);
        emit Queued(id, eta);
    }

    /// @dev Stores `proposal` as Queued, ready after `delay` and executable for `gracePeriod` more; returns its eta.
    function _storeQueued(
        bytes32 id,
        Proposal memory proposal,
        uint256 delay,
        uint256 gracePeriod
    ) private returns (uint256 eta) {
        eta = block.timestamp + delay;
        proposal.status = Status.Queued;
        proposal.eta = uint40(eta);
        proposal.deadline = uint40(eta + gracePeriod);
        _proposals[id] = proposal;
    }

    /// @dev The timelock call that schedules a proposal: `schedule` for one call, `scheduleBatch` for several.
    function _scheduleCall(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 id,
        uint256 delay
    ) private pure returns (bytes memory) {
        if (targets.length == 1) {
            return
                abi.encodeCall(
                    TimelockController.schedule,
                    (targets[0], values[0], calldatas[0], bytes32(0), id, delay)
                );
        }
        return abi.encodeCall(TimelockController.scheduleBatch, (targets, values, calldatas, bytes32(0), id, delay));
    }

    /// @dev Runs the calls of a Fast-tier proposal from the council itself (it is the policy's steward).
    function _callDirectly(address[] calldata targets, uint256[] calldata values, bytes[] calldata calldatas) private {
        for (uint256 i = 0; i < targets.length; ++i) {
            Address.functionCallWithValue(targets[i], calldatas[i], values[i]);
        }
    }

    /**
     * @dev Records the signatures in the approvals of `proposal` and returns them with the number of seats added. A
     * signature of a live seat already among the approvals is ignored; any other must count, or the whole call reverts
     * naming its seat: the seat is live and appears once in the call, and {_signerOf} accepts the signature.
     */
    function _addSignatures(
        bytes32 id,
        Proposal memory proposal,
        uint64 live,
        SeatSignature[] calldata signatures
    ) private returns (uint64 approvals, uint256 added) {
        if (signatures.length == 0) revert HedgeCouncilNoSignatures();
        approvals = proposal.approvals;
        uint64 seen;
        for (uint256 i = 0; i < signatures.length; ++i) {
            SeatSignature calldata signature = signatures[i];
            uint256 seatId = signature.seatId;
            if (seatId == 0 || seatId > MAX_SEATS) revert HedgeCouncilSeatNotFound(seatId);
            uint64 bit = uint64(1 << (seatId - 1));
            if (live & bit == 0) revert HedgeCouncilSeatNotFound(seatId);
            if (seen & bit != 0) revert HedgeCouncilDuplicateSeat(seatId);
            seen |= bit;
            if (approvals & bit != 0) continue;
            address holder = _signerOf(id, proposal.revoked, signature);
            approvals |= bit;
            ++added;
            emit Approved(id, holder);
        }
    }

    /**
     * @dev The holder of the live seat `signature` names, once checked that the signature still counts: its deadline
     * has not passed, the holder's address has not revoked proposal `id` (looked up only when `revoked` says someone
     * did), and the holder signed `Approval(id, seatId, validUntil)`.
     */
    function _signerOf(
        bytes32 id,
        bool revoked,
        SeatSignature calldata signature
    ) private view returns (address holder) {
        uint256 seatId = signature.seatId;
        holder = _holderOf[seatId];
        uint64 validUntil = signature.validUntil;
        if (block.timestamp > validUntil) revert HedgeCouncilSignatureExpired(seatId, validUntil);
        if (revoked && _revoked[id][holder]) revert HedgeCouncilSignatureRevoked(id, seatId, holder);
        if (!_isSigned(holder, approvalDigest(id, seatId, validUntil), signature.signature)) {
            revert HedgeCouncilInvalidSignature(seatId);
        }
    }

    /**
     * @dev Whether `signature` is `holder`'s signature of `digest`: ECDSA first (no external call; malleable high-s
     * signatures refused), then ERC-1271 for a contract holder. Asking for the holder's code first, as
     * {SignatureChecker-isValidSignatureNowCalldata} does, would cost every signer a cold account access.
     */
    function _isSigned(address holder, bytes32 digest, bytes calldata signature) private view returns (bool) {
        (address recovered, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (error == ECDSA.RecoverError.NoError && recovered == holder) return true;
        return SignatureChecker.isValidERC1271SignatureNowCalldata(holder, digest, signature);
    }

    /// @dev Reverts unless the approvals of current seat holders reach the tier's threshold.
    function _requireApprovals(bytes32 id, Proposal memory proposal, Settings memory settings) private pure {
        uint256 approvals = _popCount(proposal.approvals & settings.liveSeats);
        uint256 threshold = _threshold(settings, proposal.tier);
        if (approvals < threshold) revert HedgeCouncilInsufficientApprovals(id, approvals, threshold);
    }

    function _requireState(
        bytes32 id,
        Proposal memory proposal,
        Settings memory settings,
        ProposalState required
    ) private view {
        ProposalState current = _state(proposal, _vetoes[id], settings);
        if (current != required) revert HedgeCouncilUnexpectedProposalState(id, current);
    }

    /**
     * @dev The state of a proposal. A Pending or Queued proposal whose vetoes by current seat holders reach the veto
     * threshold in force now is Vetoed, even if the threshold was lowered after the vetoes were cast: so `queue` and
     * `execute` judge the vetoes again.
     */
    function _state(
        Proposal memory proposal,
        uint64 vetoes,
        Settings memory settings
    ) private view returns (ProposalState) {
        Status status = proposal.status;
        if (status == Status.None) return ProposalState.Unknown;
        if (status == Status.Executed) return ProposalState.Executed;
        if (status == Status.Vetoed || _isVetoed(vetoes, settings)) return ProposalState.Vetoed;
        if (block.timestamp > proposal.deadline) return ProposalState.Expired;
        return status == Status.Pending ? ProposalState.Pending : ProposalState.Queued;
    }

    /// @dev Whether `vetoes` by current seat holders reach the veto threshold.
    function _isVetoed(uint64 vetoes, Settings memory settings) private pure returns (bool) {
        return _popCount(vetoes & settings.liveSeats) >= settings.vetoThreshold;
    }

    /// @dev The ether a proposal's calls send.
    function _sum(uint256[] calldata values) private pure returns (uint256 total) {
        for (uint256 i = 0; i < values.length; ++i) {
            total += values[i];
        }
    }

    /// @dev The same hashes as TimelockController.hashOperation / hashOperationBatch, with the proposal id as salt.
    function _operationId(
        bytes32 id,
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas
    ) private pure returns (bytes32) {
        if (targets.length == 1) return keccak256(abi.encode(targets[0], values[0], calldatas[0], bytes32(0), id));
        return keccak256(abi.encode(targets, values, calldatas, bytes32(0), id));
    }

    // ---------------------------------------------------------------- internal helpers: tiers

    /**
     * @dev The highest tier of the calls, and the index of the first call whose Fast-ness differs from the first
     * call's (0 when the batch is all nudges or has none).
     */
    function _classify(
        address[] calldata targets,
        bytes[] calldata calldatas
    ) private view returns (Tier tier, uint256 mixedAt) {
        bool firstFast;
        for (uint256 i = 0; i < targets.length; ++i) {
            Tier callTier = _callTier(targets[i], calldatas[i]);
            if (callTier > tier) tier = callTier;
            bool isFast = callTier == Tier.Fast;
            if (i == 0) firstFast = isFast;
            else if (isFast != firstFast && mixedAt == 0) mixedAt = i;
        }
    }

    function _callTier(address target, bytes calldata data) private view returns (Tier) {
        if (target != hedgePolicy || data.length < 4) return Tier.Critical;
        bytes4 selector = bytes4(data[:4]);
        if (selector == IHedgePolicy.nudgeTrigger.selector || selector == IHedgePolicy.nudgeCoverage.selector) {
            return Tier.Fast;
        }
        if (selector != IHedgePolicy.setPolicy.selector) return Tier.Critical;
        // `setPolicy(Policy, uint64)` is judged by `isLoosening(Policy)` on the very bytes `setPolicy` will decode:
        // in the canonical encoding the policy tuple starts right after the head (offset 0x40), so forwarding it
        // behind an offset of 0x20 hands `isLoosening` the same tuple. Any other encoding is Critical.
        if (data.length < 68 || uint256(bytes32(data[4:36])) != 0x40) return Tier.Critical;
        IHedgePolicy policy = IHedgePolicy(hedgePolicy);
        if (uint256(bytes32(data[36:68])) != policy.version()) return Tier.Critical;
        (bool ok, bytes memory result) = address(policy).staticcall(
            abi.encodePacked(IHedgePolicy.isLoosening.selector, uint256(0x20), data[68:])
        );
        if (!ok || result.length != 32 || abi.decode(result, (bool))) return Tier.Critical;
        return Tier.Standard;
    }

    // ---------------------------------------------------------------- internal helpers: settings

    /**
     * @dev The approvals a tier needs: its threshold, and never fewer than two once there are two seats, so that no
     * seat acts alone even in a council grown from one seat whose thresholds are not raised yet.
     */
    function _threshold(Settings memory settings, Tier tier) private pure returns (uint256) {
        uint256 threshold =
            tier == Tier.Fast
                ? settings.fastThreshold
                : tier == Tier.Standard
                    ? settings.standardThreshold
                    : settings.criticalThreshold;
        uint256 floor = _minThreshold(_popCount(settings.liveSeats));
        return threshold < floor ? floor : threshold;
    }

    /// @dev The lowest threshold of any tier for `seatCount` seats: min(2, seats), and at least 1.
    function _minThreshold(uint256 seatCount) private pure returns (uint256) {
        return seatCount < 2 ? 1 : 2;
    }

    function _tierRule(Settings memory settings, Tier tier) private pure returns (uint8, uint32) {
        if (tier == Tier.Fast) return (settings.fastThreshold, 0);
        if (tier == Tier.Standard) return (settings.standardThreshold, settings.standardDelay);
        return (settings.criticalThreshold, settings.criticalDelay);
    }

    function _checkTierRules(Settings memory settings) private view {
        uint256 seatCount = _popCount(settings.liveSeats);
        if (
            settings.fastThreshold < _minThreshold(seatCount) ||
            settings.fastThreshold > settings.standardThreshold ||
            settings.standardThreshold > settings.criticalThreshold ||
            settings.criticalThreshold > seatCount
        ) {
            revert HedgeCouncilThresholdsOutOfOrder(
                settings.fastThreshold,
                settings.standardThreshold,
                settings.criticalThreshold,
                seatCount
            );
        }
        uint256 minDelay = TimelockController(payable(timelock)).getMinDelay();
        if (settings.standardDelay < minDelay) {
            revert HedgeCouncilStandardDelayBelowTimelockMinimum(settings.standardDelay, minDelay);
        }
        if (settings.criticalDelay < settings.standardDelay) {
            revert HedgeCouncilCriticalDelayBelowStandard(settings.criticalDelay, settings.standardDelay);
        }
    }

    function _checkVetoThreshold(uint8 threshold, uint64 live) private pure {
        uint256 seatCount = _popCount(live);
        if (threshold == 0 || threshold > seatCount) revert HedgeCouncilVetoThresholdOutOfRange(threshold, seatCount);
    }

    function _checkExpiry(uint32 proposalTtl, uint32 gracePeriod) private pure {
        if (
            proposalTtl < MIN_EXPIRY || proposalTtl > MAX_EXPIRY || gracePeriod < MIN_EXPIRY || gracePeriod > MAX_EXPIRY
        ) {
            revert HedgeCouncilExpiryOutOfRange(proposalTtl, gracePeriod);
        }
    }

    // ---------------------------------------------------------------- internal helpers: seats and bits

    /// @dev The approval bit of `account`'s seat; reverts if it holds none.
    function _seatBit(address account) private view returns (uint64) {
        uint256 seatId = _seatOf[account];
        if (seatId == 0) revert HedgeCouncilNotSeatHolder(account);
        return uint64(1 << (seatId - 1));
    }

    /// @dev A commitment to the code of every target: accounts without code all count as zero.
    function _codeHash(address[] calldata targets) private view returns (bytes11) {
        if (targets.length == 1) return bytes11(keccak256(abi.encode(_codeHashOf(targets[0]))));
        bytes32[] memory hashes = new bytes32[](targets.length);
        for (uint256 i = 0; i < targets.length; ++i) {
            hashes[i] = _codeHashOf(targets[i]);
        }
        return bytes11(keccak256(abi.encodePacked(hashes)));
    }

    function _codeHashOf(address target) private view returns (bytes32 hash) {
        hash = target.codehash;
        if (hash == EMPTY_CODEHASH) hash = bytes32(0);
    }

    /// @dev Number of set bits (SWAR popcount).
    function _popCount(uint64 bits) private pure returns (uint256) {
        uint256 x = bits;
        x -= (x >> 1) & 0x5555555555555555;
        x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333);
        x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0f;
        return ((x * 0x0101010101010101) >> 56) & 0xff;
    }
}
