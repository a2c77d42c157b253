// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IPyth} from "@pythnetwork/pyth-sdk-solidity/IPyth.sol";
import {IHedgePolicy} from "./interfaces/IHedgePolicy.sol";
import {IReceiver} from "@chainlink/contracts/src/v0.8/keystone/interfaces/IReceiver.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IHedgeUpkeep} from "./interfaces/IHedgeUpkeep.sol";
import {IPythVixAdapter} from "./interfaces/IPythVixAdapter.sol";

/**
 * @title HedgeUpkeep
 * @notice Lets Chainlink Automation (or any keeper) keep the policy's layers in sync with the VIX: `checkUpkeep` is
 * true exactly when `syncLayers` would change the engaged layers from a fresh answer, `performUpkeep` checks again
 * and syncs. It holds no role, keeps no state and accepts calls from anyone. CRE, Automation's successor, reaches the
 * same sync through `onReport`, from one forwarder and for one workflow, both fixed at construction.
 *
 * The oracle is read as `HedgePolicy` reads it (the same checks, in the same order, and the same normalisation of
 * its decimals) but never reverts: every read is a low-level `staticcall` whose returned size is checked before a
 * word is read, so a reverting, code-less or malformed feed is `Unavailable`, not a revert.
 */
contract HedgeUpkeep is IHedgeUpkeep {
    // ---------------------------------------------------------------- constants

    uint8 private constant MAX_ORACLE_DECIMALS = 38;

    // ---------------------------------------------------------------- immutables

    /// @inheritdoc IHedgeUpkeep
    IHedgePolicy public immutable policy;

    /// @inheritdoc IHedgeUpkeep
    address public immutable forwarder;

    /// @inheritdoc IHedgeUpkeep
    bytes32 public immutable workflowId;

    /// @inheritdoc IHedgeUpkeep
    address public immutable workflowOwner;

    // ---------------------------------------------------------------- constructor

    /**
     * @param policy_ the HedgePolicy whose layers this upkeep syncs
     * @param forwarder_ CRE's KeystoneForwarder, the only caller of `onReport`; zero with the two below: CRE off
     * @param workflowId_ the CRE workflow whose reports `onReport` accepts
     * @param workflowOwner_ that workflow's owner
     */
    constructor(IHedgePolicy policy_, address forwarder_, bytes32 workflowId_, address workflowOwner_) {
        if (address(policy_).code.length == 0) revert HedgeUpkeepPolicyNotContract(address(policy_));
        bool off = forwarder_ == address(0);
        if (off != (workflowId_ == bytes32(0)) || off != (workflowOwner_ == address(0)))
            revert HedgeUpkeepWorkflowIncomplete(forwarder_, workflowId_, workflowOwner_);
        if (!off && forwarder_.code.length == 0) revert HedgeUpkeepForwarderNotContract(forwarder_);
        policy = policy_;
        forwarder = forwarder_;
        workflowId = workflowId_;
        workflowOwner = workflowOwner_;
    }

    // ---------------------------------------------------------------- state-changing functions

    /// @inheritdoc IHedgeUpkeep
    function performUpkeep(bytes calldata) external {
        _sync();
    }

    /// @inheritdoc IHedgeUpkeep
    function onReport(bytes calldata metadata, bytes calldata) external {
        // With CRE off the forwarder is zero, which no caller can be.
        if (msg.sender != forwarder) revert HedgeUpkeepWrongForwarder(msg.sender);
        // The forwarder's metadata, packed: workflowId (32 bytes), workflowName (10), workflowOwner (20),
        // reportId (2), read where Chainlink's consumers read it. Too short to hold an owner: no workflow (and no
        // configured id or owner is zero).
        if (metadata.length < 62) revert HedgeUpkeepWrongWorkflow(bytes32(0), address(0));
        bytes32 id = bytes32(metadata[0:32]);
        address owner = address(bytes20(metadata[42:62]));
        if (id != workflowId || owner != workflowOwner) revert HedgeUpkeepWrongWorkflow(id, owner);
        _sync();
    }

    /**
     * @inheritdoc IHedgeUpkeep
     * @dev Reentrancy: the only external calls are to the policy, its oracle and the oracle's Pyth, all approved by
     * the council; this contract keeps no state and no ether, so a re-entered call can only sync again.
     */
    function updateAndSync(bytes[] calldata updateData) external payable {
        address oracle = policy.oracle();
        (bool ok, uint256 size, uint256[5] memory words) = _callWords(oracle, IPythVixAdapter.pyth.selector);
        if (!ok || size < 32 || words[0] >> 160 != 0 || address(uint160(words[0])).code.length == 0) {
            revert HedgeUpkeepOracleNotPyth(oracle);
        }
        IPyth pyth = IPyth(address(uint160(words[0])));
        uint256 fee = pyth.getUpdateFee(updateData);
        if (msg.value != fee) revert HedgeUpkeepUpdateFeeMismatch(fee, msg.value);
        // Before: 0 when the oracle has no answer yet (a month Pyth never held): any update that gives one advances it.
        (ok, size, words) = _callWords(oracle, AggregatorV3Interface.latestRoundData.selector);
        uint256 before = ok && size >= 160 ? words[3] : 0;
        pyth.updatePriceFeeds{value: fee}(updateData);
        (ok, size, words) = _callWords(oracle, AggregatorV3Interface.latestRoundData.selector);
        // An oracle that no longer answers is left to the check below (Unavailable).
        if (ok && size >= 160 && words[3] <= before) revert HedgeUpkeepPriceUpdateIgnored(before);
        emit PriceUpdatePaid(msg.sender, fee, words[3]);
        _sync();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IHedgeUpkeep
    function checkUpkeep(bytes calldata) external view returns (bool upkeepNeeded, bytes memory performData) {
        uint8 engagedMask;
        uint8 nextMask;
        (upkeepNeeded, , , engagedMask, nextMask) = _preview();
        performData = abi.encode(engagedMask, nextMask);
    }

    /// @inheritdoc IHedgeUpkeep
    function preview()
        external
        view
        returns (bool upkeepNeeded, OracleStatus status, uint32 vix, uint8 engagedMask, uint8 nextMask)
    {
        return _preview();
    }

    /// @inheritdoc IERC165
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IReceiver).interfaceId || interfaceId == type(IERC165).interfaceId;
    }

    // ---------------------------------------------------------------- internal helpers

    /// @dev The sync behind `performUpkeep`, `onReport` and `updateAndSync`: checks, then `syncLayers`, then the event.
    function _sync() private {
        (bool needed, OracleStatus status, uint32 vix, uint8 engagedMask, ) = _preview();
        if (status != OracleStatus.Fresh) revert HedgeUpkeepOracleUnusable(status);
        if (!needed) revert HedgeUpkeepNothingToSync(engagedMask, vix);
        uint8 next = policy.syncLayers();
        emit UpkeepPerformed(msg.sender, engagedMask, next, vix);
    }

    function _preview()
        private
        view
        returns (bool upkeepNeeded, OracleStatus status, uint32 vix, uint8 engagedMask, uint8 nextMask)
    {
        IHedgePolicy.Policy memory current = policy.policy();
        engagedMask = policy.engagedLayers();
        nextMask = engagedMask;
        (status, vix) = _readVix(policy.oracle(), current.maxOracleAge);
        if (status != OracleStatus.Fresh) return (false, status, 0, engagedMask, nextMask);
        // The rule of HedgePolicy.syncLayers: engage at trigger <= VIX, disengage once VIX < trigger - hysteresis.
        for (uint256 i = 0; i < current.layers.length; ++i) {
            uint32 trigger = current.layers[i].triggerVix;
            uint8 bit = uint8(1 << i);
            bool engaged = nextMask & bit != 0;
            if (!engaged && vix >= trigger) {
                nextMask |= bit;
            } else if (engaged && uint256(vix) + current.hysteresisVix < trigger) {
                nextMask &= ~bit;
            }
        }
        upkeepNeeded = nextMask != engagedMask;
    }

    /**
     * @dev HedgePolicy's oracle read, returning a status instead of reverting. Each check is the policy's, in its
     * order, so the status names the error `syncLayers` would revert with.
     */
    function _readVix(address source, uint32 maxOracleAge) private view returns (OracleStatus, uint32) {
        (bool ok, uint256 size, uint256[5] memory words) = _callWords(source, AggregatorV3Interface.decimals.selector);
        if (!ok || size < 32) return (OracleStatus.Unavailable, 0);
        uint256 rawDecimals = words[0];
        if (rawDecimals > type(uint8).max) return (OracleStatus.Unavailable, 0);
        (ok, size, words) = _callWords(source, AggregatorV3Interface.latestRoundData.selector);
        if (!ok || size < 160) return (OracleStatus.Unavailable, 0);
        (uint256 rawRoundId, int256 answer, uint256 updatedAt) = (words[0], int256(words[1]), words[3]);
        if (rawRoundId > type(uint80).max) return (OracleStatus.Unavailable, 0);

        if (updatedAt == 0) return (OracleStatus.RoundIncomplete, 0);
        if (updatedAt > block.timestamp) return (OracleStatus.FromFuture, 0);
        if (block.timestamp - updatedAt > maxOracleAge) return (OracleStatus.Stale, 0);
        if (answer <= 0) return (OracleStatus.NotPositive, 0);
        uint8 decimals = uint8(rawDecimals);
        if (decimals > MAX_ORACLE_DECIMALS) return (OracleStatus.OutOfRange, 0);

        uint256 raw = uint256(answer);
        uint256 vix;
        if (decimals >= 2) {
            vix = raw / 10 ** (decimals - 2);
        } else {
            uint256 factor = 10 ** (2 - decimals);
            if (raw > type(uint32).max / factor) return (OracleStatus.OutOfRange, 0);
            vix = raw * factor;
        }
        if (vix == 0 || vix > type(uint32).max) return (OracleStatus.OutOfRange, 0);
        return (OracleStatus.Fresh, uint32(vix));
    }

    /**
     * @dev `staticcall`s `target` with a bare selector and copies at most the first five words it returns, with the
     * size it returned: a feed answering megabytes cannot make the copy (and so the check) run out of gas. The words
     * are then read as `abi.decode` reads them from a full copy.
     */
    function _callWords(
        address target,
        bytes4 selector
    ) private view returns (bool ok, uint256 size, uint256[5] memory words) {
        assembly ("memory-safe") {
            // The calldata, the 4-byte selector, in scratch space (selector is left-aligned in its word).
            mstore(0x00, selector)
            // Copies min(returndatasize, 160) bytes into `words`, which Solidity allocated and zeroed.
            ok := staticcall(gas(), target, 0x00, 0x04, words, 0xa0)
            // The full size returned, to refuse short answers exactly as the policy's length checks do.
            size := returndatasize()
        }
    }
}
