// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title IHedgePolicy
 * @notice The parameters of an Adaptive Layered VIX Hedge (ALVH): SPX iron condors protected by VIX layers that
 * engage as volatility rises. Full changes come from governance (the timelock) and are compare-and-swap on the
 * policy version, which counts the policies governance approved; bounded nudges come from the steward (the council's
 * Fast tier) and stay within a band around the baseline, the values the last full change set.
 *
 * Units: basis points (10,000 = 100 %, deltas too), VIX levels in hundredths (2250 = VIX 22.50), times in
 * seconds, tenors and expiries in days.
 */
interface IHedgePolicy {
    // ---------------------------------------------------------------- types

    /// @notice What a hedge layer buys.
    enum Instrument {
        VixFutures,
        VixCallSpread,
        VolatilityEtf,
        SpxPuts
    }

    /// @notice One hedge layer: its share of the hedge budget, its tenor and the VIX level that engages it.
    struct Layer {
        uint16 allocationBps;
        uint16 tenorDays;
        uint32 triggerVix;
        Instrument instrument;
    }

    /// @notice The whole hedge policy. `layers` has 1..5 entries, ordered by rising trigger.
    struct Policy {
        Layer[] layers;
        uint16 coverageBps; // hedge notional as a share of condor notional
        uint16 scaleStepBps; // scale-in increment
        uint16 shortDeltaMinBps; // condor short-strike delta band
        uint16 shortDeltaMaxBps;
        uint16 wingWidthPts; // condor wing width, index points
        uint16 targetDte; // condor days to expiry
        uint32 hysteresisVix; // how far below its trigger the VIX must fall before a layer disengages
        uint32 maxOracleAge; // oldest oracle answer accepted, seconds
    }

    // ---------------------------------------------------------------- errors: authority

    /// @dev `caller` is not the governance address (the timelock).
    error HedgePolicyUnauthorizedGovernance(address caller);

    /// @dev `caller` is not the steward (the council).
    error HedgePolicyUnauthorizedSteward(address caller);

    /// @dev An address that must be set was the zero address.
    error HedgePolicyZeroAddress();

    /// @dev The oracle given has no code.
    error HedgePolicyOracleNotContract(address oracle);

    // ---------------------------------------------------------------- errors: compare-and-swap

    /// @dev `setPolicy` was approved against `expected` but the policy is now at `current`.
    error HedgePolicyVersionMismatch(uint64 expected, uint64 current);

    // ---------------------------------------------------------------- errors: invariants

    /// @dev A policy needs 1..5 layers.
    error HedgePolicyLayerCountOutOfRange(uint256 count);

    /// @dev Every layer needs a non-zero allocation.
    error HedgePolicyAllocationZero(uint8 layer);

    /// @dev Allocations must sum to exactly 10,000 bps.
    error HedgePolicyAllocationSumNot100Percent(uint256 sum);

    /// @dev Each trigger must be within 1,000..10,000 (VIX 10 to 100).
    error HedgePolicyTriggerOutOfRange(uint8 layer, uint32 triggerVix);

    /// @dev Triggers must strictly increase from layer to layer.
    error HedgePolicyTriggerNotIncreasing(uint8 layer, uint32 previousTrigger, uint32 triggerVix);

    /// @dev Each tenor must be within 1..730 days.
    error HedgePolicyTenorOutOfRange(uint8 layer, uint16 tenorDays);

    /// @dev Tenors must not decrease from layer to layer.
    error HedgePolicyTenorDecreasing(uint8 layer, uint16 previousTenor, uint16 tenorDays);

    /// @dev Coverage must be within 500..10,000 bps.
    error HedgePolicyCoverageOutOfRange(uint16 coverageBps);

    /// @dev The scale-in step must be within 500..5,000 bps.
    error HedgePolicyScaleStepOutOfRange(uint16 scaleStepBps);

    /// @dev The delta band must satisfy 100 <= min <= max <= 5,000 bps.
    error HedgePolicyDeltaBandInvalid(uint16 shortDeltaMinBps, uint16 shortDeltaMaxBps);

    /// @dev The wing width must be within 5..500 index points.
    error HedgePolicyWingWidthOutOfRange(uint16 wingWidthPts);

    /// @dev The condor's days to expiry must be within 1..365.
    error HedgePolicyTargetDteOutOfRange(uint16 targetDte);

    /// @dev The hysteresis must be at most 1,000 (VIX 10 points).
    error HedgePolicyHysteresisOutOfRange(uint32 hysteresisVix);

    /// @dev The oldest accepted oracle answer must be within 60..86,400 seconds.
    error HedgePolicyOracleAgeOutOfRange(uint32 maxOracleAge);

    // ---------------------------------------------------------------- errors: oracle

    /// @dev The oracle call itself reverted or returned malformed data.
    error HedgePolicyOracleUnavailable(address oracle);

    /// @dev The oracle's round has `updatedAt == 0`: it is not complete.
    error HedgePolicyOracleRoundIncomplete(uint80 roundId);

    /// @dev The oracle's answer is dated after the current block.
    error HedgePolicyOracleAnswerFromFuture(uint256 updatedAt, uint256 blockTimestamp);

    /// @dev The oracle's answer is older than `maxOracleAge`.
    error HedgePolicyOracleAnswerStale(uint256 updatedAt, uint256 maxOracleAge);

    /// @dev The oracle's answer is zero or negative.
    error HedgePolicyOracleAnswerNotPositive(int256 answer);

    /// @dev The oracle's answer does not fit a VIX level in hundredths once normalised (it is 0 or above uint32).
    error HedgePolicyOracleAnswerOutOfRange(int256 answer, uint8 decimals);

    // ---------------------------------------------------------------- errors: nudges

    /// @dev The policy has no layer `layer` (it has `layerCount`).
    error HedgePolicyLayerNotFound(uint8 layer, uint256 layerCount);

    /// @dev A nudge must change its parameter.
    error HedgePolicyNudgeUnchanged(uint256 value);

    /**
     * @dev A nudge of `parameter` (0..4: that layer's trigger, 5: the coverage) must stay within `maxStep`
     * (maxNudgeBps of the baseline) of its baseline value `baseline`.
     */
    error HedgePolicyNudgeOutsideBand(uint8 parameter, uint256 baseline, uint256 requested, uint256 maxStep);

    /// @dev The parameter was nudged less than `nudgeCooldown` ago; it may be nudged again at `readyAt`.
    error HedgePolicyNudgeCoolingDown(uint8 parameter, uint256 readyAt);

    /// @dev The nudge limits must satisfy maxNudgeBps <= 10,000 and nudgeCooldown <= 365 days.
    error HedgePolicyNudgeLimitsOutOfRange(uint16 maxNudgeBps, uint32 nudgeCooldown);

    // ---------------------------------------------------------------- events

    /**
     * @dev The policy changed (a `setPolicy`, a nudge, or the deployment for version 1, where `previousHash` is
     * zero). `newHash` is `keccak256(abi.encode(policy()))` after the change.
     */
    event PolicyUpdated(uint64 indexed version, bytes32 previousHash, bytes32 newHash);

    /// @dev Layer `layer` engaged at VIX `vix` (hundredths).
    event LayerEngaged(uint8 indexed layer, uint32 vix);

    /// @dev Layer `layer` disengaged at VIX `vix` (hundredths); `vix` is 0 when a {setPolicy} removed the layer.
    event LayerDisengaged(uint8 indexed layer, uint32 vix);

    /// @dev The VIX oracle changed.
    event OracleUpdated(address previousOracle, address newOracle);

    /// @dev The steward changed.
    event StewardUpdated(address previousSteward, address newSteward);

    /// @dev The nudge limits changed.
    event NudgeLimitsUpdated(
        uint16 previousMaxNudgeBps,
        uint32 previousNudgeCooldown,
        uint16 newMaxNudgeBps,
        uint32 newNudgeCooldown
    );

    // ---------------------------------------------------------------- state-changing functions

    /**
     * @notice Replaces the whole policy, if it is still at `expectedVersion`, and increments the version. Its triggers
     * and coverage become the new baseline of nudges.
     * @dev Engaged layers beyond the new layer count are disengaged, each with a {LayerDisengaged} event whose
     * `vix` is 0 (no oracle is read). Nudge cooldowns are kept.
     *
     * Emits a {LayerDisengaged} event per engaged layer removed, then a {PolicyUpdated} event.
     *
     * Requirements:
     * - the caller is governance (the timelock);
     * - `expectedVersion` is the current version;
     * - `next` satisfies every invariant.
     */
    function setPolicy(Policy calldata next, uint64 expectedVersion) external;

    /**
     * @notice Reads the VIX oracle and engages or disengages layers. Anyone may call it.
     * @dev A layer engages when its trigger <= VIX and disengages only once VIX < trigger - hysteresis.
     *
     * Emits a {LayerEngaged} or {LayerDisengaged} event for each layer that changes.
     *
     * Requirements:
     * - the oracle's latest round is complete, not dated in the future, not older than `maxOracleAge`, and
     *   its answer is positive and fits a VIX level.
     *
     * @return engagedMask the engaged layers afterwards, bit i for layer i.
     */
    function syncLayers() external returns (uint8 engagedMask);

    /**
     * @notice Moves the trigger of one layer to a value within `maxNudgeBps` of its baseline (the trigger the last
     * {setPolicy} set). The version does not change: a nudge never voids a proposal approved against it.
     *
     * Emits a {PolicyUpdated} event with the unchanged version.
     *
     * A return from the loose side (a trigger above its baseline moved down, ending between the current trigger and
     * the baseline, baseline included) skips the cooldown and does not restart it: two seats may push a trigger to
     * the loose edge once per cooldown, and any other two may bring it back at once.
     *
     * Requirements:
     * - the caller is the steward;
     * - `layer` exists and its trigger was not nudged in the last `nudgeCooldown` seconds, unless this is a return
     *   from the loose side;
     * - `triggerVix` differs from the current trigger, differs from the baseline trigger by at most `maxNudgeBps` of
     *   it, and the policy invariants still hold.
     */
    function nudgeTrigger(uint8 layer, uint32 triggerVix) external;

    /**
     * @notice Moves the coverage to a value within `maxNudgeBps` of its baseline (the coverage the last {setPolicy}
     * set). The version does not change.
     *
     * Emits a {PolicyUpdated} event with the unchanged version.
     *
     * A return from the loose side (a coverage below its baseline moved up, ending between the current coverage and
     * the baseline, baseline included) skips the cooldown and does not restart it.
     *
     * Requirements:
     * - the caller is the steward;
     * - the coverage was not nudged in the last `nudgeCooldown` seconds, unless this is a return from the loose side;
     * - `coverageBps` differs from the current coverage, differs from the baseline coverage by at most `maxNudgeBps`
     *   of it, and stays within 500..10,000.
     */
    function nudgeCoverage(uint16 coverageBps) external;

    /**
     * @notice Sets the VIX oracle (a Chainlink `AggregatorV3Interface`).
     *
     * Emits an {OracleUpdated} event.
     *
     * Requirements:
     * - the caller is governance;
     * - `oracle` is a contract.
     */
    function setOracle(address oracle) external;

    /**
     * @notice Sets the steward, the only address allowed to nudge.
     *
     * Emits a {StewardUpdated} event.
     *
     * Requirements:
     * - the caller is governance;
     * - `steward` is not the zero address.
     */
    function setSteward(address steward) external;

    /**
     * @notice Sets how far (`maxNudgeBps` of the baseline value) and how often (`nudgeCooldown` seconds per
     * parameter) the steward may nudge.
     *
     * Emits a {NudgeLimitsUpdated} event.
     *
     * Requirements:
     * - the caller is governance;
     * - `maxNudgeBps` <= 10,000 and `nudgeCooldown` <= 365 days.
     */
    function setNudgeLimits(uint16 maxNudgeBps, uint32 nudgeCooldown) external;

    // ---------------------------------------------------------------- views

    /// @notice The current policy.
    function policy() external view returns (Policy memory);

    /// @notice The policy version: 1 at deployment, +1 on every {setPolicy}; nudges keep it.
    function version() external view returns (uint64);

    /// @notice `keccak256(abi.encode(policy()))`.
    function policyHash() external view returns (bytes32);

    /**
     * @notice Whether `next` gives less protection, judged by what the hedge delivers. The protection of a policy at
     * VIX level v is `coverageBps` times the allocations of its layers whose trigger is at or below v. `next` loosens
     * when its protection is lower, at any VIX level, than the current policy's or than the baseline policy's (the
     * current policy with the triggers and coverage the last {setPolicy} set, before any nudge); or when it changes
     * the structure (a different number of layers, any layer's instrument, index by index), shortens any layer's
     * tenor, raises the delta min or the delta max (the band moves toward the money), widens the wing, lowers the
     * hysteresis (layers disengage sooner) or the scale step (the hedge scales in slower), or changes the oracle age
     * or the condor's days to expiry at all (each is risky both ways: a longer oracle age accepts staler answers, a
     * shorter one starves {syncLayers} between two rounds of the feed; a shorter expiry adds gamma risk, a longer one
     * vega risk).
     */
    function isLoosening(Policy calldata next) external view returns (bool);

    /// @notice The engaged layers, bit i for layer i.
    function engagedLayers() external view returns (uint8);

    /// @notice The nudge limits: the band's half-width in bps of the baseline value, and the per-parameter cooldown.
    function nudgeLimits() external view returns (uint16 maxNudgeBps, uint32 nudgeCooldown);

    /// @notice What nudges are bounded around: the coverage and each layer's trigger as the last {setPolicy} set them.
    function baseline() external view returns (uint16 coverageBps, uint32[] memory triggers);

    /// @notice When the parameter was last nudged (0 if never): 0..4 for the layer triggers, 5 for the coverage.
    function lastNudgeAt(uint8 parameter) external view returns (uint256);

    /// @notice The VIX oracle.
    function oracle() external view returns (address);

    /// @notice The steward, the only address allowed to nudge.
    function steward() external view returns (address);

    /// @notice The governance address (the timelock), the only address allowed to make full changes.
    function governance() external view returns (address);
}
