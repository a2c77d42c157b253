// The contracts' interfaces, as the audit decodes and calls them. The ABIs come from the TypeChain factories, which
// exist only after `hardhat compile`: this module (and everything under scripts/lib/audit) is loaded lazily by the
// `hedge:audit` task, never at config load time.
import { AbiCoder, Interface, type Result } from "ethers";

import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgePolicy__factory,
  MockV3Aggregator__factory,
  TimelockController__factory,
} from "../../../typechain-types";
import { POLICY_ABI_TYPE, toPolicyValues, type PolicyLike, type PolicyValues } from "../policy";
import { eventDecoder, policyHash } from "./codec";
import type { ContractName } from "./types";

export const INTERFACES: Record<ContractName, Interface> = {
  seats: new Interface(CouncilSeats__factory.abi),
  council: new Interface(HedgeCouncil__factory.abi),
  timelock: new Interface(TimelockController__factory.abi),
  policy: new Interface(HedgePolicy__factory.abi),
  oracle: new Interface(MockV3Aggregator__factory.abi),
};

/** The timelock's roles: ../council's, under the names the audit has always used. */
export { TIMELOCK_ROLES as ROLES, ROLE_NAMES, functionBySelector, roleName, type RoleName } from "../council";

/**
 * Decodes a log of one of the audited contracts; null for a log the contract's ABI does not know. An event with a
 * string (`ProposalCreated`'s description) carries after its arguments the keccak256 of that string's bytes as
 * emitted (see ./codec `eventDecoder`).
 */
export class EventDecoder {
  private readonly byTopic = new Map<
    string,
    { contract: ContractName; name: string; decode: (topics: string[], data: string) => unknown[] }
  >();

  constructor(addresses: Record<ContractName, string>) {
    for (const contract of Object.keys(INTERFACES) as ContractName[]) {
      INTERFACES[contract].forEachEvent((fragment) => {
        this.byTopic.set(`${addresses[contract].toLowerCase()}:${fragment.topicHash}`, {
          contract,
          name: fragment.name,
          decode: eventDecoder(fragment, { stringHashes: true }),
        });
      });
    }
  }

  decode(
    address: string,
    topics: string[],
    data: string,
  ): { contract: ContractName; name: string; args: unknown[] } | null {
    if (topics.length === 0) return null;
    const entry = this.byTopic.get(`${address.toLowerCase()}:${topics[0].toLowerCase()}`);
    if (!entry) return null;
    try {
      return { contract: entry.contract, name: entry.name, args: entry.decode(topics, data) };
    } catch {
      return null;
    }
  }
}

const coder = AbiCoder.defaultAbiCoder();

/** `keccak256(abi.encode(policy))`: what `HedgePolicy.policyHash()` returns. */
export const policyHashOf = policyHash;

/** A policy as a decoded ABI result (from calldata, constructor arguments or `policy()`) in plain numbers. */
export function policyFromResult(r: Result | Record<string, unknown>): PolicyValues {
  return toPolicyValues(r as unknown as PolicyLike);
}

/**
 * The initial policy from the policy's deployment transaction input: the constructor arguments
 * `abi.encode(Policy, governance, steward, oracle)` are the tail of the input. The layer count fixes their length,
 * so each count 1..5 is tried; a candidate is accepted only if its hash is `expectedHash` (version 1's hash).
 */
export function initialPolicyFromDeployInput(input: string, expectedHash: string): PolicyValues | null {
  const bytes = (input.length - 2) / 2;
  for (let n = 1; n <= 5; n++) {
    const size = (4 + 9 + 1 + 4 * n) * 32;
    if (size > bytes) break;
    const tail = "0x" + input.slice(input.length - size * 2);
    try {
      const [policy] = coder.decode([POLICY_ABI_TYPE, "address", "address", "address"], tail);
      const values = policyFromResult(policy as Result);
      if (values.layers.length === n && policyHashOf(values) === expectedHash.toLowerCase()) return values;
    } catch {
      // not this length
    }
  }
  return null;
}
