// hedge:propose — builds a proposal from the current on-chain state, shows what it changes and the tier it needs,
// checks that every call would succeed when it lands (a static call from the timelock, or from the council for
// nudges), then creates it on chain, writes it to a signatures file for off-chain co-signing (--offchain), or stops
// (--dry-run).
//
// Kinds:
//   policy          --set field=value,... [--remove-layer N]   a full setPolicy against the current version
//   nudge           --set coverageBps=V | layers.N.triggerVix=V  steward nudges (Fast tier, no timelock)
//   seat-add        --holder ADDR
//   seat-remove     --holder ADDR
//   seat-rotate     --holder OLD --new-holder NEW                 one batch: mint the new seat, then burn the old
//   tier-rule       --tier fast|standard|critical [--threshold N] [--delay D]
//   veto-threshold  --threshold N
//   expiry          [--ttl D] [--grace D]
//   oracle          --address FEED
//
// Every proposal carries a description, as in OpenZeppelin Governor: --description "…" or --description-file PATH,
// the proposal's reason in words. It goes on chain (`propose` and `submit` take it, `ProposalCreated` carries it) and
// the id commits to its keccak256, so the same calls proposed again need another description. Without one, a default
// names the change and the time ("coverageBps 2,500 → 3,000 (proposed 2026-12-06 01:30:12 UTC)"), made unique
// against the proposals that exist.
import fs from "node:fs";

import { getAddress, isAddress } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { defaultApprovalsPath, fileSignature, newApprovalsFile, writeApprovalsFile } from "../lib/approvals-file";
import { parseDuration, parseIntIn, parseValidFor } from "../lib/shell/args";
import { fmtDuration, fmtTime } from "../lib/format";
import { CliError, say, sayLines } from "../lib/output";
import { closest } from "../lib/shell/closest";
import { resolveAccount, selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { sendAndWait, simulate } from "../lib/errors";
import { MAX_LAYERS, applyAssignments, parseAssignments } from "../lib/policy-edit";
import { buildProposal, type NudgeSpec, type ProposalKind, type ProposalSpec } from "../lib/proposal-builder";
import { currentPolicy, requireSeatHolder, seatHolders, type Calls } from "../lib/proposals";
import { openView } from "../lib/show-proposal";
import { proposalBodyLines } from "../lib/view";
import {
  COVERAGE_PARAMETER,
  ProposalState,
  TIER_NAMES,
  descriptionHash,
  proposalIdOf,
  type ProposalCalls,
  Tier,
} from "../lib/council";
import { DEFAULT_VALID_FOR_SECONDS, approvalHashLines, approvalHashes, signApproval } from "../lib/signing";
import { PROPOSAL_KINDS } from "./propose-kinds";

type Kind = (typeof PROPOSAL_KINDS)[number];
/** The kinds of the help (propose-kinds.ts) are those the builder builds, no more and no fewer. */
type SameKinds = [Kind] extends [ProposalKind] ? ([ProposalKind] extends [Kind] ? true : never) : never;
const SAME_KINDS: SameKinds = true;
void SAME_KINDS;

export interface ProposeArgs {
  kind: string;
  set?: string;
  removeLayer?: string;
  holder?: string;
  newHolder?: string;
  tier?: string;
  threshold?: string;
  delay?: string;
  ttl?: string;
  grace?: string;
  address?: string;
  description?: string;
  descriptionFile?: string;
  from?: string;
  dryRun: boolean;
  offchain: boolean;
  out?: string;
  validFor?: string;
}

export interface ProposeResult {
  id: string;
  tier: number;
  calls: ProposalCalls;
  /** The text that went on chain or into the signatures file (the default one when none was given). */
  description: string;
  file?: string;
  /** With --offchain: the deadline of the proposer's signature (unix seconds). */
  validUntil?: number;
}

async function propose(args: ProposeArgs, hre: HardhatRuntimeEnvironment): Promise<ProposeResult> {
  if (!(PROPOSAL_KINDS as readonly string[]).includes(args.kind)) {
    const close = closest(args.kind.toLowerCase(), PROPOSAL_KINDS);
    const kinds = PROPOSAL_KINDS.join(", ");
    throw new CliError(
      close === undefined
        ? `unknown proposal kind "${args.kind}": use one of ${kinds}`
        : `unknown proposal kind "${args.kind}": did you mean ${close}? (the kinds: ${kinds})`,
    );
  }
  if (args.dryRun && args.offchain) throw new CliError("--dry-run and --offchain exclude each other");
  if (args.out !== undefined && !args.offchain)
    throw new CliError("--out needs --offchain (it names the signatures file)");
  if (args.validFor !== undefined && !args.offchain) {
    throw new CliError("--valid-for needs --offchain: it is how long the proposer's signature counts");
  }
  const validFor = parseValidFor(args.validFor, DEFAULT_VALID_FOR_SECONDS);
  const given = readDescription(args);
  const system = await openSystem(hre);
  const { calls: built, summary, change } = await buildCalls(hre, system, args.kind as Kind, args);

  say(`Proposal: ${summary}`);
  const description =
    given ?? (await defaultDescription(hre, system, built, change, args.offchain && args.out === undefined));
  const calls: ProposalCalls = { ...built, descriptionHash: descriptionHash(description) };
  const id = proposalIdOf(calls);
  // The tier the council will record (`tierOf`: refused in words when it cannot judge the calls), then the proposal as
  // every seat command shows it (scripts/lib/view.ts): description, calls, tier and why.
  await simulate(hre, () => system.council.tierOf(calls.targets, calls.calldatas));
  const view = await openView(hre, system, { ...built, id, description }, { timeline: false });
  const { tier, threshold } = view;
  sayLines(proposalBodyLines(view));
  say(`Id: ${id}`);
  if (view.status !== "Draft") {
    throw new CliError(`proposal ${id} already exists (${view.status}): the same calls need another description`);
  }

  if (args.dryRun) {
    say("Dry run: nothing was sent.");
    return { id, tier, calls, description };
  }

  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: { task: "hedge:propose", holders: () => seatHolders(system) },
  });
  const seatId = await requireSeatHolder(system, address, `--from ${label}`);

  if (args.offchain) {
    const file = args.out ?? defaultApprovalsPath(hre.config.paths.root, id);
    if (fs.existsSync(file))
      throw new CliError(`signatures file ${displayPath(hre, file)} already exists; remove it or give --out`);
    const name = displayPath(hre, file);
    const content = newApprovalsFile(
      system.chainId,
      system.deployment.contracts.council.address,
      id,
      calls,
      description,
    );
    const latest = await hre.ethers.provider.getBlock("latest");
    const validUntil = (latest?.timestamp ?? Math.floor(Date.now() / 1000)) + validFor;
    const approval = { proposalId: id, seatId, validUntil };
    sayLines(approvalHashLines(approvalHashes(system.chainId, content.council, approval), approval));
    const signature = await signApproval(signer, system.chainId, content.council, approval);
    content.signatures.push(fileSignature({ seatId, validUntil, signer: address, signature }));
    const written = await writeApprovalsFile(file, content, { name, provider: hre.ethers.provider });
    say(`Signed as proposer by ${label} (seat ${seatId}, valid for ${fmtDuration(validFor)}); nothing was sent.`);
    say(`Wrote ${name} (${written.signatures.length} of ${threshold} signatures).`);
    const out = args.out === undefined ? "" : ` --out ${name}`;
    say(
      `Next: co-signers run \`hedge:sign --id ${id}${out} --from <account>\`, then anyone \`hedge:submit --signatures ${name}\`.`,
    );
    return { id, tier, calls, description, file, validUntil };
  }

  const council = system.council.connect(signer);
  const proposeArgs = [calls.targets, calls.values, calls.calldatas, description] as const;
  await simulate(hre, () => council.propose.staticCall(...proposeArgs));
  await sendAndWait(hre, "propose", () => council.propose(...proposeArgs));
  say(`Proposed by ${label}: approvals 1 of ${threshold}.`);
  say(
    `Next: seat holders run \`hedge:approve --id ${id}\` (or sign off-chain with hedge:sign), then \`hedge:${tier === Tier.Fast ? "execute" : "queue"} --id ${id}\`.`,
  );
  return { id, tier, calls, description };
}

/**
 * The description written when none is given: the change and the time it was proposed, "coverageBps 2,500 → 3,000
 * (proposed 2026-12-06 01:30:12 UTC)". Proposing the same change twice in one second would give the same text, so the
 * id is checked: a text whose proposal exists on chain (or, for `--offchain` without `--out`, whose signatures file
 * exists) gets a number, ", #2", and so on.
 */
async function defaultDescription(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  calls: Calls,
  change: string,
  checkFile: boolean,
): Promise<string> {
  const stamp = fmtTime(Math.floor(Date.now() / 1000));
  for (let n = 1; ; n++) {
    const text = `${change} (proposed ${stamp}${n === 1 ? "" : `, #${n}`})`;
    const id = proposalIdOf({ ...calls, descriptionHash: descriptionHash(text) });
    const taken =
      Number(await system.council.state(id)) !== ProposalState.Unknown ||
      (checkFile && fs.existsSync(defaultApprovalsPath(hre.config.paths.root, id)));
    if (!taken) return text;
  }
}

/** The text of --description or --description-file, checked; undefined when neither is given. */
function readDescription(args: ProposeArgs): string | undefined {
  if (args.description !== undefined && args.descriptionFile !== undefined) {
    throw new CliError("--description and --description-file exclude each other: give the text one way");
  }
  if (args.description !== undefined) return checkDescription(args.description, "--description");
  if (args.descriptionFile !== undefined) {
    const flag = `--description-file ${args.descriptionFile}`;
    return checkDescription(readDescriptionFile(args.descriptionFile, "--description-file"), flag);
  }
  return undefined;
}

/** Throws unless `text` can describe a proposal: some visible text. `flag` names where it came from. */
function checkDescription(text: string, flag: string): string {
  if (text.trim() === "") throw new CliError(`${flag} is empty: give the proposal's reason in words`);
  return text;
}

/**
 * Reads the text of a description file named by `flag`: its exact bytes as UTF-8 (no byte-order mark removed, no
 * newline trimmed), so the description hash is keccak256 of the file. Refuses a missing file, a folder and bytes that
 * are not UTF-8.
 */
function readDescriptionFile(file: string, flag: string): string {
  if (!fs.existsSync(file)) throw new CliError(`${flag} ${file}: no such file`);
  if (fs.statSync(file).isDirectory()) throw new CliError(`${flag} ${file}: is a directory, give a text file`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(file));
  } catch {
    throw new CliError(`${flag} ${file}: not UTF-8 text`);
  }
}

/** The command-line spelling of a parameter: removeLayer → --remove-layer. */
function flagName(key: keyof ProposeArgs): string {
  return `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
}

/** Builds the calls of one kind of proposal (scripts/lib/proposal-builder.ts) and rehearses each against its target. */
async function buildCalls(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  kind: Kind,
  args: ProposeArgs,
): Promise<{ calls: Calls; summary: string; change: string }> {
  const spec = await specOf(hre, system, kind, args);
  const c = system.deployment.contracts;
  const built = buildProposal(spec, {
    contracts: {
      policy: c.policy.address,
      seats: c.seats.address,
      council: c.council.address,
      timelock: c.timelock.address,
    },
    current: await currentPolicy(system),
    version: await system.policy.version(),
  });
  return { calls: built.calls, summary: built.summary, change: built.change };
}

/**
 * The proposal the flags describe, read against the chain (the current policy, a holder's seat, the current tier
 * rule and expiry), each of its calls rehearsed with the values it will carry: a static call from the timelock, or
 * from the council for nudges.
 */
async function specOf(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  kind: Kind,
  args: ProposeArgs,
): Promise<ProposalSpec> {
  const asTimelock = { from: system.deployment.contracts.timelock.address };
  const asCouncil = { from: system.deployment.contracts.council.address };
  const unused = (allowed: (keyof ProposeArgs)[]) => {
    const optional: (keyof ProposeArgs)[] = [
      "set",
      "removeLayer",
      "holder",
      "newHolder",
      "tier",
      "threshold",
      "delay",
      "ttl",
      "grace",
      "address",
    ];
    for (const key of optional) {
      if (!allowed.includes(key) && args[key] !== undefined) {
        throw new CliError(`${flagName(key)} does not apply to a ${kind} proposal`);
      }
    }
  };

  switch (kind) {
    case "policy": {
      unused(["set", "removeLayer"]);
      const assignments = parseAssignments(args.set);
      if (assignments.length === 0 && args.removeLayer === undefined) {
        throw new CliError("policy: nothing to change; give --set field=value,... or --remove-layer N");
      }
      const current = await currentPolicy(system);
      const removeLayer =
        args.removeLayer === undefined ? undefined : parseIntIn("--remove-layer", args.removeLayer, 0, MAX_LAYERS - 1);
      const next = applyAssignments(current, assignments, removeLayer);
      if (JSON.stringify(next) === JSON.stringify(current))
        throw new CliError("policy: the new policy equals the current one");
      const version = await system.policy.version();
      await simulate(hre, () => system.policy.setPolicy.staticCall(next, version, asTimelock));
      return { kind, next };
    }
    case "nudge": {
      unused(["set"]);
      const assignments = parseAssignments(args.set);
      if (assignments.length === 0)
        throw new CliError("nudge: give --set coverageBps=V or --set layers.N.triggerVix=V");
      const current = await currentPolicy(system);
      for (const a of assignments) {
        const match = /^layers\.(\d+)\.triggerVix$/.exec(a.path);
        if (a.path !== "coverageBps" && !match) {
          throw new CliError(
            `--set ${a.text}: only coverageBps and layers.N.triggerVix can be nudged; propose a policy change for ${a.path}`,
          );
        }
        if (match && Number(match[1]) >= current.layers.length) {
          throw new CliError(
            `--set ${a.text}: the policy has no layer ${match[1]} (layers 0..${current.layers.length - 1})`,
          );
        }
      }
      const next = applyAssignments(current, assignments);
      const nudges: NudgeSpec[] = [];
      for (const a of assignments) {
        if (a.path === "coverageBps") {
          await simulate(
            hre,
            () => system.policy.nudgeCoverage.staticCall(next.coverageBps, asCouncil),
            `--set ${a.text}`,
          );
          nudges.push({ parameter: COVERAGE_PARAMETER, value: next.coverageBps });
          continue;
        }
        const layer = Number(a.path.split(".")[1]);
        const trigger = next.layers[layer].triggerVix;
        await simulate(hre, () => system.policy.nudgeTrigger.staticCall(layer, trigger, asCouncil), `--set ${a.text}`);
        nudges.push({ parameter: layer, value: trigger });
      }
      return { kind, nudges };
    }
    case "seat-add": {
      unused(["holder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      await simulate(hre, () => system.seats.mint.staticCall(holder, asTimelock), `--holder ${holder}`);
      return { kind, holder };
    }
    case "seat-remove": {
      unused(["holder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      const seatId = await requireSeatHolder(system, holder, `--holder ${holder}`);
      await simulate(hre, () => system.seats.burn.staticCall(seatId, asTimelock), `--holder ${holder}`);
      return { kind, holder, seatId };
    }
    case "seat-rotate": {
      unused(["holder", "newHolder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      const newHolder = await requiredAccount(hre, "--new-holder", args.newHolder);
      const seatId = await requireSeatHolder(system, holder, `--holder ${holder}`);
      await simulate(hre, () => system.seats.mint.staticCall(newHolder, asTimelock), `--new-holder ${newHolder}`);
      return { kind, holder, seatId, newHolder };
    }
    case "tier-rule": {
      unused(["tier", "threshold", "delay"]);
      const names = TIER_NAMES.map((t) => t.toLowerCase());
      const tier = names.indexOf((args.tier ?? "").toLowerCase());
      if (tier < 0) throw new CliError(`--tier ${args.tier ?? "(missing)"}: use one of ${names.join(", ")}`);
      if (args.threshold === undefined && args.delay === undefined)
        throw new CliError("tier-rule: give --threshold and/or --delay");
      const [currentThreshold, currentDelay] = await system.council.tierRule(tier);
      const threshold =
        args.threshold === undefined ? Number(currentThreshold) : parseIntIn("--threshold", args.threshold, 1, 64);
      const delay = args.delay === undefined ? Number(currentDelay) : parseDuration("--delay", args.delay);
      await simulate(hre, () => system.council.setTierRule.staticCall(tier, threshold, delay, asTimelock));
      return { kind, tier, threshold, delay };
    }
    case "veto-threshold": {
      unused(["threshold"]);
      if (args.threshold === undefined) throw new CliError("veto-threshold: give --threshold N");
      const threshold = parseIntIn("--threshold", args.threshold, 1, 64);
      await simulate(hre, () => system.council.setVetoThreshold.staticCall(threshold, asTimelock));
      return { kind, threshold };
    }
    case "expiry": {
      unused(["ttl", "grace"]);
      if (args.ttl === undefined && args.grace === undefined) throw new CliError("expiry: give --ttl and/or --grace");
      const [currentTtl, currentGrace] = await system.council.expiry();
      const ttl = args.ttl === undefined ? Number(currentTtl) : parseDuration("--ttl", args.ttl);
      const grace = args.grace === undefined ? Number(currentGrace) : parseDuration("--grace", args.grace);
      await simulate(hre, () => system.council.setExpiry.staticCall(ttl, grace, asTimelock));
      return { kind, ttl, grace };
    }
    case "oracle": {
      unused(["address"]);
      if (args.address === undefined || !isAddress(args.address)) {
        throw new CliError(`--address ${args.address ?? "(missing)"}: give the new feed's address`);
      }
      const feed = getAddress(args.address);
      if ((await hre.ethers.provider.getCode(feed)) === "0x")
        throw new CliError(`--address ${feed}: no contract there`);
      const contract = await hre.ethers.getContractAt("MockV3Aggregator", feed);
      try {
        await contract.decimals();
        await contract.latestRoundData();
      } catch {
        throw new CliError(`--address ${feed}: does not answer decimals() and latestRoundData() like a Chainlink feed`);
      }
      await simulate(hre, () => system.policy.setOracle.staticCall(feed, asTimelock));
      return { kind, feed };
    }
  }
}

async function requiredAccount(
  hre: HardhatRuntimeEnvironment,
  flag: string,
  value: string | undefined,
): Promise<string> {
  if (value === undefined) throw new CliError(`${flag} is required for this kind of proposal`);
  return resolveAccount(hre, flag, value);
}

export default propose;
