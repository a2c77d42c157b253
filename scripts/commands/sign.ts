// hedge:sign — a seat holder approves a proposal off-chain: shows the decoded proposal, signs the EIP-712
// `Approval(bytes32 proposalId)` and appends the signature to the proposal's signatures file (see
// scripts/lib/approvals-file.ts for the format). Nothing is sent; anyone relays the file later with
// `hedge:approve --signatures` (proposal on chain) or `hedge:submit` (not yet on chain).
import fs from "node:fs";

import { getAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import {
  callsOf,
  defaultApprovalsPath,
  newApprovalsFile,
  readApprovalsFile,
  writeApprovalsFile,
  type ApprovalsFile,
} from "../lib/approvals-file";
import { fmtDuration } from "../lib/format";
import { CliError, say, sayLines } from "../lib/shell/output";
import { selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem } from "../lib/deployments";
import { descriptionBlock } from "../lib/descriptions";
import {
  currentPolicy,
  describeCalls,
  findProposal,
  parseProposalId,
  proposalStatus,
  requireSeatHolder,
  requireState,
} from "../lib/proposals";
import { ProposalState, TIER_NAMES, Tier } from "../lib/council";
import { recoverApprover, signApproval } from "../lib/signing";

export interface SignArgs {
  id: string;
  from?: string;
  out?: string;
}

async function sign(args: SignArgs, hre: HardhatRuntimeEnvironment): Promise<{ file: string; signatures: number }> {
  const wanted = parseProposalId(args.id);
  const system = await openSystem(hre);
  const onChain = await findProposal(system, wanted);
  const id = onChain?.id.toLowerCase() ?? wanted;
  if (!onChain && id.length !== 66) {
    throw new CliError(
      `--id ${args.id}: no proposal on chain starts with it; give the full id of an off-chain proposal`,
    );
  }
  const file = args.out ?? defaultApprovalsPath(hre.config.paths.root, id);
  const name = displayPath(hre, file);
  const council = system.deployment.contracts.council.address;

  let content: ApprovalsFile;
  if (fs.existsSync(file)) {
    content = await readApprovalsFile(
      file,
      name,
      { chainId: system.chainId, council, proposalId: id },
      hre.ethers.provider,
    );
  } else if (onChain) {
    content = newApprovalsFile(system.chainId, council, id, onChain);
  } else {
    throw new CliError(`--id ${args.id}: no such proposal on this council, and no signatures file ${name}`);
  }

  const { signer, address, label } = await selectSigner(hre, args.from);
  await requireSeatHolder(system, address, `--from ${label}`);
  if (content.signatures.some((s) => getAddress(s.signer) === address)) {
    throw new CliError(`${label} already signed ${name}`);
  }

  const tier = onChain ? onChain.tier : Number(await system.council.tierOf(content.targets, content.calldatas));
  const [threshold, delay] = await system.council.tierRule(tier);
  let onChainApprovals = 0;
  if (onChain) {
    const status = await proposalStatus(system, id);
    requireState(id, status.state, [ProposalState.Pending], "sign");
    if (await system.council.hasApproved(id, address))
      throw new CliError(`${label} already approved proposal ${id} on chain`);
    onChainApprovals = status.approvals;
  }

  say(`Proposal ${id}`);
  say(
    `  chain ${system.chainId}, council ${council}, ${onChain ? `created in block ${onChain.blockNumber}` : "not on chain yet"}`,
  );
  if (content.description !== undefined) sayLines(descriptionBlock(content.description, "  description: "));
  sayLines(describeCalls(system, callsOf(content), await currentPolicy(system)));
  say(
    `  tier ${TIER_NAMES[tier]}: needs ${threshold} approvals${tier === Tier.Fast ? "" : `, then ${fmtDuration(delay)} in the timelock`}`,
  );

  const signature = await signApproval(signer, system.chainId, council, id);
  if (getAddress(recoverApprover(system.chainId, council, id, signature)) !== address) {
    throw new CliError(`the signer behind ${label} produced a signature that does not recover to it`);
  }
  content.signatures.push({ signer: address, signature });
  writeApprovalsFile(file, content);
  const total = content.signatures.length + onChainApprovals;
  say(`Signed by ${label}; nothing was sent.`);
  say(
    `${name} holds ${content.signatures.length} signature${content.signatures.length === 1 ? "" : "s"}` +
      (onChain ? ` (+${onChainApprovals} approvals on chain)` : "") +
      `: ${total} of ${threshold} needed.`,
  );
  if (total >= Number(threshold)) {
    say(`Next: anyone relays it with \`hedge:${onChain ? "approve" : "submit"} --signatures ${name}\`.`);
  }
  return { file, signatures: content.signatures.length };
}

export default sign;
