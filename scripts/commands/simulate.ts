// hedge:simulate — runs a proposal to its end on a sandbox before anyone signs it (scripts/lib/simulate.ts): an
// in-process fork of the network's node, or a reverted snapshot of the in-process network; nothing is sent to the
// network. Prints the steps with their gas, the result, the policy before and after, the layers engaged at the
// current VIX before and after, and the audit of the simulated chain.
//
// Exit status, as hedge:audit's: 0 the proposal executes (and the audit finds nothing), 1 a step reverts or the
// audit has findings (a result: printed on stdout), 2 the simulation could not run (one `error:` line).
import fs from "node:fs";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { callsOf, defaultApprovalsPath, readApprovalsFile } from "../lib/approvals-file";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { findProposal, parseProposalId, showProposal, type ShownProposal } from "../lib/proposals";
import { CliError, say, sayLines } from "../lib/shell/output";
import { simulateProposal, simulationLines, type SimulatedProposal, type Simulation } from "../lib/simulate";

export interface SimulateArgs {
  id: string;
  noAudit?: boolean;
}

/**
 * The proposal behind `--id`: one created on chain (the id or a unique prefix), or, for a full id, one that exists
 * only in its signatures file (proposals/<id>.json, written by hedge:propose --offchain); with what the other seat
 * commands show of it (its tier, where it is, its description from the chain or the file).
 */
async function resolveProposal(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  text: string,
): Promise<{ proposal: SimulatedProposal; shown: ShownProposal }> {
  const wanted = parseProposalId(text);
  const onChain = await findProposal(system, wanted);
  if (onChain) {
    const shown = { ...onChain, id: onChain.id.toLowerCase() };
    return { proposal: { id: shown.id, calls: onChain, description: onChain.description, onChain: true }, shown };
  }
  const file = defaultApprovalsPath(hre.config.paths.root, wanted);
  if (wanted.length !== 66 || !fs.existsSync(file)) {
    throw new CliError(
      `--id ${text}: no such proposal on this council (chain ${system.chainId})` +
        (wanted.length === 66 ? `, and no signatures file ${displayPath(hre, file)}` : ""),
    );
  }
  const content = await readApprovalsFile(
    file,
    displayPath(hre, file),
    { chainId: system.chainId, council: system.deployment.contracts.council.address, proposalId: wanted },
    hre.ethers.provider,
  );
  const calls = callsOf(content);
  const tier = Number(await system.council.tierOf(calls.targets, calls.calldatas));
  const description = content.description;
  return {
    proposal: { id: wanted, calls, description, onChain: false },
    shown: { ...calls, id: wanted, tier, blockNumber: null, description },
  };
}

async function simulate(args: SimulateArgs, hre: HardhatRuntimeEnvironment): Promise<Simulation> {
  const system = await openSystem(hre);
  const { proposal, shown } = await resolveProposal(hre, system, args.id);
  await showProposal(hre, system, shown);
  if (!proposal.onChain) say("Not on chain yet: the simulation proposes it first.");
  const sim = await simulateProposal(hre, system, proposal, { audit: !args.noAudit });
  sayLines(simulationLines(sim));
  if (sim.audit && "error" in sim.audit)
    throw new CliError(`the audit of the simulated chain could not run: ${sim.audit.error}`);
  if (sim.failure || (sim.audit && sim.audit.findings.length > 0)) process.exitCode = 1;
  return sim;
}

export default simulate;
