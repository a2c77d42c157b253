// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @dev Attack double: a VIX feed under the attacker's control. Every field of `decimals()` and `latestRoundData()`
 * is settable, with full 256-bit words (so that out-of-range decimals and round ids can be served), and the feed can
 * go down (revert) or answer malformed, too-short data.
 */
contract AttackOracle {
    error AttackOracleDown();

    uint256 public decimalsWord;
    uint256 public roundId;
    int256 public answer;
    uint256 public updatedAt;
    bool public down;
    bool public shortData;
    uint256 public decimalsBytes;
    uint256 public roundDataBytes;

    constructor(uint256 decimals_, int256 answer_) {
        decimalsWord = decimals_;
        roundId = 1;
        answer = answer_;
        updatedAt = block.timestamp;
    }

    /// @dev Sets every field of the next reads.
    function set(uint256 decimals_, uint256 roundId_, int256 answer_, uint256 updatedAt_) external {
        decimalsWord = decimals_;
        roundId = roundId_;
        answer = answer_;
        updatedAt = updatedAt_;
    }

    /// @dev Makes every read revert (true) or answer again (false).
    function setDown(bool down_) external {
        down = down_;
    }

    /// @dev Makes `latestRoundData` return two words instead of five.
    function setShortData(bool shortData_) external {
        shortData = shortData_;
    }

    /// @dev Makes `decimals` and `latestRoundData` return only the first bytes of their answers (0: all of them).
    function setTruncated(uint256 decimalsBytes_, uint256 roundDataBytes_) external {
        decimalsBytes = decimalsBytes_;
        roundDataBytes = roundDataBytes_;
    }

    /// @dev Chainlink's `decimals()`, as a full word.
    function decimals() external view returns (uint256) {
        if (down) revert AttackOracleDown();
        if (decimalsBytes != 0) _returnFirst(abi.encode(decimalsWord), decimalsBytes);
        return decimalsWord;
    }

    /// @dev Chainlink's `latestRoundData()`, as full words.
    function latestRoundData() external view returns (uint256, int256, uint256, uint256, uint256) {
        if (down) revert AttackOracleDown();
        if (shortData) {
            uint256 id = roundId;
            int256 value = answer;
            assembly ("memory-safe") {
                mstore(0x00, id)
                mstore(0x20, value)
                return(0x00, 0x40)
            }
        }
        if (roundDataBytes != 0) {
            _returnFirst(abi.encode(roundId, answer, updatedAt, updatedAt, roundId), roundDataBytes);
        }
        return (roundId, answer, updatedAt, updatedAt, roundId);
    }

    function _returnFirst(bytes memory data, uint256 length) private pure {
        assembly ("memory-safe") {
            return(add(data, 0x20), length)
        }
    }
}
