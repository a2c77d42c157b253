// Chainlink's KeystoneForwarder (CRE's on-chain entry point), driven as a DON drives it: a local DON of 3f + 1 signers
// set with `setConfig`, raw reports laid out and signed in the forwarder's own format (KeystoneForwarder.sol:
// `report`, `_getMetadata`). Used by test/HedgeUpkeep.cre.test.ts and by the gas bench's CRE row.
import hre from "hardhat";
import {
  Wallet,
  concat,
  getBytes,
  hexlify,
  keccak256,
  randomBytes,
  solidityPacked,
  toBeHex,
  toUtf8Bytes,
} from "ethers";
import type { Addressable, Signer } from "ethers";

import type { KeystoneForwarder } from "../../typechain-types";

export const DON_ID = 7;
export const CONFIG_VERSION = 1;
/** Faulty nodes tolerated: the forwarder wants exactly f + 1 signatures, from a DON of at least 3f + 1. */
export const F = 1;
/** A workflow id (CRE's are 32-byte hashes) and name (bytes10) for the tests. */
export const WORKFLOW_ID = keccak256(toUtf8Bytes("hedge-council/sync-layers v1"));
export const WORKFLOW_NAME = hexlify(toUtf8Bytes("hedgesync\0"));
export const REPORT_ID = "0x0001";
/** IRouter.TransmissionState */
export const Transmission = { NotAttempted: 0n, Succeeded: 1n, Failed: 2n };

/** The DON's signers: fixed keys, so that every run signs the same way. */
export const DON = Array.from({ length: 3 * F + 1 }, (_, i) => new Wallet(keccak256(toBeHex(0xc0ffee + i, 32))));

/** A KeystoneForwarder owned by `owner` (default: the first account), configured for the DON. */
export async function deployForwarder(owner?: Signer): Promise<KeystoneForwarder> {
  const factory = await hre.ethers.getContractFactory("KeystoneForwarder", owner);
  const forwarder = (await factory.deploy()) as unknown as KeystoneForwarder;
  await forwarder.waitForDeployment();
  await (
    await forwarder.setConfig(
      DON_ID,
      CONFIG_VERSION,
      F,
      DON.map((w) => w.address),
    )
  ).wait();
  return forwarder;
}

export interface ReportFields {
  workflowOwner: string;
  executionId?: string;
  workflowId?: string;
  payload?: string;
}

/**
 * The forwarder's raw report: version (1 byte), workflow execution id (32), timestamp (4), DON id (4), DON config
 * version (4), workflow id (32), workflow name (10), workflow owner (20), report id (2), then the workflow's payload.
 * A random execution id unless given: each report is a new transmission.
 */
export function rawReport(r: ReportFields): string {
  return solidityPacked(
    ["uint8", "bytes32", "uint32", "uint32", "uint32", "bytes32", "bytes10", "address", "bytes2", "bytes"],
    [
      1,
      r.executionId ?? hexlify(randomBytes(32)),
      1_765_000_000,
      DON_ID,
      CONFIG_VERSION,
      r.workflowId ?? WORKFLOW_ID,
      WORKFLOW_NAME,
      r.workflowOwner,
      REPORT_ID,
      r.payload ?? "0x",
    ],
  );
}

/** The metadata the forwarder passes to `onReport`: raw report bytes 45..109. */
export function metadataOf(raw: string): string {
  return hexlify(getBytes(raw).slice(45, 109));
}

/** The workflow execution id of a raw report (bytes 1..33), the forwarder's key for it with the report id. */
export function executionIdOf(raw: string): string {
  return hexlify(getBytes(raw).slice(1, 33));
}

/** Signatures over keccak256(keccak256(rawReport) ‖ reportContext), each r ‖ s ‖ (v − 27); default f + 1 of the DON. */
export function sign(raw: string, context: string, signers: Wallet[] = DON.slice(0, F + 1)): string[] {
  const digest = keccak256(concat([keccak256(raw), context]));
  return signers.map((w) => {
    const sig = w.signingKey.sign(digest);
    return concat([sig.r, sig.s, toBeHex(sig.yParity, 1)]);
  });
}

/**
 * `transmitter` sends `raw` to `receiver` through `forwarder`, signed by the DON over `context` (the report context:
 * config digest, epoch and round, signed but otherwise opaque to the forwarder; default 96 random bytes).
 */
export async function deliver(
  forwarder: KeystoneForwarder,
  transmitter: Signer,
  receiver: string | Addressable,
  raw: string,
  context: string = hexlify(randomBytes(96)),
) {
  return forwarder.connect(transmitter).report(receiver, raw, context, sign(raw, context));
}
