// The constructor arguments of a deployed contract, for `npx hardhat verify --constructor-args FILE`
// (docs/OPERATIONS.md, "Verifying the contracts"). They are read from the chain, not rebuilt: the creation code the
// deployment sent, found from the transaction its deployments file records, less the compiled bytecode; what is left
// is the ABI-encoded arguments, decoded with the contract's constructor. A plain deployment's transaction carries
// that creation code as its input; one made by a factory (`hedge:deploy --deterministic`) created the contract inside
// a call, so the creation is found in the call's trace (`debug_traceTransaction` with the `callTracer`, which anvil,
// geth, reth and most providers' archive plans answer).
//
//   npx ts-node scripts/constructor-args.ts <deployments file> <contract> <JSON-RPC URL> <out.js>
//
// <contract> is a key of the file's `contracts` (seats, timelock, policy, council, upkeep, oracle). Writes <out.js>
// (`module.exports = [...]`, big numbers as decimal strings) and prints the contract's name for `--contract`.
import fs from "node:fs";

import { AbiCoder, Interface, JsonRpcProvider, getAddress, type InterfaceAbi } from "ethers";

import {
  CouncilSeats__factory,
  HedgeCouncil__factory,
  HedgePolicy__factory,
  HedgeUpkeep__factory,
  MockV3Aggregator__factory,
  TimelockController__factory,
} from "../typechain-types";

type Factory = { abi: unknown; bytecode: string };

const CONTRACTS: Record<string, { name: string; factory: Factory }> = {
  seats: { name: "contracts/CouncilSeats.sol:CouncilSeats", factory: CouncilSeats__factory },
  timelock: {
    name: "@openzeppelin/contracts/governance/TimelockController.sol:TimelockController",
    factory: TimelockController__factory,
  },
  policy: { name: "contracts/HedgePolicy.sol:HedgePolicy", factory: HedgePolicy__factory },
  council: { name: "contracts/HedgeCouncil.sol:HedgeCouncil", factory: HedgeCouncil__factory },
  upkeep: { name: "contracts/HedgeUpkeep.sol:HedgeUpkeep", factory: HedgeUpkeep__factory },
  oracle: { name: "contracts/mocks/MockV3Aggregator.sol:MockV3Aggregator", factory: MockV3Aggregator__factory },
};

interface Frame {
  type: string;
  to?: string;
  input: string;
  calls?: Frame[];
}

/** The creation code that made `address` in a call trace, depth first. */
function creationIn(frame: Frame, address: string): string | undefined {
  if (frame.type.startsWith("CREATE") && frame.to && getAddress(frame.to) === address) return frame.input;
  for (const call of frame.calls ?? []) {
    const found = creationIn(call, address);
    if (found) return found;
  }
  return undefined;
}

/** Big numbers as decimal strings, tuples and arrays as arrays: what hardhat-verify's args module takes. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return [...value].map(plain);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [file, key, url, out] = argv;
  if (!file || !key || !url || !out)
    throw new Error("usage: constructor-args.ts <deployments file> <contract> <JSON-RPC URL> <out.js>");
  const contract = CONTRACTS[key];
  if (!contract) throw new Error(`unknown contract "${key}": one of ${Object.keys(CONTRACTS).join(", ")}`);
  const entry = JSON.parse(fs.readFileSync(file, "utf8")).contracts?.[key];
  if (!entry?.transactionHash) throw new Error(`${file} records no deployment transaction for ${key}`);
  const address = getAddress(entry.address);
  const provider = new JsonRpcProvider(url, undefined, { staticNetwork: true });
  let creation: string | undefined;
  if (entry.factory) {
    const trace = (await provider.send("debug_traceTransaction", [
      entry.transactionHash,
      { tracer: "callTracer" },
    ])) as Frame;
    creation = creationIn(trace, address);
  } else {
    creation = (await provider.getTransaction(entry.transactionHash))?.data;
  }
  provider.destroy();
  const bytecode = contract.factory.bytecode.toLowerCase();
  if (!creation || !creation.toLowerCase().startsWith(bytecode))
    throw new Error(`the creation of ${key} at ${address} is not this build's ${contract.name}: compile the same code`);
  const types = new Interface(contract.factory.abi as InterfaceAbi).deploy.inputs;
  const args = AbiCoder.defaultAbiCoder().decode(types, "0x" + creation.slice(bytecode.length));
  fs.writeFileSync(out, `module.exports = ${JSON.stringify(plain(args.toArray(true)), null, 2)};\n`);
  console.log(
    `${key} ${address}: ${types.length} constructor argument(s) written to ${out}; --contract ${contract.name}`,
  );
}

main(process.argv.slice(2)).catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
