// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ICouncilSeats} from "./interfaces/ICouncilSeats.sol";
import {IHedgeCouncil} from "./interfaces/IHedgeCouncil.sol";

/**
 * @title CouncilSeats
 * @notice Soulbound ERC-721 seats (ERC-5192) of the Hedge Council. A seat cannot be transferred, approved or
 * sold, so a vote cannot be bought; it can only be minted or burned by governance (the timelock).
 *
 * Who holds which seat is kept in two places: the ERC-721 owners here (seat id to holder), and the council's copy
 * (holder to seat id, and the live-seat map), which every mint and burn updates through {IHedgeCouncil-seatUpdated}.
 * {seatOf} reads the council's copy; one seat per address is the ERC-721 balance.
 */
contract CouncilSeats is ERC721, ICouncilSeats {
    // ---------------------------------------------------------------- constants

    /// @dev ERC-5192 interface id.
    bytes4 private constant ERC5192_INTERFACE_ID = 0xb45a3c0e;

    /// @dev Seat ids run 1..64: the council keeps approvals and vetoes as 64-bit maps over seat ids.
    uint256 private constant MAX_SEATS = 64;

    // ---------------------------------------------------------------- immutables

    /// @inheritdoc ICouncilSeats
    address public immutable governance;

    /// @inheritdoc ICouncilSeats
    address public immutable council;

    // ---------------------------------------------------------------- storage

    /// @dev Live seats (bit `id - 1`), seats ever minted and seats alive: one storage word.
    uint64 private _liveSeats;
    uint8 private _mintedCount;
    uint8 private _seatCount;

    // ---------------------------------------------------------------- constructor

    /**
     * @param governance_ the timelock, the only minter and burner
     * @param council_ the council whose thresholds bound burns
     * @param initialHolders the first seat holders, given seats 1..n in order
     */
    constructor(
        address governance_,
        address council_,
        address[] memory initialHolders
    ) ERC721("Hedge Council Seat", "SEAT") {
        if (governance_ == address(0) || council_ == address(0)) revert CouncilSeatsZeroAddress();
        governance = governance_;
        council = council_;
        // The council does not exist yet (it is deployed next) and reads these seats in its own constructor.
        for (uint256 i = 0; i < initialHolders.length; ++i) {
            _mintSeat(initialHolders[i]);
        }
    }

    // ---------------------------------------------------------------- modifiers

    modifier onlyGovernance() {
        if (msg.sender != governance) revert CouncilSeatsUnauthorized(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- state-changing functions

    /// @inheritdoc ICouncilSeats
    function mint(address holder) external onlyGovernance returns (uint256 seatId) {
        seatId = _mintSeat(holder);
        IHedgeCouncil(council).seatUpdated(holder, seatId, true);
    }

    /// @inheritdoc ICouncilSeats
    function burn(uint256 seatId) external onlyGovernance {
        address holder = _requireOwned(seatId);
        uint256 remaining = _seatCount - 1;
        uint256 required = _highestThreshold();
        if (remaining < required) revert CouncilSeatsBelowThreshold(remaining, required);
        _liveSeats &= ~uint64(1 << (seatId - 1));
        _seatCount = uint8(remaining);
        _burn(seatId);
        IHedgeCouncil(council).seatUpdated(holder, seatId, false);
    }

    /// @notice Seats are soulbound: always reverts.
    function approve(address, uint256) public pure override {
        revert CouncilSeatsApprovalDisabled();
    }

    /// @notice Seats are soulbound: always reverts.
    function setApprovalForAll(address, bool) public pure override {
        revert CouncilSeatsApprovalDisabled();
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ICouncilSeats
    function locked(uint256 tokenId) external view returns (bool) {
        _requireOwned(tokenId);
        return true;
    }

    /// @inheritdoc ICouncilSeats
    function seatOf(address account) external view returns (uint256) {
        return IHedgeCouncil(council).seatOf(account);
    }

    /// @inheritdoc ICouncilSeats
    function seatsOf(address[] calldata accounts) external view returns (uint256[] memory seatIds) {
        seatIds = new uint256[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) {
            seatIds[i] = IHedgeCouncil(council).seatOf(accounts[i]);
        }
    }

    /// @inheritdoc ICouncilSeats
    function seatCount() external view returns (uint256) {
        return _seatCount;
    }

    /// @inheritdoc ICouncilSeats
    function liveSeats() external view returns (uint64) {
        return _liveSeats;
    }

    /// @inheritdoc ICouncilSeats
    function mintedCount() external view returns (uint256) {
        return _mintedCount;
    }

    /// @inheritdoc ICouncilSeats
    function maxSeats() external pure returns (uint256) {
        return MAX_SEATS;
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == ERC5192_INTERFACE_ID || super.supportsInterface(interfaceId);
    }

    // ---------------------------------------------------------------- internal helpers

    function _mintSeat(address holder) private returns (uint256 seatId) {
        if (holder == address(0)) revert CouncilSeatsZeroAddress();
        if (balanceOf(holder) != 0) revert CouncilSeatsAlreadyHolder(holder);
        if (_mintedCount == MAX_SEATS) revert CouncilSeatsLifetimeLimitReached(MAX_SEATS);
        seatId = _mintedCount + 1;
        _mintedCount = uint8(seatId);
        _seatCount += 1;
        _liveSeats |= uint64(1 << (seatId - 1));
        // `_mint`, not `_safeMint`: no receiver callback, so minting runs no code of the holder's.
        _mint(holder, seatId);
        emit Locked(seatId);
    }

    /// @dev Only mints (from zero) and burns (to zero) pass: every transfer path of ERC-721 ends here.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) revert CouncilSeatsNonTransferable(tokenId);
        return super._update(to, tokenId, auth);
    }

    /// @dev The council's highest threshold: its Critical tier or its veto, whichever is higher.
    function _highestThreshold() private view returns (uint256) {
        (uint8 critical, ) = IHedgeCouncil(council).tierRule(IHedgeCouncil.Tier.Critical);
        uint8 veto = IHedgeCouncil(council).vetoThreshold();
        return critical > veto ? critical : veto;
    }
}
