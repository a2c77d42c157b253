// hedge:submit — relays a signatures file in one transaction: the council creates the proposal with its description,
// records every signature and queues it (a Fast-tier proposal executes at once). All or nothing: below the tier's
// threshold nothing is sent, and neither is anything when a signature could not count (expired, or by an address
// that revoked the proposal: refused in one line naming its seat). Anyone may relay; the holder of the file's first
// seat is recorded as the proposer.
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, readApprovalsFile, seatSignaturesOf } from "../lib/approvals-file";
import { fmtRelative, fmtTime } from "../lib/format";
import { CliError, say } from "../lib/output";
import { selectSigner } from "../lib/shell/signers";
import { openSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { proposalStatus, signaturesToRelay } from "../lib/proposals";
import { showProposal } from "../lib/show-proposal";
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
  const latest = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? Math.floor(Date.now() / 1000);
  const { fresh } = await signaturesToRelay(system, id, content.signatures, args.signatures, latest);
  const tier = Number(await simulate(hre, () => system.council.tierOf(calls.targets, calls.calldatas)));
  const [threshold] = await system.council.tierRule(tier);
  // What it does first, and refused if outdated: a file signed against a state that moved on cannot run.
  const shown = { ...calls, id, tier, blockNumber: null, description: content.description };
  await showProposal(hre, system, shown, { action: "submit", allowOutdated: args.allowOutdated });
  if (fresh.length < Number(threshold)) {
    throw new CliError(
      `${args.signatures} holds ${fresh.length} signature${fresh.length === 1 ? "" : "s"}; a ${TIER_NAMES[tier]} proposal needs ${threshold}`,
    );
  }

  say(`  ${fresh.length} of ${threshold} signatures in ${args.signatures}`);
  const { signer, label } = await selectSigner(hre, args.from);
  const council = system.council.connect(signer);
  const submitArgs = [
    calls.targets,
    calls.values,
    calls.calldatas,
    content.description,
    seatSignaturesOf(fresh),
  ] as const;
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
