// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IHedgePolicy} from "./interfaces/IHedgePolicy.sol";

/**
 * @title HedgePolicy
 * @notice Holds the ALVH hedge parameters, enforces their invariants, and engages hedge layers from a VIX oracle.
 *
 * Full changes come only from `governance` (the timelock), compare-and-swap on `version`, which counts the
 * policies governance approved. The `steward` (the council's Fast tier) may nudge one trigger or the coverage to any
 * value within `maxNudgeBps` of its baseline (the value the last `setPolicy` set), once per cooldown per parameter
 * (a return from the loose side toward the baseline excepted): however many nudges run, the hedge stays within one
 * band of what the council approved, and a majority can always bring a loosened parameter back at once.
 *
 * Storage: the whole policy lives in two words. `_layers` packs up to five layers at 50 bits each (allocation,
 * tenor and trigger as 16-bit fields, the instrument as 2 bits); every invariant keeps each value in its field.
 * `_params` holds the scalar parameters, the layer count, the version and the engaged-layer mask. `_baseline` holds
 * the baseline coverage and triggers in one more word.
 */
contract HedgePolicy is IHedgePolicy {
    // ---------------------------------------------------------------- constants

    uint256 private constant MAX_LAYERS = 5;
    uint256 private constant BPS = 10_000;
    uint32 private constant MIN_TRIGGER = 1_000;
    uint32 private constant MAX_TRIGGER = 10_000;
    uint16 private constant MAX_TENOR = 730;
    uint16 private constant MIN_COVERAGE = 500;
    uint16 private constant MAX_COVERAGE = 10_000;
    uint16 private constant MIN_SCALE_STEP = 500;
    uint16 private constant MAX_SCALE_STEP = 5_000;
    uint16 private constant MIN_DELTA = 100;
    uint16 private constant MAX_DELTA = 5_000;
    uint16 private constant MIN_WING = 5;
    uint16 private constant MAX_WING = 500;
    uint16 private constant MAX_DTE = 365;
    uint32 private constant MAX_HYSTERESIS = 1_000;
    uint32 private constant MIN_ORACLE_AGE = 60;
    uint32 private constant MAX_ORACLE_AGE = 86_400;
    uint32 private constant MAX_NUDGE_COOLDOWN = 365 days;
    uint8 private constant MAX_ORACLE_DECIMALS = 38;

    /// @dev The cooldown slot of the coverage; slots 0..4 are the layer triggers.
    uint8 private constant COVERAGE_PARAMETER = 5;

    uint256 private constant LAYER_BITS = 50;
    uint256 private constant FIELD_MASK = 0xffff;
    uint256 private constant INSTRUMENT_MASK = 0x3;

    /// @dev A protection curve's layers in one word: per layer 48 bits, the trigger (32) then the allocation (16).
    uint256 private constant CURVE_BITS = 48;
    uint256 private constant TRIGGER_MASK = 0xffffffff;

    // ---------------------------------------------------------------- immutables

    /// @inheritdoc IHedgePolicy
    address public immutable governance;

    // ---------------------------------------------------------------- storage

    /// @dev The scalar parameters, layer count, version and engaged mask: one storage word.
    struct Params {
        uint8 layerCount;
        uint16 coverageBps;
        uint16 scaleStepBps;
        uint16 shortDeltaMinBps;
        uint16 shortDeltaMaxBps;
        uint16 wingWidthPts;
        uint16 targetDte;
        uint32 hysteresisVix;
        uint32 maxOracleAge;
        uint64 version;
        uint8 engagedMask;
    }

    /// @dev What nudges are bounded around, as the last `setPolicy` set it: one storage word.
    struct Baseline {
        uint16 coverageBps;
        uint80 triggers; // 16 bits per layer, layer i at bit 16 * i
    }

    /// @dev Who may nudge and how far: one storage word.
    struct NudgeConfig {
        address steward;
        uint16 maxNudgeBps;
        uint32 nudgeCooldown;
    }

    Params private _params;
    uint256 private _layers;
    Baseline private _baseline;
    NudgeConfig private _nudge;
    address private _oracle;
    /// @dev When each parameter was last nudged: 0..4 the layer triggers, 5 the coverage. One storage word.
    uint40[6] private _lastNudgeAt;

    // ---------------------------------------------------------------- constructor

    /**
     * @param initial the first policy (version 1); it must satisfy every invariant
     * @param governance_ the timelock, the only address allowed to make full changes
     * @param steward_ the council, the only address allowed to nudge
     * @param oracle_ the VIX oracle, a Chainlink `AggregatorV3Interface`
     *
     * Emits {PolicyUpdated} for version 1 (previous hash zero), {StewardUpdated}, {OracleUpdated} and
     * {NudgeLimitsUpdated} with the defaults (1,000 bps, 1 day), so that the chain alone tells the whole story.
     */
    constructor(Policy memory initial, address governance_, address steward_, address oracle_) {
        if (governance_ == address(0)) revert HedgePolicyZeroAddress();
        governance = governance_;
        _setSteward(steward_);
        _setOracle(oracle_);
        _setNudgeLimits(1_000, 1 days);
        _validate(initial);
        _store(initial, 1, 0);
        emit PolicyUpdated(1, bytes32(0), policyHash());
    }

    // ---------------------------------------------------------------- modifiers

    modifier onlyGovernance() {
        if (msg.sender != governance) revert HedgePolicyUnauthorizedGovernance(msg.sender);
        _;
    }

    modifier onlySteward() {
        if (msg.sender != _nudge.steward) revert HedgePolicyUnauthorizedSteward(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- state-changing functions

    /// @inheritdoc IHedgePolicy
    function setPolicy(Policy calldata next, uint64 expectedVersion) external onlyGovernance {
        Params memory params = _params;
        if (expectedVersion != params.version) revert HedgePolicyVersionMismatch(expectedVersion, params.version);
        Policy memory policy_ = next;
        _validate(policy_);
        bytes32 previousHash = policyHash();
        uint8 keptMask = uint8((1 << policy_.layers.length) - 1);
        _store(policy_, params.version + 1, params.engagedMask & keptMask);
        uint8 removed = params.engagedMask & ~keptMask;
        for (uint8 i = uint8(policy_.layers.length); removed >> i != 0; ++i) {
            if (removed & (1 << i) != 0) emit LayerDisengaged(i, 0);
        }
        // A validated policy round-trips exactly through storage, so its hash is that of `policy()` now.
        emit PolicyUpdated(params.version + 1, previousHash, keccak256(abi.encode(policy_)));
    }

    /// @inheritdoc IHedgePolicy
    function syncLayers() external returns (uint8 engagedMask) {
        Params memory params = _params;
        uint32 vix = _readVix(params.maxOracleAge);
        uint256 layers = _layers;
        engagedMask = params.engagedMask;
        for (uint8 i = 0; i < params.layerCount; ++i) {
            uint32 trigger = uint32((layers >> (i * LAYER_BITS + 32)) & FIELD_MASK);
            uint8 bit = uint8(1 << i);
            bool engaged = engagedMask & bit != 0;
            if (!engaged && vix >= trigger) {
                engagedMask |= bit;
                emit LayerEngaged(i, vix);
            } else if (engaged && uint256(vix) + params.hysteresisVix < trigger) {
                engagedMask &= ~bit;
                emit LayerDisengaged(i, vix);
            }
        }
        if (engagedMask != params.engagedMask) _params.engagedMask = engagedMask;
    }

    /// @inheritdoc IHedgePolicy
    function nudgeTrigger(uint8 layer, uint32 triggerVix) external onlySteward {
        Params memory params = _params;
        if (layer >= params.layerCount) revert HedgePolicyLayerNotFound(layer, params.layerCount);
        uint256 layers = _layers;
        uint256 offset = layer * LAYER_BITS + 32;
        uint32 current = uint32((layers >> offset) & FIELD_MASK);
        _checkNudge(layer, current, (_baseline.triggers >> (layer * 16)) & FIELD_MASK, triggerVix, true);

        if (triggerVix < MIN_TRIGGER || triggerVix > MAX_TRIGGER)
            revert HedgePolicyTriggerOutOfRange(layer, triggerVix);
        if (layer > 0) {
            uint32 below = uint32((layers >> (offset - LAYER_BITS)) & FIELD_MASK);
            if (triggerVix <= below) revert HedgePolicyTriggerNotIncreasing(layer, below, triggerVix);
        }
        if (layer + 1 < params.layerCount) {
            uint32 above = uint32((layers >> (offset + LAYER_BITS)) & FIELD_MASK);
            if (above <= triggerVix) revert HedgePolicyTriggerNotIncreasing(layer + 1, triggerVix, above);
        }

        bytes32 previousHash = policyHash();
        _layers = (layers & ~(FIELD_MASK << offset)) | (uint256(triggerVix) << offset);
        emit PolicyUpdated(params.version, previousHash, policyHash());
    }

    /// @inheritdoc IHedgePolicy
    function nudgeCoverage(uint16 coverageBps) external onlySteward {
        Params memory params = _params;
        _checkNudge(COVERAGE_PARAMETER, params.coverageBps, _baseline.coverageBps, coverageBps, false);
        if (coverageBps < MIN_COVERAGE || coverageBps > MAX_COVERAGE) revert HedgePolicyCoverageOutOfRange(coverageBps);

        bytes32 previousHash = policyHash();
        _params.coverageBps = coverageBps;
        emit PolicyUpdated(params.version, previousHash, policyHash());
    }

    /// @inheritdoc IHedgePolicy
    function setOracle(address oracle_) external onlyGovernance {
        _setOracle(oracle_);
    }

    /// @inheritdoc IHedgePolicy
    function setSteward(address steward_) external onlyGovernance {
        _setSteward(steward_);
    }

    /// @inheritdoc IHedgePolicy
    function setNudgeLimits(uint16 maxNudgeBps, uint32 nudgeCooldown) external onlyGovernance {
        _setNudgeLimits(maxNudgeBps, nudgeCooldown);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IHedgePolicy
    function policy() public view returns (Policy memory current) {
        Params memory params = _params;
        uint256 layers = _layers;
        current.layers = new Layer[](params.layerCount);
        for (uint256 i = 0; i < params.layerCount; ++i) {
            uint256 word = layers >> (i * LAYER_BITS);
            current.layers[i] = Layer({
                allocationBps: uint16(word & FIELD_MASK),
                tenorDays: uint16((word >> 16) & FIELD_MASK),
                triggerVix: uint32((word >> 32) & FIELD_MASK),
                instrument: Instrument((word >> 48) & INSTRUMENT_MASK)
            });
        }
        current.coverageBps = params.coverageBps;
        current.scaleStepBps = params.scaleStepBps;
        current.shortDeltaMinBps = params.shortDeltaMinBps;
        current.shortDeltaMaxBps = params.shortDeltaMaxBps;
        current.wingWidthPts = params.wingWidthPts;
        current.targetDte = params.targetDte;
        current.hysteresisVix = params.hysteresisVix;
        current.maxOracleAge = params.maxOracleAge;
    }

    /// @inheritdoc IHedgePolicy
    function version() external view returns (uint64) {
        return _params.version;
    }

    /// @inheritdoc IHedgePolicy
    function policyHash() public view returns (bytes32) {
        return keccak256(abi.encode(policy()));
    }

    /// @inheritdoc IHedgePolicy
    function isLoosening(Policy calldata next) external view returns (bool) {
        Params memory params = _params;
        uint256 count = next.layers.length;
        // Structural changes and the condor's own parameters: no rule on chain can weigh them against each other.
        if (count != params.layerCount) return true;
        // One direction: toward the money, wider wings, earlier disengagement, slower scale-in.
        if (next.shortDeltaMinBps > params.shortDeltaMinBps) return true;
        if (next.shortDeltaMaxBps > params.shortDeltaMaxBps) return true;
        if (next.wingWidthPts > params.wingWidthPts) return true;
        if (next.hysteresisVix < params.hysteresisVix) return true;
        if (next.scaleStepBps < params.scaleStepBps) return true;
        // Both directions: a longer oracle age accepts staler answers, a shorter one starves `syncLayers` between two
        // rounds of the feed; a shorter expiry adds gamma risk, a longer one vega risk.
        if (next.maxOracleAge != params.maxOracleAge) return true;
        if (next.targetDte != params.targetDte) return true;

        // The three curves to compare: `next`, the current policy, and the policy the council last approved (the
        // current one with the baseline triggers and coverage).
        uint256 layers = _layers;
        Baseline memory baseline_ = _baseline;
        uint256 proposed;
        uint256 current;
        uint256 approved;
        for (uint256 i = 0; i < count; ++i) {
            Layer calldata layer = next.layers[i];
            uint256 word = layers >> (i * LAYER_BITS);
            if (uint256(layer.instrument) != (word >> 48) & INSTRUMENT_MASK) return true;
            if (layer.tenorDays < (word >> 16) & FIELD_MASK) return true;
            uint256 allocation = (word & FIELD_MASK) << 32;
            uint256 at = i * CURVE_BITS;
            proposed |= (uint256(layer.triggerVix) | (uint256(layer.allocationBps) << 32)) << at;
            current |= (((word >> 32) & FIELD_MASK) | allocation) << at;
            approved |= (((baseline_.triggers >> (i * 16)) & FIELD_MASK) | allocation) << at;
        }
        if (_lessProtection(count, next.coverageBps, proposed, params.coverageBps, current)) return true;
        // Less protection than the approved policy loosens too: without this, a non-loosening setPolicy could make a
        // loosening nudge the new baseline, again and again. With no nudge since, the two curves are the same.
        return
            (approved != current || baseline_.coverageBps != params.coverageBps) &&
            _lessProtection(count, next.coverageBps, proposed, baseline_.coverageBps, approved);
    }

    /// @inheritdoc IHedgePolicy
    function baseline() external view returns (uint16 coverageBps, uint32[] memory triggers) {
        Baseline memory baseline_ = _baseline;
        uint256 count = _params.layerCount;
        triggers = new uint32[](count);
        for (uint256 i = 0; i < count; ++i) {
            triggers[i] = uint32((baseline_.triggers >> (i * 16)) & FIELD_MASK);
        }
        return (baseline_.coverageBps, triggers);
    }

    /// @inheritdoc IHedgePolicy
    function engagedLayers() external view returns (uint8) {
        return _params.engagedMask;
    }

    /// @inheritdoc IHedgePolicy
    function nudgeLimits() external view returns (uint16 maxNudgeBps, uint32 nudgeCooldown) {
        NudgeConfig memory config = _nudge;
        return (config.maxNudgeBps, config.nudgeCooldown);
    }

    /// @inheritdoc IHedgePolicy
    function lastNudgeAt(uint8 parameter) external view returns (uint256) {
        return _lastNudgeAt[parameter];
    }

    /// @inheritdoc IHedgePolicy
    function oracle() external view returns (address) {
        return _oracle;
    }

    /// @inheritdoc IHedgePolicy
    function steward() external view returns (address) {
        return _nudge.steward;
    }

    // ---------------------------------------------------------------- internal helpers

    /// @dev Reverts with the error of the first invariant that `next` breaks.
    function _validate(Policy memory next) private pure {
        uint256 count = next.layers.length;
        if (count == 0 || count > MAX_LAYERS) revert HedgePolicyLayerCountOutOfRange(count);
        uint256 allocationSum;
        for (uint8 i = 0; i < count; ++i) {
            Layer memory layer = next.layers[i];
            if (layer.allocationBps == 0) revert HedgePolicyAllocationZero(i);
            allocationSum += layer.allocationBps;
            if (layer.triggerVix < MIN_TRIGGER || layer.triggerVix > MAX_TRIGGER) {
                revert HedgePolicyTriggerOutOfRange(i, layer.triggerVix);
            }
            if (layer.tenorDays == 0 || layer.tenorDays > MAX_TENOR)
                revert HedgePolicyTenorOutOfRange(i, layer.tenorDays);
            if (i > 0) {
                Layer memory below = next.layers[i - 1];
                if (layer.triggerVix <= below.triggerVix) {
                    revert HedgePolicyTriggerNotIncreasing(i, below.triggerVix, layer.triggerVix);
                }
                if (layer.tenorDays < below.tenorDays) {
                    revert HedgePolicyTenorDecreasing(i, below.tenorDays, layer.tenorDays);
                }
            }
        }
        if (allocationSum != BPS) revert HedgePolicyAllocationSumNot100Percent(allocationSum);
        if (next.coverageBps < MIN_COVERAGE || next.coverageBps > MAX_COVERAGE) {
            revert HedgePolicyCoverageOutOfRange(next.coverageBps);
        }
        if (next.scaleStepBps < MIN_SCALE_STEP || next.scaleStepBps > MAX_SCALE_STEP) {
            revert HedgePolicyScaleStepOutOfRange(next.scaleStepBps);
        }
        if (
            next.shortDeltaMinBps < MIN_DELTA ||
            next.shortDeltaMinBps > next.shortDeltaMaxBps ||
            next.shortDeltaMaxBps > MAX_DELTA
        ) revert HedgePolicyDeltaBandInvalid(next.shortDeltaMinBps, next.shortDeltaMaxBps);
        if (next.wingWidthPts < MIN_WING || next.wingWidthPts > MAX_WING) {
            revert HedgePolicyWingWidthOutOfRange(next.wingWidthPts);
        }
        if (next.targetDte == 0 || next.targetDte > MAX_DTE) revert HedgePolicyTargetDteOutOfRange(next.targetDte);
        if (next.hysteresisVix > MAX_HYSTERESIS) revert HedgePolicyHysteresisOutOfRange(next.hysteresisVix);
        if (next.maxOracleAge < MIN_ORACLE_AGE || next.maxOracleAge > MAX_ORACLE_AGE) {
            revert HedgePolicyOracleAgeOutOfRange(next.maxOracleAge);
        }
    }

    /// @dev Writes a validated policy with its version and engaged mask; its triggers and coverage become the baseline.
    function _store(Policy memory next, uint64 newVersion, uint8 engagedMask) private {
        uint256 count = next.layers.length;
        uint256 layers;
        uint80 baselineTriggers;
        for (uint256 i = 0; i < count; ++i) {
            Layer memory layer = next.layers[i];
            baselineTriggers |= uint80(layer.triggerVix) << uint80(i * 16);
            uint256 word =
                uint256(layer.allocationBps) |
                    (uint256(layer.tenorDays) << 16) |
                    (uint256(layer.triggerVix) << 32) |
                    (uint256(uint8(layer.instrument)) << 48);
            layers |= word << (i * LAYER_BITS);
        }
        _layers = layers;
        _baseline = Baseline({coverageBps: next.coverageBps, triggers: baselineTriggers});
        _params = Params({
            layerCount: uint8(count),
            coverageBps: next.coverageBps,
            scaleStepBps: next.scaleStepBps,
            shortDeltaMinBps: next.shortDeltaMinBps,
            shortDeltaMaxBps: next.shortDeltaMaxBps,
            wingWidthPts: next.wingWidthPts,
            targetDte: next.targetDte,
            hysteresisVix: next.hysteresisVix,
            maxOracleAge: next.maxOracleAge,
            version: newVersion,
            engagedMask: engagedMask
        });
    }

    /**
     * @dev Checks a nudge of `parameter` from `current` to `requested` against the band around `baseline_` and the
     * cooldown, and starts the cooldown. `higherLoosens` tells the loose side: above the baseline for a trigger, below
     * it for the coverage. A return from the loose side toward the baseline, ending between the current value and
     * the baseline (baseline included), skips the cooldown and does not restart it: two seats can push a parameter to
     * the loose edge once per cooldown, and any other two can bring it back at once. A return ends nearer the baseline
     * than the value it replaces, so it needs no band check.
     */
    function _checkNudge(
        uint8 parameter,
        uint256 current,
        uint256 baseline_,
        uint256 requested,
        bool higherLoosens
    ) private {
        if (requested == current) revert HedgePolicyNudgeUnchanged(current);
        bool returning =
            higherLoosens
                ? current > baseline_ && requested < current && requested >= baseline_
                : current < baseline_ && requested > current && requested <= baseline_;
        if (returning) return;
        NudgeConfig memory config = _nudge;
        uint256 last = _lastNudgeAt[parameter];
        if (last != 0 && block.timestamp < last + config.nudgeCooldown) {
            revert HedgePolicyNudgeCoolingDown(parameter, last + config.nudgeCooldown);
        }
        uint256 maxStep = (baseline_ * config.maxNudgeBps) / BPS;
        uint256 distance = requested > baseline_ ? requested - baseline_ : baseline_ - requested;
        if (distance > maxStep) revert HedgePolicyNudgeOutsideBand(parameter, baseline_, requested, maxStep);
        _lastNudgeAt[parameter] = uint40(block.timestamp);
    }

    /**
     * @dev Whether curve `next` protects less than curve `ref` at some VIX level; each curve is a coverage and `count`
     * layers packed as {CURVE_BITS} says. The protection of a policy at VIX level v is its coverage times the
     * allocations of its layers with a trigger at or below v: a step function that changes only at a trigger, so
     * comparing at every trigger of either curve is enough. Both curves' triggers rise (the invariants), so one merge
     * walk visits each level once, lowest first. Coverages and allocations are 16-bit: no product overflows.
     */
    function _lessProtection(
        uint256 count,
        uint256 nextCoverage,
        uint256 next,
        uint256 refCoverage,
        uint256 ref
    ) private pure returns (bool) {
        uint256 nextEngaged;
        uint256 refEngaged;
        uint256 i;
        uint256 j;
        while (i < count || j < count) {
            uint256 nextLevel = i < count ? (next >> (i * CURVE_BITS)) & TRIGGER_MASK : type(uint256).max;
            uint256 refLevel = j < count ? (ref >> (j * CURVE_BITS)) & TRIGGER_MASK : type(uint256).max;
            if (nextLevel <= refLevel) {
                nextEngaged += (next >> (i * CURVE_BITS + 32)) & FIELD_MASK;
                ++i;
            }
            if (refLevel <= nextLevel) {
                refEngaged += (ref >> (j * CURVE_BITS + 32)) & FIELD_MASK;
                ++j;
            }
            if (nextCoverage * nextEngaged < refCoverage * refEngaged) return true;
        }
        return false;
    }

    /**
     * @dev Reads the oracle, checks its answer and normalises it to VIX hundredths. The calls are low-level so that
     * a feed that reverts, has no code or returns malformed data is reported as {HedgePolicyOracleUnavailable}:
     * with try/catch, a failure to decode the returned data would revert here without a reason.
     */
    function _readVix(uint32 maxOracleAge) private view returns (uint32) {
        address source = _oracle;
        (bool ok, bytes memory data) = source.staticcall(abi.encodeCall(AggregatorV3Interface.decimals, ()));
        if (!ok || data.length < 32) revert HedgePolicyOracleUnavailable(source);
        uint256 rawDecimals = abi.decode(data, (uint256));
        if (rawDecimals > type(uint8).max) revert HedgePolicyOracleUnavailable(source);
        (ok, data) = source.staticcall(abi.encodeCall(AggregatorV3Interface.latestRoundData, ()));
        if (!ok || data.length < 160) revert HedgePolicyOracleUnavailable(source);
        (uint256 rawRoundId, int256 answer, , uint256 updatedAt, ) = abi.decode(
            data,
            (uint256, int256, uint256, uint256, uint256)
        );
        if (rawRoundId > type(uint80).max) revert HedgePolicyOracleUnavailable(source);
        uint80 roundId = uint80(rawRoundId);
        uint8 decimals = uint8(rawDecimals);

        if (updatedAt == 0) revert HedgePolicyOracleRoundIncomplete(roundId);
        if (updatedAt > block.timestamp) revert HedgePolicyOracleAnswerFromFuture(updatedAt, block.timestamp);
        if (block.timestamp - updatedAt > maxOracleAge) revert HedgePolicyOracleAnswerStale(updatedAt, maxOracleAge);
        if (answer <= 0) revert HedgePolicyOracleAnswerNotPositive(answer);
        if (decimals > MAX_ORACLE_DECIMALS) revert HedgePolicyOracleAnswerOutOfRange(answer, decimals);

        uint256 raw = uint256(answer);
        uint256 vix;
        if (decimals >= 2) {
            vix = raw / 10 ** (decimals - 2);
        } else {
            uint256 factor = 10 ** (2 - decimals);
            if (raw > type(uint32).max / factor) revert HedgePolicyOracleAnswerOutOfRange(answer, decimals);
            vix = raw * factor;
        }
        // A positive answer that normalises to VIX 0.00 is a misconfigured feed, not a calm market: reading it as
        // 0 would disengage every layer.
        if (vix == 0 || vix > type(uint32).max) revert HedgePolicyOracleAnswerOutOfRange(answer, decimals);
        return uint32(vix);
    }

    function _setOracle(address oracle_) private {
        if (oracle_.code.length == 0) revert HedgePolicyOracleNotContract(oracle_);
        emit OracleUpdated(_oracle, oracle_);
        _oracle = oracle_;
    }

    function _setSteward(address steward_) private {
        if (steward_ == address(0)) revert HedgePolicyZeroAddress();
        emit StewardUpdated(_nudge.steward, steward_);
        _nudge.steward = steward_;
    }

    function _setNudgeLimits(uint16 maxNudgeBps, uint32 nudgeCooldown) private {
        if (maxNudgeBps > BPS || nudgeCooldown > MAX_NUDGE_COOLDOWN) {
            revert HedgePolicyNudgeLimitsOutOfRange(maxNudgeBps, nudgeCooldown);
        }
        NudgeConfig memory config = _nudge;
        emit NudgeLimitsUpdated(config.maxNudgeBps, config.nudgeCooldown, maxNudgeBps, nudgeCooldown);
        _nudge.maxNudgeBps = maxNudgeBps;
        _nudge.nudgeCooldown = nudgeCooldown;
    }
}
