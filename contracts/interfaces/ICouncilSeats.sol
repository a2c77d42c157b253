// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ICouncilSeats
 * @notice Soulbound ERC-721 seats of the Hedge Council (ERC-5192: every seat is locked for good). One seat per
 * address; seats are minted and burned only by governance (the timelock). Seat ids start at 1, are never reused,
 * and at most 64 are ever minted: the council keeps approvals as a 64-bit map over seat ids.
 */
interface ICouncilSeats {
    // ---------------------------------------------------------------- errors

    /// @dev `caller` is not governance (the timelock).
    error CouncilSeatsUnauthorized(address caller);

    /// @dev An address that must be set was the zero address.
    error CouncilSeatsZeroAddress();

    /// @dev `account` already holds a seat; one seat per address.
    error CouncilSeatsAlreadyHolder(address account);

    /// @dev All `limit` seat ids have been used; ids are never reused.
    error CouncilSeatsLifetimeLimitReached(uint256 limit);

    /// @dev Burning would leave `remaining` seats, fewer than the council's highest threshold `required`.
    error CouncilSeatsBelowThreshold(uint256 remaining, uint256 required);

    /// @dev Seats are soulbound: seat `seatId` cannot be transferred.
    error CouncilSeatsNonTransferable(uint256 seatId);

    /// @dev Seats are soulbound: approvals and operators are disabled.
    error CouncilSeatsApprovalDisabled();

    // ---------------------------------------------------------------- events

    /// @dev ERC-5192: seat `tokenId` is locked (emitted on every mint).
    event Locked(uint256 tokenId);

    /// @dev ERC-5192: declared for the standard; never emitted, seats never unlock.
    event Unlocked(uint256 tokenId);

    // ---------------------------------------------------------------- state-changing functions

    /**
     * @notice Mints the next seat to `holder`, and tells the council ({IHedgeCouncil-seatUpdated}).
     *
     * Emits {Transfer} from the zero address and {Locked}; the council emits {IHedgeCouncil-SeatUpdated}.
     *
     * Requirements:
     * - the caller is governance;
     * - `holder` is not the zero address and holds no seat;
     * - fewer than 64 seats were ever minted.
     *
     * @return seatId the new seat's id
     */
    function mint(address holder) external returns (uint256 seatId);

    /**
     * @notice Burns seat `seatId`, and tells the council ({IHedgeCouncil-seatUpdated}). Its holder's approvals and
     * vetoes stop counting at once.
     *
     * Emits {Transfer} to the zero address; the council emits {IHedgeCouncil-SeatUpdated}.
     *
     * Requirements:
     * - the caller is governance;
     * - the seat exists;
     * - the seats left are at least the council's highest threshold (Critical tier or veto).
     */
    function burn(uint256 seatId) external;

    // ---------------------------------------------------------------- views

    /// @notice ERC-5192: always true for an existing seat.
    function locked(uint256 tokenId) external view returns (bool);

    /// @notice The seat id held by `account`, or 0 if none: the council's copy, which every mint and burn updates.
    function seatOf(address account) external view returns (uint256);

    /// @notice The seat id held by each of `accounts` (0 for none), in one call.
    function seatsOf(address[] calldata accounts) external view returns (uint256[] memory seatIds);

    /// @notice How many seats exist now.
    function seatCount() external view returns (uint256);

    /// @notice The seats that exist now as a bit map: bit `seatId - 1` is set for every live seat.
    function liveSeats() external view returns (uint64);

    /// @notice How many seats were ever minted (the last id used).
    function mintedCount() external view returns (uint256);

    /// @notice The most seats that can ever be minted: 64.
    function maxSeats() external pure returns (uint256);

    /// @notice The governance address (the timelock), the only minter and burner.
    function governance() external view returns (address);

    /// @notice The council whose thresholds bound burns.
    function council() external view returns (address);
}
