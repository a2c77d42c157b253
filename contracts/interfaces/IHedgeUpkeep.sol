// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// solhint-disable-next-line max-line-length
import {AutomationCompatibleInterface} from "@chainlink/contracts/src/v0.8/automation/interfaces/AutomationCompatibleInterface.sol";
import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IHedgePolicy} from "./IHedgePolicy.sol";

/**
 * @title IHedgeUpkeep
 * @notice A Chainlink Automation upkeep (or any keeper's) for {IHedgePolicy-syncLayers}: `checkUpkeep` says whether
 * a sync would engage or disengage a layer from the oracle's current answer, `performUpkeep` checks again and syncs.
 * It holds no role and no funds, and anyone may call it: all it can ever do is what `syncLayers` does.
 *
 * It is also a CRE receiver ({IReceiver}): Chainlink's KeystoneForwarder delivers a report of the one workflow set at
 * construction, and `onReport` syncs exactly as `performUpkeep` does. The report's content is ignored.
 */
interface IHedgeUpkeep is AutomationCompatibleInterface, IReceiver, IERC165 {
    // ---------------------------------------------------------------- types

    /// @notice What the oracle's latest answer is worth, judged exactly as {IHedgePolicy-syncLayers} judges it.
    enum OracleStatus {
        Fresh, // usable: syncLayers would accept it
        Unavailable, // reverts, has no code, or answers malformed data
        RoundIncomplete, // updatedAt == 0
        FromFuture, // updatedAt after the block's timestamp
        Stale, // older than the policy's maxOracleAge
        NotPositive, // answer <= 0
        OutOfRange // does not normalise to a VIX level in hundredths (0 < vix <= type(uint32).max)
    }

    // ---------------------------------------------------------------- errors

    /// @notice The policy given to the constructor is not a contract.
    error HedgeUpkeepPolicyNotContract(address policy);

    /// @notice The CRE forwarder given to the constructor is neither the zero address (CRE off) nor a contract.
    error HedgeUpkeepForwarderNotContract(address forwarder);

    /// @notice The constructor was given a forwarder without a workflow, or a workflow without a forwarder: CRE is
    /// either off (all three zero) or fully set (all three non-zero), never a wildcard.
    error HedgeUpkeepWorkflowIncomplete(address forwarder, bytes32 workflowId, address workflowOwner);

    /// @notice `onReport` was called by `caller`, not by the configured forwarder (with CRE off: by anyone).
    error HedgeUpkeepWrongForwarder(address caller);

    /// @notice `onReport` was delivered for a workflow other than the configured one (id or owner differs).
    error HedgeUpkeepWrongWorkflow(bytes32 workflowId, address workflowOwner);

    /// @notice `performUpkeep` or `onReport` was called while the oracle's answer is one `syncLayers` would refuse.
    error HedgeUpkeepOracleUnusable(OracleStatus status);

    /// @notice `performUpkeep` or `onReport` was called while a sync would change no layer.
    error HedgeUpkeepNothingToSync(uint8 engagedMask, uint32 vix);

    // ---------------------------------------------------------------- events

    /// @notice A `performUpkeep` or an `onReport` synced the layers, moving the engaged mask from `previousMask` to
    /// `engagedMask`; `caller` is the keeper (for `onReport`, the forwarder).
    event UpkeepPerformed(address indexed caller, uint8 previousMask, uint8 engagedMask, uint32 vix);

    // ---------------------------------------------------------------- functions

    /**
     * @notice Whether {IHedgePolicy-syncLayers} would engage or disengage at least one layer from the oracle's
     * current answer. Never reverts: a stale, future-dated, incomplete, non-positive, out-of-range, reverting or
     * malformed answer gives false.
     * @dev A view: Chainlink Automation simulates it off chain. `checkData` is ignored.
     * @return upkeepNeeded true exactly when a sync now would change the engaged layers.
     * @return performData `abi.encode(uint8 engagedMask, uint8 nextMask)`, for information only: `performUpkeep`
     * ignores it and checks again.
     */
    function checkUpkeep(
        bytes calldata checkData
    ) external view override returns (bool upkeepNeeded, bytes memory performData);

    /**
     * @notice Checks again and calls {IHedgePolicy-syncLayers}; nothing else. Anyone may call it.
     * @dev `performData` is ignored: it comes from an untrusted caller. When nothing would change the call reverts,
     * so a keeper that races another (or a stale simulation) pays no more than the check.
     *
     * Emits {IHedgePolicy-LayerEngaged} / {IHedgePolicy-LayerDisengaged} (from the policy) for each layer that
     * changes, then {UpkeepPerformed}.
     *
     * Requirements:
     * - the oracle's answer is one `syncLayers` accepts (else {HedgeUpkeepOracleUnusable});
     * - the sync changes at least one layer (else {HedgeUpkeepNothingToSync}).
     */
    function performUpkeep(bytes calldata performData) external override;

    /**
     * @notice CRE's entry point: the configured forwarder delivers a report of the configured workflow, and the upkeep
     * checks again and calls {IHedgePolicy-syncLayers}, exactly as `performUpkeep` does.
     * @dev `metadata` is the forwarder's: `workflowId` (bytes32), `workflowName` (bytes10), `workflowOwner`
     * (address), `reportId` (bytes2), packed; the upkeep reads the id and the owner and requires both to match.
     * `report` is ignored: nothing in it can choose the outcome, which comes from the oracle alone. A report for an
     * unneeded sync reverts as `performUpkeep` does (the forwarder catches it and records a failed transmission), so it
     * changes nothing.
     *
     * Emits what `performUpkeep` emits, with the forwarder as the caller of {UpkeepPerformed}.
     *
     * Requirements:
     * - the caller is the forwarder (else {HedgeUpkeepWrongForwarder});
     * - `metadata` names the workflow id and owner (else {HedgeUpkeepWrongWorkflow});
     * - then as `performUpkeep` ({HedgeUpkeepOracleUnusable}, {HedgeUpkeepNothingToSync}).
     */
    function onReport(bytes calldata metadata, bytes calldata report) external override;

    /**
     * @notice The whole judgement behind `checkUpkeep`, for keepers and dashboards. Never reverts.
     * @return upkeepNeeded as `checkUpkeep`.
     * @return status the oracle's answer as `syncLayers` would judge it.
     * @return vix the answer in VIX hundredths (0 unless `status` is Fresh).
     * @return engagedMask the layers engaged now, bit i for layer i.
     * @return nextMask the layers a sync now would leave engaged (`engagedMask` unless `status` is Fresh).
     */
    function preview()
        external
        view
        returns (bool upkeepNeeded, OracleStatus status, uint32 vix, uint8 engagedMask, uint8 nextMask);

    /// @notice The policy this upkeep syncs.
    function policy() external view returns (IHedgePolicy);

    /// @notice The only caller `onReport` accepts: CRE's KeystoneForwarder on this chain (zero: CRE off).
    function forwarder() external view returns (address);

    /// @notice The only workflow id `onReport` accepts (zero: CRE off).
    function workflowId() external view returns (bytes32);

    /// @notice The only workflow owner `onReport` accepts (zero: CRE off).
    function workflowOwner() external view returns (address);

    // ---------------------------------------------------------------- the Pyth path (pull oracle)

    /// @notice `updateAndSync` was called while the policy's oracle is not a Pyth adapter (it has no `pyth()`).
    error HedgeUpkeepOracleNotPyth(address oracle);

    /// @notice `updateAndSync` was sent `sent` wei; the update costs exactly `fee` (no excess is kept or refunded).
    error HedgeUpkeepUpdateFeeMismatch(uint256 fee, uint256 sent);

    /// @notice The price update did not advance the oracle's `updatedAt` (wrong price id, an update not newer than
    /// the one Pyth holds, or only one month inside a roll's blend window): the answer read would be the old one.
    error HedgeUpkeepPriceUpdateIgnored(uint256 updatedAt);

    /// @notice `updateAndSync` paid `fee` for a Pyth update that moved the oracle's `updatedAt` to `updatedAt`.
    event PriceUpdatePaid(address indexed caller, uint256 fee, uint256 updatedAt);

    /**
     * @notice Submits a Pyth price update for the policy's oracle (a {IPythVixAdapter}) and syncs the layers from
     * it, in one transaction. Anyone may call it.
     * @dev `msg.value` must be exactly Pyth's `getUpdateFee(updateData)`: the whole value is forwarded to Pyth, so
     * this contract never holds ether. The update must advance the oracle's `updatedAt`; then the call checks and
     * syncs as {performUpkeep} does. Any refusal reverts the whole transaction, the Pyth update included.
     *
     * Emits {PriceUpdatePaid}, {IHedgePolicy-LayerEngaged} / {IHedgePolicy-LayerDisengaged} (from the policy) for
     * each layer that changes, then {UpkeepPerformed}.
     *
     * Requirements:
     * - the oracle is a Pyth adapter (else {HedgeUpkeepOracleNotPyth});
     * - `msg.value` is the fee (else {HedgeUpkeepUpdateFeeMismatch}); Pyth accepts the update data;
     * - the update advances the oracle's `updatedAt` (else {HedgeUpkeepPriceUpdateIgnored});
     * - the answer is one `syncLayers` accepts (else {HedgeUpkeepOracleUnusable}: a stale or future update);
     * - the sync changes at least one layer (else {HedgeUpkeepNothingToSync}).
     * @param updateData the price update(s) as Hermes serves them, covering every id of
     * {IPythVixAdapter-priceIdsAt} now
     */
    function updateAndSync(bytes[] calldata updateData) external payable;
}
