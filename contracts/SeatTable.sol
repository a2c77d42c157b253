// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Bytes} from "@openzeppelin/contracts/utils/Bytes.sol";
import {Create3} from "@openzeppelin/contracts/utils/Create3.sol";

/**
 * @title SeatTable
 * @dev The council's table of who holds which seat, written as the code of a data contract (the SSTORE2 pattern):
 * `submit` and `approveBySig` find the seats of all their signers with one `EXTCODECOPY` (2,600 gas for the cold
 * account) instead of one cold storage read (2,100 gas) per signer.
 *
 * A table is one 21-byte entry per live seat, in the order the seats were minted: the holder (20 bytes), then the
 * seat id (1 byte; ids run 1..64). The table contract's code is a STOP byte followed by the entries, so calling it
 * does nothing. A table is never changed: every mint and burn writes a new one under the next number. Table `n` is
 * deployed with CREATE3 under salt `n`, so its address follows from `n` and the writer's address alone; the council
 * keeps `n` in its settings word, and finding its table costs no storage read.
 */
library SeatTable {
    /// @dev Bytes per entry: the holder's address, then its seat id.
    uint256 internal constant ENTRY_SIZE = 21;

    /**
     * @dev Creation code of a table, before its runtime code (a STOP byte, then the entries):
     * `PUSH2 size, DUP1, PUSH1 0x0a, PUSH0, CODECOPY, PUSH0, RETURN`, where 0x0a is this prefix's length.
     */
    bytes1 private constant PUSH2 = 0x61;
    bytes7 private constant COPY_AND_RETURN = 0x80600a5f395ff3;

    /// @dev Deploys table number `n` (never used before) holding `entries`.
    function write(uint256 n, bytes memory entries) internal {
        bytes memory runtime = abi.encodePacked(bytes1(0x00), entries);
        Create3.deploy(0, bytes32(n), abi.encodePacked(PUSH2, uint16(runtime.length), COPY_AND_RETURN, runtime));
    }

    /// @dev The first `count` entries of table number `n` written by this contract.
    function read(uint256 n, uint256 count) internal view returns (bytes memory entries) {
        address table = Create3.computeAddress(bytes32(n));
        uint256 size = count * ENTRY_SIZE;
        entries = new bytes(size);
        assembly ("memory-safe") {
            extcodecopy(table, add(entries, 0x20), 1, size)
        }
    }

    /// @dev The seat id of `holder` in `entries`, or 0 if it holds none.
    function seatOf(bytes memory entries, address holder) internal pure returns (uint256 seatId) {
        assembly ("memory-safe") {
            let entry := add(entries, 0x20)
            for {
                let end := add(entry, mload(entries))
            } lt(entry, end) {
                entry := add(entry, ENTRY_SIZE)
            } {
                let word := mload(entry)
                if eq(shr(96, word), holder) {
                    seatId := byte(20, word)
                    break
                }
            }
        }
    }

    /// @dev `entries` with `holder`'s seat `seatId` appended.
    function add(bytes memory entries, address holder, uint256 seatId) internal pure returns (bytes memory) {
        return abi.encodePacked(entries, holder, uint8(seatId));
    }

    /// @dev `entries` without the entry of seat `seatId`, which must have one (else an index panic).
    function remove(bytes memory entries, uint256 seatId) internal pure returns (bytes memory) {
        uint256 start = 0;
        while (uint8(entries[start + 20]) != seatId) start += ENTRY_SIZE;
        return bytes.concat(Bytes.slice(entries, 0, start), Bytes.slice(entries, start + ENTRY_SIZE));
    }
}
