// hedge:submit — relays a signatures file in one transaction: the council creates the proposal, records every
// signature and queues it (a Fast-tier proposal executes at once). All or nothing: below the tier's threshold
// nothing is sent. Anyone may relay; the file's first signer is recorded as the proposer.
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, readApprovalsFile } from "../lib/approvals-file";
import { fmtRelative, fmtTime } from "../lib/format";
import { CliError, say } from "../lib/shell/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, requireSeatHolder, showProposal } from "../lib/proposals";
import { STATE_NAMES, ProposalState, TIER_NAMES } from "../lib/council";

export interface SubmitArgs {
  signatures: string;
  from?: string;
  allowOutdated?: boolean;
}

async function submit(args: SubmitArgs, hre: HardhatRuntimeEnvironment) {
  const system = await openSystem(hre);
  const content = await readApprovalsFile(
    path.resolve(args.signatures),
    args.signatures,
    { chainId: system.chainId, council: system.deployment.contracts.council.address },
    hre.ethers.provider,
  );
  const id = content.proposalId;
  const calls = callsOf(content);
  const existing = Number(await system.council.state(id));
  if (existing !== ProposalState.Unknown) {
    throw new CliError(
      `proposal ${id} already exists on chain (${STATE_NAMES[existing]}); relay further signatures with hedge:approve --signatures ${args.signatures}`,
    );
  }
  for (const s of content.signatures)
    await requireSeatHolder(system, s.signer, `signer ${s.signer} of ${args.signatures}`);
  const tier = Number(await simulate(hre, () => system.council.tierOf(calls.targets, calls.calldatas)));
  const [threshold] = await system.council.tierRule(tier);
  // What it does first, and refused if outdated: a file signed against a state that moved on cannot run.
  const shown = { ...calls, id, tier, blockNumber: null, description: content.description };
  await showProposal(hre, system, shown, { action: "submit", allowOutdated: args.allowOutdated });
  if (content.signatures.length < Number(threshold)) {
    throw new CliError(
      `${args.signatures} holds ${content.signatures.length} signature${content.signatures.length === 1 ? "" : "s"}; a ${TIER_NAMES[tier]} proposal needs ${threshold}`,
    );
  }

  say(`  ${content.signatures.length} of ${threshold} signatures in ${args.signatures}`);
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  const signers = content.signatures.map((s) => s.signer);
  const signatures = content.signatures.map((s) => s.signature);
  const submitArgs = [calls.targets, calls.values, calls.calldatas, calls.salt, signers, signatures] as const;
  await simulate(hre, () => council.submit.staticCall(...submitArgs));
  await sendAndWait(hre, "submit", () => council.submit(...submitArgs));
  const status = await proposalStatus(system, id);
  const now = Number((await hre.ethers.provider.getBlock("latest"))?.timestamp ?? 0);
  if (status.state === ProposalState.Executed) {
    say(`Submitted by ${label}: proposal ${id} executed at once (Fast tier).`);
  } else {
    say(
      `Submitted by ${label}: proposal ${id} is ${status.stateName}, executable from ${fmtTime(status.eta)} (${fmtRelative(status.eta, now)}).`,
    );
    say(`Next: \`hedge:execute --id ${id}\` once the eta has come.`);
  }
  return { id, state: status.state };
}

export default submit;
