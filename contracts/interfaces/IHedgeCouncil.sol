// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IHedgeCouncil
 * @notice M-of-N approvals by seat holders over proposals in OpenZeppelin Governor's shape, with risk tiers decided
 * on chain, veto, expiry and code-hash pinning. The council is the only proposer, canceller and executor of the
 * timelock; Fast-tier proposals (steward nudges only) are executed by the council directly.
 *
 * Like Governor, the council keeps a proposal's hash, never its calldata: `queue`, `execute` and `cancel` take the
 * calls again, with the hash of the description, and check them against the id. The calls and the description (the
 * rationale of the change, bound to its id) are in {ProposalCreated}.
 *
 * Approvals by signature are EIP-712 typed data `Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)` in
 * the domain `HedgeCouncil`, version `2`: a signature names its seat and carries a deadline.
 */
interface IHedgeCouncil {
    // ---------------------------------------------------------------- types

    /// @notice Risk tiers, lowest first. A proposal's tier is the highest tier of its calls.
    enum Tier {
        Fast,
        Standard,
        Critical
    }

    /// @notice The life of a proposal. `Expired` is derived from the clock, never stored.
    enum ProposalState {
        Unknown,
        Pending,
        Queued,
        Executed,
        Vetoed,
        Expired
    }

    /**
     * @notice A seat holder's EIP-712 approval: `Approval(proposalId, seatId, validUntil)` signed by the current
     * holder of seat `seatId` (ECDSA, or ERC-1271 for a contract holder), counted only until `validUntil`.
     */
    struct SeatSignature {
        uint256 seatId;
        uint64 validUntil;
        bytes signature;
    }

    // ---------------------------------------------------------------- errors

    /// @dev `caller` is not governance (the timelock).
    error HedgeCouncilUnauthorizedGovernance(address caller);

    /// @dev Only the seats contract may report a seat minted or burned.
    error HedgeCouncilUnauthorizedSeats(address caller);

    /// @dev The seats contract given to the constructor reports to another council (`seatsCouncil`).
    error HedgeCouncilSeatsNotLinked(address seatsCouncil);

    /// @dev An address that must be set was the zero address.
    error HedgeCouncilZeroAddress();

    /// @dev `account` holds no council seat.
    error HedgeCouncilNotSeatHolder(address account);

    /// @dev A proposal needs at least one call, and as many values and calldatas as targets.
    error HedgeCouncilInvalidProposalLength(uint256 targets, uint256 values, uint256 calldatas);

    /// @dev Calls to classify need at least one target, and as many calldatas as targets.
    error HedgeCouncilInvalidCallsLength(uint256 targets, uint256 calldatas);

    /// @dev Steward nudges (Fast tier) cannot be mixed with other calls; call `index` is the first that breaks it.
    error HedgeCouncilMixedFastBatch(uint256 index);

    /// @dev A proposal with id `id` already exists; a proposal can never be created twice.
    error HedgeCouncilProposalExists(bytes32 id);

    /// @dev Proposal `id` is in state `current`, which does not allow this action.
    error HedgeCouncilUnexpectedProposalState(bytes32 id, ProposalState current);

    /// @dev Fast-tier proposals skip the timelock: execute them once approved, do not queue them.
    error HedgeCouncilFastTierNotQueued(bytes32 id);

    /// @dev `signer` already approved proposal `id`.
    error HedgeCouncilAlreadyApproved(bytes32 id, address signer);

    /// @dev `signer` already revoked proposal `id` and has no approval of it to withdraw: nothing would change.
    error HedgeCouncilAlreadyRevoked(bytes32 id, address signer);

    /// @dev `signer` already vetoed proposal `id`.
    error HedgeCouncilAlreadyVetoed(bytes32 id, address signer);

    /// @dev Only a Critical proposal can be vetoed; proposal `id` is `tier`.
    error HedgeCouncilVetoNotCritical(bytes32 id, Tier tier);

    /**
     * @dev The signature of seat `seatId` is by `holder`, whose address revoked proposal `id`: no signature of that
     * address counts for it again, whatever seat it holds; it may still approve on chain, as itself.
     */
    error HedgeCouncilSignatureRevoked(bytes32 id, uint256 seatId, address holder);

    /// @dev Fast-tier proposals run from the council itself, which keeps no ether: their calls send none (`value`).
    error HedgeCouncilFastTierTakesNoValue(uint256 value);

    /// @dev `execute` takes exactly the ether the proposal's calls send: `required`, not `sent`.
    error HedgeCouncilValueMismatch(uint256 sent, uint256 required);

    /// @dev No signature was given.
    error HedgeCouncilNoSignatures();

    /// @dev A signature names seat `seatId`, which does not exist (never minted, or burned).
    error HedgeCouncilSeatNotFound(uint256 seatId);

    /// @dev Seat `seatId` has two signatures in one call.
    error HedgeCouncilDuplicateSeat(uint256 seatId);

    /// @dev The signature of seat `seatId` was valid until `validUntil`, which has passed.
    error HedgeCouncilSignatureExpired(uint256 seatId, uint64 validUntil);

    /**
     * @dev The signature given for seat `seatId` is not its current holder's EIP-712 approval of the proposal with
     * that seat and deadline (ECDSA with low s, or ERC-1271 for a contract holder).
     */
    error HedgeCouncilInvalidSignature(uint256 seatId);

    /// @dev Proposal `id` has `approvals` approvals from current seat holders; its tier needs `threshold`.
    error HedgeCouncilInsufficientApprovals(bytes32 id, uint256 approvals, uint256 threshold);

    /// @dev Proposal `id` is queued until `eta`.
    error HedgeCouncilNotReady(bytes32 id, uint256 eta);

    /// @dev The code of a target of proposal `id` changed since the proposal was created.
    error HedgeCouncilTargetCodeChanged(bytes32 id);

    /// @dev Proposal `id` has no pending operation in the timelock.
    error HedgeCouncilNothingToCancel(bytes32 id);

    /// @dev Thresholds must satisfy min(2, seats) <= fast <= standard <= critical <= seats (and fast >= 1).
    error HedgeCouncilThresholdsOutOfOrder(uint8 fast, uint8 standard, uint8 critical, uint256 seats);

    /// @dev The Fast tier never waits: its delay must be 0.
    error HedgeCouncilFastDelayNotZero(uint32 delay);

    /// @dev The Standard delay must be at least the timelock's minimum delay.
    error HedgeCouncilStandardDelayBelowTimelockMinimum(uint32 delay, uint256 minDelay);

    /// @dev The Critical delay must be at least the Standard delay.
    error HedgeCouncilCriticalDelayBelowStandard(uint32 criticalDelay, uint32 standardDelay);

    /// @dev The veto threshold must satisfy 1 <= threshold <= seats.
    error HedgeCouncilVetoThresholdOutOfRange(uint8 threshold, uint256 seats);

    /// @dev The proposal TTL and grace period must each be within 1 hour..365 days.
    error HedgeCouncilExpiryOutOfRange(uint32 proposalTtl, uint32 gracePeriod);

    // ---------------------------------------------------------------- events

    /// @dev Proposal `id` was created by `proposer` (the first signer for {submit}) with tier `tier`.
    event ProposalCreated(
        bytes32 indexed id,
        address indexed proposer,
        Tier tier,
        address[] targets,
        uint256[] values,
        bytes[] calldatas,
        string description
    );

    /// @dev `signer` approved proposal `id` (on chain, by signature, or by proposing it).
    event Approved(bytes32 indexed id, address indexed signer);

    /**
     * @dev Address `signer` revoked proposal `id` (which may not exist yet): its recorded approval, if any, is
     * withdrawn and no signature of that address counts for the proposal again.
     */
    event Revoked(bytes32 indexed id, address indexed signer);

    /// @dev Proposal `id` was scheduled in the timelock; it can execute from `eta`.
    event Queued(bytes32 indexed id, uint256 eta);

    /// @dev Proposal `id` was executed.
    event Executed(bytes32 indexed id);

    /// @dev `signer` cast a veto against proposal `id`.
    event VetoCast(bytes32 indexed id, address indexed signer);

    /// @dev Proposal `id` reached the veto threshold: it is dead for good.
    event Vetoed(bytes32 indexed id);

    /// @dev The timelock operation of vetoed or expired proposal `id` was cancelled.
    event ProposalCanceled(bytes32 indexed id);

    /// @dev The threshold and delay of `tier` changed.
    event TierRuleUpdated(
        Tier indexed tier,
        uint8 previousThreshold,
        uint32 previousDelay,
        uint8 newThreshold,
        uint32 newDelay
    );

    /// @dev The veto threshold changed.
    event VetoThresholdUpdated(uint8 previousThreshold, uint8 newThreshold);

    /// @dev The proposal TTL and grace period changed.
    event ExpiryUpdated(uint32 previousTtl, uint32 previousGracePeriod, uint32 newTtl, uint32 newGracePeriod);

    /// @dev The council's copy of the seats changed: `holder` got seat `seatId` (`live`) or lost it.
    event SeatUpdated(address indexed holder, uint256 indexed seatId, bool live);

    // ---------------------------------------------------------------- state-changing functions

    /**
     * @notice Creates a proposal; proposing counts as the proposer's approval.
     *
     * Emits {ProposalCreated} and {Approved}.
     *
     * Requirements:
     * - the caller holds a seat;
     * - at least one call, and as many values and calldatas as targets;
     * - steward nudges are not mixed with other calls;
     * - no proposal with the same calls and description exists (proposing the same calls again needs another
     *   description, as in Governor).
     *
     * @param description the rationale of the change, kept in {ProposalCreated}; its keccak256 is part of the id
     * @return id the proposal id, `hashProposal(targets, values, calldatas, keccak256(bytes(description)))`
     */
    function propose(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description
    ) external returns (bytes32 id);

    /**
     * @notice Approves proposal `id` as the caller's seat.
     *
     * Emits {Approved}.
     *
     * Requirements:
     * - the caller holds a seat and has not approved yet;
     * - the proposal is Pending.
     */
    function approve(bytes32 id) external;

    /**
     * @notice Revokes the caller's consent to proposal `id`, which may not exist yet: a signer can withdraw a
     * signature before anyone relays it. On a Pending proposal it also withdraws the caller's recorded approval. The
     * revocation belongs to the caller's address: no signature of that address counts for this proposal again,
     * whatever seat it holds later; only fresh on-chain consent by the address itself ({approve}, or {propose} of
     * that id) counts.
     *
     * Emits {Revoked}.
     *
     * Requirements:
     * - the caller holds a seat;
     * - the proposal does not exist yet or is Pending (once Queued, approvals are spent);
     * - something changes: the caller has an approval to withdraw, or had not revoked the proposal yet.
     */
    function revoke(bytes32 id) external;

    /**
     * @notice Records EIP-712 approvals `Approval(bytes32 proposalId,uint256 seatId,uint64 validUntil)` signed by
     * seat holders. Anyone may relay. A signature of a seat whose approval is already recorded is ignored, so
     * approving on chain first cannot make a relayer's call fail; any other signature that does not count makes the
     * whole call revert with an error naming its seat.
     *
     * Emits {Approved} for each seat recorded, with its holder.
     *
     * Requirements:
     * - the proposal is Pending;
     * - at least one signature, each seat at most once;
     * - each seat exists, `block.timestamp <= validUntil`, its holder's address never revoked this proposal, and the
     *   signature is the holder's: ECDSA with low s, or ERC-1271 for a contract holder.
     */
    function approveBySig(bytes32 id, SeatSignature[] calldata signatures) external;

    /**
     * @notice Creates a proposal, records every signature and queues it (Fast tier: executes it) in one
     * transaction. Anyone may relay; the holder of the first signature's seat is recorded as proposer. All or
     * nothing: below the tier's threshold it reverts and records nothing.
     *
     * Emits {ProposalCreated}, {Approved} for each seat, then {Queued} (or {Executed} for the Fast tier).
     *
     * Requirements: those of {propose} (but the caller needs no seat), of {approveBySig}, and the signatures reach
     * the threshold of the proposal's tier.
     *
     * @return id the proposal id
     */
    function submit(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        string calldata description,
        SeatSignature[] calldata signatures
    ) external returns (bytes32 id);

    /**
     * @notice Schedules an approved proposal in the timelock, with the larger of its tier's delay and the
     * timelock's minimum delay. Anyone may call it.
     *
     * Emits {Queued}.
     *
     * Requirements:
     * - the proposal is Pending (not Vetoed: its vetoes by current seat holders are below the veto threshold in
     *   force now) and not Fast tier;
     * - its approvals from current seat holders reach its tier's threshold (at least two once there are two seats).
     */
    function queue(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external;

    /**
     * @notice Executes a proposal: through the timelock once its eta has come, or directly for the Fast tier once
     * approved. Anyone may call it.
     *
     * Emits {Executed}.
     *
     * Requirements:
     * - Standard and Critical: the proposal is Queued, its eta has come, its grace period has not passed;
     * - Fast: the proposal is Pending;
     * - not Vetoed: its vetoes by current seat holders are below the veto threshold in force now;
     * - `msg.value` is exactly the sum of `values`;
     * - its approvals from current seat holders still reach its tier's threshold;
     * - no target's code changed since the proposal was created;
     * - every call succeeds.
     */
    function execute(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external payable;

    /**
     * @notice Casts the caller's veto against Critical proposal `id`; at the veto threshold the proposal is dead for
     * good. A veto exists to stop a change that weakens the hedge or changes who governs: Fast and Standard proposals
     * never loosen, so they cannot be vetoed.
     *
     * Emits {VetoCast}, and {Vetoed} when the threshold is reached.
     *
     * Requirements:
     * - the caller holds a seat and has not vetoed this proposal;
     * - the proposal is Critical, and Pending or Queued.
     */
    function veto(bytes32 id) external;

    /**
     * @notice Removes the timelock operation of a vetoed or expired proposal. Anyone may call it. A proposal whose
     * vetoes reach a veto threshold lowered after they were cast is recorded as Vetoed for good.
     *
     * Emits {Vetoed} when it records such a veto, and {ProposalCanceled} (and the timelock's `Cancelled`) when it
     * removes an operation.
     *
     * Requirements:
     * - the proposal is Vetoed or Expired;
     * - its operation is pending in the timelock, or the call records its veto.
     */
    function cancel(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external;

    /**
     * @notice Records in the council's copy of the seats that `holder` got seat `seatId` (`live`) or lost it. The
     * seats contract calls this on every mint and burn, so counting approvals needs no call to it.
     *
     * Emits {SeatUpdated}.
     *
     * Requirements:
     * - the caller is the seats contract.
     */
    function seatUpdated(address holder, uint256 seatId, bool live) external;

    /**
     * @notice Sets the threshold and delay of `tier`.
     *
     * Emits {TierRuleUpdated}.
     *
     * Requirements:
     * - the caller is governance;
     * - afterwards min(2, seats) <= Fast <= Standard <= Critical <= seats, the Fast delay is 0, the Standard delay
     *   is at least the timelock's minimum delay and the Critical delay at least the Standard delay.
     */
    function setTierRule(Tier tier, uint8 threshold, uint32 delay) external;

    /**
     * @notice Sets how many vetoes kill a proposal.
     *
     * Emits {VetoThresholdUpdated}.
     *
     * Requirements:
     * - the caller is governance;
     * - 1 <= `threshold` <= seats.
     */
    function setVetoThreshold(uint8 threshold) external;

    /**
     * @notice Sets how long a proposal may wait to be queued (`proposalTtl`) and to be executed after its eta
     * (`gracePeriod`). Existing proposals keep the values in force when they were created and queued.
     *
     * Emits {ExpiryUpdated}.
     *
     * Requirements:
     * - the caller is governance;
     * - each value within 1 hour..365 days.
     */
    function setExpiry(uint32 proposalTtl, uint32 gracePeriod) external;

    // ---------------------------------------------------------------- views

    /**
     * @notice The id of a proposal: `keccak256(abi.encode(targets, values, calldatas, descriptionHash))`, where
     * `descriptionHash = keccak256(bytes(description))`, as in OpenZeppelin Governor.
     */
    function hashProposal(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external pure returns (bytes32);

    /**
     * @notice The state of proposal `id`. A Pending or Queued proposal whose vetoes by current seat holders reach the
     * veto threshold in force now is Vetoed, even if the threshold was lowered after they were cast ({cancel} records
     * it for good).
     */
    function state(bytes32 id) external view returns (ProposalState);

    /**
     * @notice The tier these calls need: the highest tier of any call. Fast: steward nudges on the policy only.
     * Standard: a non-loosening `setPolicy` for the current version. Critical: everything else.
     */
    function tierOf(address[] calldata targets, bytes[] calldata calldatas) external view returns (Tier);

    /// @notice The tier recorded for proposal `id` at creation.
    function proposalTier(bytes32 id) external view returns (Tier);

    /// @notice When proposal `id` can execute (0 until queued).
    function proposalEta(bytes32 id) external view returns (uint256);

    /// @notice When proposal `id` expires: the queue deadline while Pending, the execution deadline once Queued.
    function proposalDeadline(bytes32 id) external view returns (uint256);

    /// @notice How many current seat holders approved proposal `id`.
    function approvalCount(bytes32 id) external view returns (uint256);

    /// @notice Whether `account` currently holds a seat and approved proposal `id`.
    function hasApproved(bytes32 id, address account) external view returns (bool);

    /// @notice How many current seat holders vetoed proposal `id`.
    function vetoCount(bytes32 id) external view returns (uint256);

    /// @notice Whether address `account` revoked proposal `id` (its signatures no longer count for it).
    function hasRevoked(bytes32 id, address account) external view returns (bool);

    /// @notice The raw marks of proposal `id`: bit `seatId - 1` per seat that approved it, and per seat that vetoed it
    /// (burned seats included; only live seats count).
    function proposalMarks(bytes32 id) external view returns (uint64 approvals, uint64 vetoes);

    /// @notice The council's copy of the seat `holder` holds (0: none), kept in step with the seats contract.
    function seatOf(address holder) external view returns (uint256);

    /// @notice The council's copy of the live seats: bit `seatId - 1` per live seat, as in the seats contract.
    function liveSeats() external view returns (uint64);

    /// @notice The threshold and delay of `tier`, as set. Approvals are counted against at least min(2, seats).
    function tierRule(Tier tier) external view returns (uint8 threshold, uint32 delay);

    /// @notice How many vetoes kill a proposal.
    function vetoThreshold() external view returns (uint8);

    /// @notice The proposal TTL and grace period now in force.
    function expiry() external view returns (uint32 proposalTtl, uint32 gracePeriod);

    /// @notice The timelock operation id of a proposal's calls (the timelock's salt is the proposal id; no
    /// predecessor).
    function operationId(
        address[] calldata targets,
        uint256[] calldata values,
        bytes[] calldata calldatas,
        bytes32 descriptionHash
    ) external pure returns (bytes32);

    /// @notice The EIP-712 digest the holder of seat `seatId` signs to approve proposal `id` until `validUntil`.
    function approvalDigest(bytes32 id, uint256 seatId, uint64 validUntil) external view returns (bytes32);

    /// @notice The council's copy of who holds seat `seatId` (the zero address: no such seat).
    function holderOf(uint256 seatId) external view returns (address);

    /// @notice The seats whose holders make up the council.
    function seats() external view returns (address);

    /// @notice The timelock the council proposes to and executes through.
    function timelock() external view returns (address);

    /// @notice The hedge policy whose changes the council classifies into tiers.
    function hedgePolicy() external view returns (address);
}
