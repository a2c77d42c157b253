// Storage tampering for the audit tests: where a variable of a contract lives, read from the compiler's storage
// layout in the build info (hardhat.config.ts asks solc for it), and edits of one field with hardhat_setStorageAt,
// as anyone can do on a local node. Mapping slots follow Solidity's rule: keccak256(abi.encode(key, slot)).
import hre from "hardhat";
import { AbiCoder, keccak256, toBeHex } from "ethers";

interface LayoutEntry {
  label: string;
  slot: string;
  offset: number;
  type: string;
}
interface Layout {
  storage: LayoutEntry[];
  types: Record<string, { numberOfBytes: string; members?: LayoutEntry[]; key?: string; value?: string }>;
}

/** A field's place: its slot, its byte offset in the slot and its size in bytes. */
export interface Place {
  slot: bigint;
  offset: number;
  bytes: number;
}

async function layoutOf(contract: string): Promise<Layout> {
  const fqn = `contracts/${contract}.sol:${contract}`;
  const info = await hre.artifacts.getBuildInfo(fqn);
  const layout = (info?.output.contracts[`contracts/${contract}.sol`]?.[contract] as { storageLayout?: Layout })
    ?.storageLayout;
  if (!layout) throw new Error(`no storage layout for ${fqn} in the build info`);
  return layout;
}

/**
 * The place of `path` in `contract`'s storage: a variable ("_settings"), a struct member ("_settings.liveSeats"),
 * or a mapping entry with its keys ("_vetoes", [id]; "_revoked", [id, account]; "_proposals.approvals", [id]).
 */
export async function placeOf(contract: string, path: string, keys: string[] = []): Promise<Place> {
  const layout = await layoutOf(contract);
  const [name, member] = path.split(".");
  const entry = layout.storage.find((e) => e.label === name);
  if (!entry) throw new Error(`${contract} has no storage variable ${name}`);
  let slot = BigInt(entry.slot);
  let type = entry.type;
  for (const key of keys) {
    const keyType = layout.types[type].key!.startsWith("t_address") ? "address" : "bytes32";
    slot = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode([keyType, "uint256"], [key, slot])));
    type = layout.types[type].value!;
  }
  let offset = entry.offset;
  if (member) {
    const m = layout.types[type].members?.find((x) => x.label === member);
    if (!m) throw new Error(`${type} has no member ${member}`);
    slot += BigInt(m.slot);
    offset = m.offset;
    type = m.type;
  }
  return { slot, offset, bytes: Number(layout.types[type].numberOfBytes) };
}

async function readWord(address: string, slot: bigint): Promise<bigint> {
  return BigInt(
    (await hre.network.provider.request({
      method: "eth_getStorageAt",
      params: [address, toBeHex(slot), "latest"],
    })) as string,
  );
}

/** The field's value. */
export async function readField(address: string, place: Place): Promise<bigint> {
  const word = await readWord(address, place.slot);
  return (word >> BigInt(place.offset * 8)) & ((1n << BigInt(place.bytes * 8)) - 1n);
}

/** Replaces the field's value by `edit(value)`, leaving the rest of its storage word as it was. */
export async function editField(address: string, place: Place, edit: (value: bigint) => bigint): Promise<void> {
  const word = await readWord(address, place.slot);
  const shift = BigInt(place.offset * 8);
  const mask = ((1n << BigInt(place.bytes * 8)) - 1n) << shift;
  const value = (word & mask) >> shift;
  const next = (word & ~mask) | ((edit(value) << shift) & mask);
  await hre.network.provider.request({
    method: "hardhat_setStorageAt",
    params: [address, toBeHex(place.slot, 32), toBeHex(next, 32)],
  });
}
