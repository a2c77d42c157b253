// hedge:simulate — runs a proposal to its end on a sandbox before anyone signs it (scripts/lib/simulate.ts): an
// in-process fork of the network's node, or a reverted snapshot of the in-process network; nothing is sent to the
// network. Prints the proposal as every seat command shows it (scripts/lib/view.ts) with its timeline, then the steps
// with their gas, the result, the policy before and after, the layers engaged at the current VIX before and after,
// and the audit of the simulated chain. A proposal that is over (executed, vetoed, expired) is shown as it happened —
// its change as it ran, never against today's policy — and not simulated.
//
// Exit status, as hedge:audit's: 0 the proposal executes (and the audit finds nothing) or ran already, 1 a step
// reverts, the audit has findings, or the proposal can never run (a result: printed on stdout), 2 the simulation
// could not run (one `error:` line).
import fs from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, readApprovalsFile } from "../lib/approvals-file";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { resolveProposalId, unknownIdText } from "../lib/proposal-queue";
import { accountIndex } from "../lib/shell/signers";
import { showProposal } from "../lib/show-proposal";
import { CliError, say, sayLines } from "../lib/output";
import { simulateProposal, simulationLines, type SimulatedProposal, type Simulation } from "../lib/simulate";

export interface SimulateArgs {
  id: string;
  noAudit?: boolean;
}

/**
 * The proposal behind `--id` (the id or a unique prefix): one created on chain, or one that exists only in its
 * signatures file in the proposals folder (written by hedge:propose --offchain), with its description from the chain
 * or the file.
 */
async function resolveProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  text: string,
): Promise<SimulatedProposal> {
  const found = await resolveProposalId(hre, system, text);
  if (found?.onChain) {
    const onChain = found.onChain;
    return { id: found.id, calls: onChain, description: onChain.description, onChain: true };
  }
  const file = found?.file;
  if (!found || !file || !fs.existsSync(file)) throw new CliError(unknownIdText(hre, system, text));
  const content = await readApprovalsFile(
    file,
    displayPath(hre, file),
    { chainId: system.chainId, council: system.deployment.contracts.council.address, proposalId: found.id },
    hre.ethers.provider,
  );
  return { id: found.id, calls: callsOf(content), description: content.description, onChain: false };
}

/**
 * Prints the proposal (the view every seat command prints), then runs it to its end on a sandbox. A proposal that is
 * over is shown as it happened instead — its change as it ran, against the policy just before its execution, and its
 * timeline — and nothing is simulated: it can never run again (exit 0 for an executed one, 1 for a vetoed or expired
 * one, which never ran).
 */
async function simulate(args: SimulateArgs, hre: HardhatRuntimeEnvironment): Promise<Simulation | null> {
  const system = await openSystem(hre);
  const proposal = await resolveProposal(hre, system, args.id);
  const input = { ...proposal.calls, id: proposal.id, description: proposal.description };
  const accounts = await accountIndex(hre);
  const nameOf = (address: string) => {
    const index = accounts.get(address.toLowerCase());
    return index === undefined ? address : `${address} (account ${index})`;
  };
  const { view } = await showProposal(hre, system, input, undefined, { timeline: true, nameOf });
  if (view.judged === "history") {
    if (view.status === "Executed") {
      say(`Result: it ran in block ${view.executed?.block ?? "?"}, as shown above; there is nothing left to simulate.`);
    } else {
      say(
        `Result: it is ${view.status} and never ran; the council refuses to execute it, so there is nothing to simulate.`,
      );
      process.exitCode = 1;
    }
    return null;
  }
  if (!proposal.onChain) say("Not on chain yet: the simulation proposes it first.");
  const sim = await simulateProposal(hre, system, proposal, { audit: !args.noAudit });
  sayLines(simulationLines(sim));
  if (sim.audit && "error" in sim.audit)
    throw new CliError(`the audit of the simulated chain could not run: ${sim.audit.error}`);
  if (sim.failure || (sim.audit && sim.audit.findings.length > 0)) process.exitCode = 1;
  return sim;
}

export default simulate;
