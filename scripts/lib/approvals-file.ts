// The signatures file: EIP-712 approvals of one proposal, collected off-chain by `hedge:sign` and relayed by
// `hedge:approve --signatures` (`approveBySig`) or `hedge:submit` (`submit`). Default place: proposals/<id>.json.
//
// Format "hedge-council-approvals/1" (JSON):
//   {
//     "format": "hedge-council-approvals/1",
//     "chainId": 31337,                       // the chain the approvals are for (part of the EIP-712 domain)
//     "council": "0x…",                      // the HedgeCouncil (the domain's verifyingContract)
//     "proposalId": "0x…",                   // hashProposal(targets, values, calldatas, salt)
//     "targets": ["0x…"], "values": ["0"], "calldatas": ["0x…"], "salt": "0x…",
//     "signatures": [{ "signer": "0x…", "signature": "0x…" }]   // in signing order; `submit` records the first
//   }                                                           // signer as the proposer
//
// Every field is checked on read: the format, the chain and council against the network's deployment, the id against
// the calls, and each signature against its signer (ECDSA recovery, or ERC-1271 `isValidSignature` for a contract
// signer such as a Safe). A file that fails any check is refused as a whole.
import fs from "node:fs";
import path from "node:path";

import type { Provider } from "ethers";

import { approvalsText, parseApprovals, type ApprovalsExpectation, type ApprovalsFile } from "./approvals-format";
import { CliError } from "./shell/output";

export * from "./approvals-format";

/** The default path of a proposal's signatures file. */
export function defaultApprovalsPath(root: string, proposalId: string): string {
  return path.join(root, "proposals", `${proposalId}.json`);
}

export function writeApprovalsFile(file: string, content: ApprovalsFile): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, approvalsText(content));
}

/**
 * Reads and checks a signatures file; `name` is how errors refer to it. With a provider, a signature that does not
 * recover to its signer is accepted only if the signer is a contract that validates it (ERC-1271).
 */
export async function readApprovalsFile(
  file: string,
  name: string,
  expect: ApprovalsExpectation,
  provider?: Provider,
): Promise<ApprovalsFile> {
  if (!fs.existsSync(file)) throw new CliError(`signatures file ${name} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(`signatures file ${name} is not valid JSON (${(error as Error).message.split("\n")[0]})`);
  }
  return parseApprovals(raw, name, expect, provider);
}
