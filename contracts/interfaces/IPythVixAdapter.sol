// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IPyth} from "@pythnetwork/pyth-sdk-solidity/IPyth.sol";

/**
 * @title IPythVixAdapter
 * @notice A Chainlink `AggregatorV3Interface` over Pyth's Cboe VIX futures, one price id per month, read by a roll
 * schedule fixed at construction: which month is read depends on `block.timestamp` alone, so a roll never needs a
 * vote (a `setOracle` is Critical and two seats could veto it).
 */
interface IPythVixAdapter is AggregatorV3Interface {
    // ---------------------------------------------------------------- errors

    /// @notice A constructor argument is the zero address or has no code.
    error PythVixAdapterPythNotContract(address pyth);

    /// @notice The schedule has no month, more than the cap, or its arrays differ in length.
    error PythVixAdapterScheduleLength(uint256 priceIds, uint256 rollTimes, uint256 max);

    /// @notice A month's price id is zero, or repeats the month before it.
    error PythVixAdapterPriceIdInvalid(uint256 month, bytes32 priceId);

    /// @notice Month `month` starts before the month before it has run a full blend window on its own.
    error PythVixAdapterRollTooEarly(uint256 month, uint64 rollTime, uint64 earliest);

    /// @notice The schedule ends at or before its last month starts.
    error PythVixAdapterScheduleEndTooEarly(uint64 scheduleEnd, uint64 lastRollTime);

    /// @notice The adapter's decimals or the blend window is out of its range.
    error PythVixAdapterConfigOutOfRange(uint8 decimals, uint32 blendWindow);

    /// @notice Read before the schedule's first month starts.
    error PythVixAdapterScheduleNotStarted(uint64 firstRollTime);

    /// @notice Read at or after the schedule's end: a new adapter (a `setOracle`) is due. See {scheduleEnd}.
    error PythVixAdapterScheduleEnded(uint64 scheduleEnd);

    /// @notice A Pyth price's exponent cannot be converted to the adapter's decimals.
    error PythVixAdapterExponentOutOfRange(bytes32 priceId, int32 expo);

    /// @notice Pyth keeps no history: only the latest round can be read.
    error PythVixAdapterNoHistory(uint80 roundId);

    // ---------------------------------------------------------------- events

    /// @notice Emitted by the constructor for each month: `priceId` is read from `rollTime` on.
    event MonthScheduled(uint256 indexed month, bytes32 indexed priceId, uint64 rollTime);

    /// @notice Emitted by the constructor: the schedule's end, after which every read reverts, and the blend window.
    event ScheduleFixed(uint64 scheduleEnd, uint32 blendWindow, uint8 decimals);

    // ---------------------------------------------------------------- views

    /// @notice The Pyth contract the prices are read from (and keepers update).
    function pyth() external view returns (IPyth);

    /// @notice The number of months in the schedule (at most the cap, fixed at construction).
    function monthCount() external view returns (uint256);

    /// @notice Month `index`: its Pyth price id and the time from which it alone is read.
    function month(uint256 index) external view returns (bytes32 priceId, uint64 rollTime);

    /// @notice When the schedule ends: every read reverts with {PythVixAdapterScheduleEnded} from then on.
    function scheduleEnd() external view returns (uint64);

    /// @notice How long before a roll the answer blends the two months linearly (0: an instant switch).
    function blendWindow() external view returns (uint32);

    /**
     * @notice The price ids read at `timestamp` and the weight of the second, in basis points: one id outside a
     * blend window (`nextId` zero, `nextWeightBps` 0), two inside one. A keeper updates every id it returns.
     * @dev Reverts as a read would before the schedule starts or once it has ended.
     */
    function priceIdsAt(
        uint256 timestamp
    ) external view returns (bytes32 frontId, bytes32 nextId, uint256 nextWeightBps);
}
