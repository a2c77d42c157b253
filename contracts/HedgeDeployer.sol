// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IHedgePolicy} from "./interfaces/IHedgePolicy.sol";

/**
 * @title HedgeDeployer
 * @notice Deploys a whole Hedge Council (CouncilSeats, TimelockController, HedgePolicy, HedgeCouncil) in one call, at
 * addresses that are a function of the configuration and the four creation codes alone: the same on every chain,
 * whoever sends the transaction. It is itself placed by the Safe singleton factory (CREATE2, salt zero), so it has
 * one address wherever its code is the same.
 *
 * @dev Why not plain CREATE2: the four contracts name each other in their constructors, so each one's creation code
 * (hence its CREATE2 address) would depend on the others' addresses: a cycle. Each contract is therefore created
 * CREATE3-style: a minimal proxy is placed with CREATE2 at a salt, and the proxy CREATEs the contract (its nonce 1);
 * the contract's address depends on this deployer's address and the salt only, never on the code.
 *
 * Front-running: a CREATE3 deployer with a caller-chosen salt would let anyone who sees a deployment in the mempool
 * occupy its addresses with other code or other constructor arguments. This deployer takes no salt and no
 * constructor arguments: the salts are derived here from `systemIdOf(config, code)`, a hash of the whole
 * configuration (seat holders, thresholds, delays, expiry, initial policy, oracle, the timelock's minimum delay) and
 * of the four creation codes, and the constructor arguments are built here from that same configuration and the
 * computed addresses. So the addresses of a configuration can only ever hold that configuration's system, deployed
 * from those codes: anyone who sends the same call first deploys exactly the system the owner meant (and pays for
 * it); any other configuration or code yields other addresses. The proxies can only be created by this contract, and
 * only inside `deploySystem`. No caller keeps anything: the timelock is born with the council as its only proposer,
 * canceller and executor and no admin but itself.
 */
contract HedgeDeployer {
    /// @notice Everything the four constructors take besides each other's addresses.
    struct SystemConfig {
        address[] holders;
        IHedgePolicy.Policy policy;
        address oracle;
        uint256 minDelay;
        uint8[4] thresholds;
        uint32[2] delays;
        uint32 proposalTtl;
        uint32 gracePeriod;
    }

    /// @notice The creation codes (bytecode without constructor arguments) of the four contracts.
    struct SystemCode {
        bytes seats;
        bytes timelock;
        bytes policy;
        bytes council;
    }

    /// @dev The CREATE3 proxy: it CREATEs whatever init code it is called with (Solady's CREATE3 proxy).
    bytes private constant PROXY_INITCODE = hex"67363d3d37363d34f03d5260086018f3";
    bytes32 private constant PROXY_INITCODE_HASH = keccak256(PROXY_INITCODE);

    /// @dev The system `systemId` is deployed already: `at` holds its `index`th contract.
    error HedgeDeployerAlreadyDeployed(bytes32 systemId, uint256 index, address at);
    /// @dev The `index`th contract's creation reverted or left no code (its constructor refused the configuration).
    error HedgeDeployerCreationFailed(bytes32 systemId, uint256 index);
    /// @dev The `index`th creation code is empty.
    error HedgeDeployerEmptyCode(uint256 index);

    /// @notice The `index`th contract (0 seats, 1 timelock, 2 policy, 3 council) of `systemId` was created at `at`.
    event ContractDeployed(bytes32 indexed systemId, uint256 indexed index, address indexed at);
    /// @notice The system `systemId` was deployed by `sender`, at the four addresses given.
    event SystemDeployed(
        bytes32 indexed systemId,
        address indexed sender,
        address seats,
        address timelock,
        address policy,
        address council
    );

    /**
     * @notice The identity of a system: the hash of its configuration and of its four creation codes.
     * @param config the configuration
     * @param code the four creation codes
     * @return the system id, from which the four salts are derived
     */
    function systemIdOf(SystemConfig calldata config, SystemCode calldata code) public pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    config,
                    keccak256(code.seats),
                    keccak256(code.timelock),
                    keccak256(code.policy),
                    keccak256(code.council)
                )
            );
    }

    /**
     * @notice Where the system `systemId` lives (or will live) on any chain where this deployer has this address.
     * @param systemId a system id (`systemIdOf`)
     * @return addresses seats, timelock, policy and council, in that order
     */
    function addressesOf(bytes32 systemId) public view returns (address[4] memory addresses) {
        for (uint256 i = 0; i < 4; ++i) addresses[i] = _created(_proxyOf(_salt(systemId, i)));
    }

    /**
     * @notice Deploys the system of `config` from `code` at `addressesOf(systemIdOf(config, code))`. Anyone may call
     * it; the result does not depend on who does.
     * @param config the configuration
     * @param code the four creation codes
     * @return systemId the system id
     * @return addresses seats, timelock, policy and council
     *
     * Emits {ContractDeployed} for each contract and {SystemDeployed}. Reverts with {HedgeDeployerAlreadyDeployed}
     * when the system exists already, and with {HedgeDeployerCreationFailed} when a constructor refuses.
     */
    function deploySystem(
        SystemConfig calldata config,
        SystemCode calldata code
    ) external returns (bytes32 systemId, address[4] memory addresses) {
        _requireCode(code);
        systemId = systemIdOf(config, code);
        addresses = addressesOf(systemId);
        _requireNew(systemId, addresses);
        (address seats, address timelock, address policy, address council) = (
            addresses[0],
            addresses[1],
            addresses[2],
            addresses[3]
        );
        address[] memory councilOnly = new address[](1);
        councilOnly[0] = council;
        // Order: the council's constructor reads the seats, so they come first.
        _create(systemId, 0, abi.encodePacked(code.seats, abi.encode(timelock, council, config.holders)));
        _create(
            systemId,
            1,
            abi.encodePacked(code.timelock, abi.encode(config.minDelay, councilOnly, councilOnly, address(0)))
        );
        _create(
            systemId,
            2,
            abi.encodePacked(code.policy, abi.encode(config.policy, timelock, council, config.oracle))
        );
        _create(
            systemId,
            3,
            abi.encodePacked(
                code.council,
                abi.encode(
                    seats,
                    timelock,
                    policy,
                    config.thresholds,
                    config.delays,
                    config.proposalTtl,
                    config.gracePeriod
                )
            )
        );
        emit SystemDeployed(systemId, msg.sender, seats, timelock, policy, council);
    }

    /// @dev Refuses an empty creation code.
    function _requireCode(SystemCode calldata code) private pure {
        if (code.seats.length == 0) revert HedgeDeployerEmptyCode(0);
        if (code.timelock.length == 0) revert HedgeDeployerEmptyCode(1);
        if (code.policy.length == 0) revert HedgeDeployerEmptyCode(2);
        if (code.council.length == 0) revert HedgeDeployerEmptyCode(3);
    }

    /// @dev Refuses a system whose creation began already. A proxy exists once its contract's creation was attempted
    /// in a call that did not revert (only proxies create these contracts, so an existing contract implies its proxy):
    /// this also refuses a call that re-enters while the system is being created.
    function _requireNew(bytes32 systemId, address[4] memory addresses) private view {
        for (uint256 i = 0; i < 4; ++i) {
            if (_proxyOf(_salt(systemId, i)).code.length != 0) {
                revert HedgeDeployerAlreadyDeployed(systemId, i, addresses[i]);
            }
        }
    }

    /// @dev Places the proxy of the `index`th salt and has it create `initCode`; checks code landed where expected.
    function _create(bytes32 systemId, uint256 index, bytes memory initCode) private {
        bytes32 salt = _salt(systemId, index);
        bytes memory proxyCode = PROXY_INITCODE;
        address proxy;
        assembly ("memory-safe") {
            proxy := create2(0, add(proxyCode, 32), mload(proxyCode), salt)
        }
        // A failed CREATE2 leaves `proxy` zero: the call below then creates nothing, and the check reverts.
        (bool ok, ) = proxy.call(initCode);
        address deployed = _created(proxy);
        if (!ok || deployed.code.length == 0) revert HedgeDeployerCreationFailed(systemId, index);
        emit ContractDeployed(systemId, index, deployed);
    }

    function _salt(bytes32 systemId, uint256 index) private pure returns (bytes32) {
        return keccak256(abi.encode(systemId, index));
    }

    function _proxyOf(bytes32 salt) private view returns (address) {
        return
            address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", address(this), salt, PROXY_INITCODE_HASH)))));
    }

    /// @dev The address of the first contract `proxy` creates (its nonce 1): keccak256(rlp([proxy, 1])).
    function _created(address proxy) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encodePacked(hex"d694", proxy, hex"01")))));
    }
}
