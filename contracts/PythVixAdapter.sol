// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IPyth} from "@pythnetwork/pyth-sdk-solidity/IPyth.sol";
import {PythStructs} from "@pythnetwork/pyth-sdk-solidity/PythStructs.sol";
import {IPythVixAdapter} from "./interfaces/IPythVixAdapter.sol";

/**
 * @title PythVixAdapter
 * @notice The VIX for {HedgePolicy}, read from Pyth's Cboe VIX futures (a pull oracle: a keeper submits a signed
 * update in the transaction that reads it, see {HedgeUpkeep-updateAndSync}) and served as a Chainlink
 * `AggregatorV3Interface`, the interface the policy reads.
 *
 * The roll schedule. Each futures month is its own Pyth price id. The months, the time each one starts being read
 * and the schedule's end are fixed by the constructor and never change: which month is read is a function of
 * `block.timestamp` alone. A roll therefore needs no vote. Were the month switched by `setOracle` (a Critical
 * proposal, which two seats can veto), a minority could veto the roll, the expired month would go stale and
 * `syncLayers` would refuse every answer: the hedge frozen by a veto (docs/RULES.md). Past the schedule's end every
 * read reverts ({PythVixAdapterScheduleEnded}) so `syncLayers` refuses instead of reading an expired contract;
 * {scheduleEnd} shows the date long before, and the council deploys and approves the next adapter in time.
 *
 * The roll rule: a roll must not look like a spike. Two months differ by the curve's slope (contango, usually one
 * to two VIX points between the first two months; backwardation in a crisis). An instant switch would move the
 * answer by that whole gap in one block, and a gap across a trigger would engage (or, in backwardation, disengage)
 * a layer although nothing happened in the market. So during the `blendWindow` seconds before a month's roll time
 * the answer is the linear blend of the front month and the next one, weighted by the time elapsed in the window:
 * the answer starts at the front month's price and ends at the next month's, moving by `gap * dt / blendWindow`
 * from one read to the next. This is how constant-maturity VIX futures indices roll. What it does not do is hide
 * the curve: once the roll is done the answer is the next month's price. If the next month trades at or above a
 * trigger, the layer engages by the end of the window, gradually, because the market prices that volatility for
 * the horizon the hedge reads; the council sets triggers in terms of the futures it reads (README, "The Pyth path").
 * In backwardation the blend falls gradually, and a layer engaged within `hysteresisVix` of the gap stays engaged.
 *
 * Staleness. `updatedAt` is Pyth's `publishTime` (the older of the two inside a blend window, so both months must
 * be fresh), so the policy's `maxOracleAge` keeps working: a keeper that updates only one month in a window gets
 * a stale answer refused, never a half-fresh blend. A `publishTime` in the future (either month) is reported as
 * is and the policy refuses it. A zero or negative price (either month) is reported as the answer, never blended
 * away, and the policy refuses it. `roundId` is `updatedAt`, as in Pyth's own `PythAggregatorV3`: it rises with
 * every update of a month, but entering a blend window it can step back to the next month's last update (then
 * the answer is stale until a keeper updates both months).
 *
 * Decimals: the adapter reports `decimals` (fixed); each Pyth price is converted from its own exponent (which may
 * differ between months), truncating below the adapter's precision. The policy normalises any decimals up to 38.
 */
contract PythVixAdapter is IPythVixAdapter {
    // ---------------------------------------------------------------- constants

    /// @notice At most two years of monthly contracts: the schedule's scans are bounded by it.
    uint256 public constant MAX_MONTHS = 24;
    /// @notice The longest blend window, a week: a month's roll starts at most a week before its roll time.
    uint32 public constant MAX_BLEND_WINDOW = 7 days;
    uint8 private constant MAX_DECIMALS = 18;
    int256 private constant MAX_SHIFT = 38;

    // ---------------------------------------------------------------- immutables

    /// @inheritdoc IPythVixAdapter
    IPyth public immutable pyth;
    /// @inheritdoc IPythVixAdapter
    uint64 public immutable scheduleEnd;
    /// @inheritdoc IPythVixAdapter
    uint32 public immutable blendWindow;
    uint8 private immutable _decimals;

    // ---------------------------------------------------------------- storage (written by the constructor only)

    bytes32[] private _priceIds;
    uint64[] private _rollTimes;
    string private _description;

    // ---------------------------------------------------------------- constructor

    /**
     * @param pyth_ the Pyth contract of this chain
     * @param decimals_ the decimals of the answers (at most 18); 8 as Chainlink's USD feeds
     * @param priceIds the months' Pyth price ids, in roll order (1 to {MAX_MONTHS})
     * @param rollTimes when each month starts being read alone; rising, each at least `blendWindow_` (and one
     * second) after the one before
     * @param scheduleEnd_ when the last month stops being read (its expiry or earlier); after the last roll time
     * @param blendWindow_ the seconds before each roll time in which the answer blends the two months (0 to
     * {MAX_BLEND_WINDOW}; 0 is an instant switch, which a contango can make look like a spike)
     * @param description_ what `description()` returns
     *
     * Emits {MonthScheduled} for each month, then {ScheduleFixed}.
     */
    constructor(
        IPyth pyth_,
        uint8 decimals_,
        bytes32[] memory priceIds,
        uint64[] memory rollTimes,
        uint64 scheduleEnd_,
        uint32 blendWindow_,
        string memory description_
    ) {
        if (address(pyth_).code.length == 0) revert PythVixAdapterPythNotContract(address(pyth_));
        if (decimals_ > MAX_DECIMALS || blendWindow_ > MAX_BLEND_WINDOW) {
            revert PythVixAdapterConfigOutOfRange(decimals_, blendWindow_);
        }
        uint256 count = priceIds.length;
        if (count == 0 || count > MAX_MONTHS || rollTimes.length != count) {
            revert PythVixAdapterScheduleLength(count, rollTimes.length, MAX_MONTHS);
        }
        for (uint256 i = 0; i < count; ++i) {
            if (priceIds[i] == bytes32(0) || (i > 0 && priceIds[i] == priceIds[i - 1])) {
                revert PythVixAdapterPriceIdInvalid(i, priceIds[i]);
            }
            if (i > 0) {
                uint64 earliest = rollTimes[i - 1] + (blendWindow_ == 0 ? 1 : blendWindow_);
                if (rollTimes[i] < earliest) revert PythVixAdapterRollTooEarly(i, rollTimes[i], earliest);
            }
            emit MonthScheduled(i, priceIds[i], rollTimes[i]);
        }
        if (scheduleEnd_ <= rollTimes[count - 1]) {
            revert PythVixAdapterScheduleEndTooEarly(scheduleEnd_, rollTimes[count - 1]);
        }
        pyth = pyth_;
        _decimals = decimals_;
        scheduleEnd = scheduleEnd_;
        blendWindow = blendWindow_;
        _priceIds = priceIds;
        _rollTimes = rollTimes;
        _description = description_;
        emit ScheduleFixed(scheduleEnd_, blendWindow_, decimals_);
    }

    // ---------------------------------------------------------------- AggregatorV3Interface

    /// @notice The decimals of every answer, fixed at construction.
    function decimals() external view returns (uint8) {
        return _decimals;
    }

    /// @notice What this feed is, as given to the constructor.
    function description() external view returns (string memory) {
        return _description;
    }

    /// @notice The adapter's version.
    function version() external pure returns (uint256) {
        return 1;
    }

    /**
     * @notice Pyth keeps no history: only the latest round (`roundId` = its `updatedAt`) can be read.
     * @dev Reverts with {PythVixAdapterNoHistory} for any other round.
     */
    function getRoundData(
        uint80 roundId_
    )
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        (roundId, answer, startedAt, updatedAt, answeredInRound) = _latest();
        if (roundId_ != roundId) revert PythVixAdapterNoHistory(roundId_);
    }

    /**
     * @notice The VIX futures price the schedule reads now (blended inside a roll's window), with Pyth's
     * `publishTime` as `updatedAt` (the older of the two months while blending; a future one if either is).
     * @dev Reverts before the schedule starts, after it ends, for a month Pyth has no price for, or for a Pyth
     * exponent that cannot be converted to {decimals}: the policy then reports the oracle unavailable.
     */
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return _latest();
    }

    // ---------------------------------------------------------------- schedule views

    /// @inheritdoc IPythVixAdapter
    function monthCount() external view returns (uint256) {
        return _priceIds.length;
    }

    /// @inheritdoc IPythVixAdapter
    function month(uint256 index) external view returns (bytes32 priceId, uint64 rollTime) {
        return (_priceIds[index], _rollTimes[index]);
    }

    /// @inheritdoc IPythVixAdapter
    function priceIdsAt(
        uint256 timestamp
    ) external view returns (bytes32 frontId, bytes32 nextId, uint256 nextWeightBps) {
        uint256 elapsed;
        (frontId, nextId, elapsed) = _position(timestamp);
        if (nextId != bytes32(0)) nextWeightBps = (elapsed * 10_000) / blendWindow;
    }

    // ---------------------------------------------------------------- internal helpers

    function _latest()
        private
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        (bytes32 frontId, bytes32 nextId, uint256 elapsed) = _position(block.timestamp);
        (answer, updatedAt) = _read(frontId);
        if (nextId != bytes32(0)) {
            (int256 nextAnswer, uint256 nextUpdatedAt) = _read(nextId);
            if (answer > 0 && nextAnswer > 0) {
                answer += ((nextAnswer - answer) * int256(elapsed)) / int256(uint256(blendWindow));
            } else if (answer > 0) {
                answer = nextAnswer; // a broken month is reported, never blended away
            }
            // The older publish time, so both months must be fresh; a future one, so the policy refuses it.
            bool future = updatedAt > block.timestamp || nextUpdatedAt > block.timestamp;
            if (future ? nextUpdatedAt > updatedAt : nextUpdatedAt < updatedAt) updatedAt = nextUpdatedAt;
        }
        roundId = uint80(updatedAt);
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }

    /**
     * @dev The month read at `timestamp` and, inside the window before the next month's roll, that next month and
     * the seconds elapsed in the window. The scan is bounded by {MAX_MONTHS}.
     */
    function _position(uint256 timestamp) private view returns (bytes32 frontId, bytes32 nextId, uint256 elapsed) {
        uint256 count = _rollTimes.length;
        uint64 first = _rollTimes[0];
        if (timestamp < first) revert PythVixAdapterScheduleNotStarted(first);
        if (timestamp >= scheduleEnd) revert PythVixAdapterScheduleEnded(scheduleEnd);
        uint256 i = count - 1;
        while (_rollTimes[i] > timestamp) --i;
        frontId = _priceIds[i];
        if (i + 1 < count && blendWindow != 0) {
            uint256 windowStart = _rollTimes[i + 1] - blendWindow;
            if (timestamp >= windowStart) {
                nextId = _priceIds[i + 1];
                elapsed = timestamp - windowStart;
            }
        }
    }

    /// @dev Pyth's latest price of `priceId` in {decimals}, and its publish time. Reverts if Pyth has none.
    function _read(bytes32 priceId) private view returns (int256 answer, uint256 publishTime) {
        PythStructs.Price memory price = pyth.getPriceUnsafe(priceId);
        int256 shift = int256(uint256(_decimals)) + price.expo;
        if (shift > MAX_SHIFT || shift < -MAX_SHIFT) revert PythVixAdapterExponentOutOfRange(priceId, price.expo);
        answer =
            shift >= 0
                ? int256(price.price) * int256(10 ** uint256(shift))
                : int256(price.price) / int256(10 ** uint256(-shift));
        publishTime = price.publishTime;
    }
}
