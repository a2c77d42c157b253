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
// The salt makes the id unique: random by default, --salt TEXT|BYTES32, or --description "…" / --description-file
// PATH, the proposal's reason, whose keccak256 becomes the salt (./lib/council descriptionSalt) so the id commits to
// the text. The text travels in the signatures file (--offchain) or is kept in proposals/<id>.txt (sent on chain),
// where hedge:status finds it.
import fs from "node:fs";

import { getAddress, hexlify, isAddress, isHexString, randomBytes } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { defaultApprovalsPath, newApprovalsFile, writeApprovalsFile } from "../lib/approvals-file";
import { parseDuration, parseIntIn } from "../lib/shell/args";
import { fmtDuration } from "../lib/format";
import { CliError, say, sayLines } from "../lib/shell/output";
import { resolveAccount, selectSigner } from "../lib/shell/signers";
import { displayPath, openSystem, type HedgeSystem } from "../lib/deployments";
import { descriptionBlock } from "../lib/descriptions";
import {
  checkDescription,
  defaultDescriptionPath,
  readDescriptionFile,
  writeDescriptionFile,
} from "../lib/descriptions-files";
import { sendAndWait, simulate } from "../lib/errors";
import { MAX_LAYERS, applyAssignments, parseAssignments } from "../lib/policy-edit";
import { currentPolicy, describeCalls, requireSeatHolder } from "../lib/proposals";
import {
  ProposalState,
  TIER_NAMES,
  descriptionSalt,
  proposalIdOf,
  tierReasons,
  type ProposalCalls,
  Tier,
} from "../lib/council";
import { approvalHashLines, approvalHashes, signApproval } from "../lib/signing";
import { PROPOSAL_KINDS } from "./propose-kinds";

type Kind = (typeof PROPOSAL_KINDS)[number];

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
  salt?: string;
  description?: string;
  descriptionFile?: string;
  from?: string;
  dryRun: boolean;
  offchain: boolean;
  out?: string;
}

export interface ProposeResult {
  id: string;
  tier: number;
  calls: ProposalCalls;
  file?: string;
  description?: string;
}

async function propose(args: ProposeArgs, hre: HardhatRuntimeEnvironment): Promise<ProposeResult> {
  if (!(PROPOSAL_KINDS as readonly string[]).includes(args.kind)) {
    throw new CliError(`unknown proposal kind "${args.kind}": use one of ${PROPOSAL_KINDS.join(", ")}`);
  }
  if (args.dryRun && args.offchain) throw new CliError("--dry-run and --offchain exclude each other");
  if (args.out !== undefined && !args.offchain)
    throw new CliError("--out needs --offchain (it names the signatures file)");
  const description = readDescription(args);
  const system = await openSystem(hre);
  const current = await currentPolicy(system);
  const { calls: built, summary } = await buildCalls(hre, system, args.kind as Kind, args);
  const salt = description === undefined ? parseSalt(args.salt) : descriptionSalt(description);
  const calls: ProposalCalls = { ...built, salt };

  say(`Proposal: ${summary}`);
  if (description !== undefined) sayLines(describedAs(description));
  sayLines(describeCalls(system, calls, current));

  const tier = Number(await simulate(hre, () => system.council.tierOf(calls.targets, calls.calldatas)));
  const [threshold, delay] = await system.council.tierRule(tier);
  const seatCount = await system.seats.seatCount();
  say(
    `Tier: ${TIER_NAMES[tier]}, needs ${threshold} of ${seatCount} seats` +
      (tier === Tier.Fast ? ", then runs at once (no timelock)" : `, then waits ${fmtDuration(delay)} in the timelock`),
  );
  if (tier === Tier.Critical) {
    const [version, [coverageBps, triggers]] = await Promise.all([system.policy.version(), system.policy.baseline()]);
    const baseline = { coverageBps: Number(coverageBps), triggers: triggers.map(Number) };
    const why = tierReasons(calls, await system.policy.getAddress(), current, Number(version), baseline);
    sayLines(why.filter((r) => !/: (Standard|Fast)$/.test(r)).map((r) => `  why: ${r}`));
  }
  const id = proposalIdOf(calls);
  say(`Id: ${id}`);
  if (Number(await system.council.state(id)) !== ProposalState.Unknown) {
    throw new CliError(
      description === undefined
        ? `a proposal with these calls and salt already exists (${id}); pass another --salt`
        : `a proposal with these calls and this description already exists (${id}); word the description differently`,
    );
  }

  if (args.dryRun) {
    say("Dry run: nothing was sent.");
    return { id, tier, calls, description };
  }

  const { signer, address, label } = await selectSigner(hre, args.from, {
    seatAction: { task: "hedge:propose", system },
  });
  await requireSeatHolder(system, address, `--from ${label}`);

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
    sayLines(approvalHashLines(approvalHashes(system.chainId, content.council, id)));
    content.signatures.push({
      signer: address,
      signature: await signApproval(signer, system.chainId, content.council, id),
    });
    const written = await writeApprovalsFile(file, content, { name, provider: hre.ethers.provider });
    say(`Signed as proposer by ${label}; nothing was sent.`);
    say(`Wrote ${name} (${written.signatures.length} of ${threshold} signatures).`);
    const out = args.out === undefined ? "" : ` --out ${name}`;
    say(
      `Next: co-signers run \`hedge:sign --id ${id}${out} --from <account>\`, then anyone \`hedge:submit --signatures ${name}\`.`,
    );
    return { id, tier, calls, file, description };
  }

  const council = system.council.connect(signer);
  await simulate(hre, () => council.propose.staticCall(calls.targets, calls.values, calls.calldatas, calls.salt));
  await sendAndWait(hre, "propose", () => council.propose(calls.targets, calls.values, calls.calldatas, calls.salt));
  say(`Proposed by ${label}: approvals 1 of ${threshold}.`);
  if (description !== undefined) {
    // The chain keeps only the salt: the text is kept where hedge:status (and hedge:audit --descriptions) find it.
    const file = defaultDescriptionPath(hre.config.paths.root, id);
    writeDescriptionFile(file, description);
    say(`Wrote ${displayPath(hre, file)} (the description: share it with the council; its hash is the salt).`);
  }
  say(
    `Next: seat holders run \`hedge:approve --id ${id}\` (or sign off-chain with hedge:sign), then \`hedge:${tier === Tier.Fast ? "execute" : "queue"} --id ${id}\`.`,
  );
  return { id, tier, calls, description };
}

/** The text of --description or --description-file, checked; undefined when neither is given. */
function readDescription(args: ProposeArgs): string | undefined {
  const given = (["salt", "description", "descriptionFile"] as const).filter((k) => args[k] !== undefined);
  if (given.length > 1) {
    throw new CliError(
      `${given.map(flagName).join(" and ")} exclude each other: a described proposal's salt is the hash of its description`,
    );
  }
  if (args.description !== undefined) return checkDescription(args.description, "--description");
  if (args.descriptionFile !== undefined) {
    const flag = `--description-file ${args.descriptionFile}`;
    return checkDescription(readDescriptionFile(args.descriptionFile, "--description-file"), flag);
  }
  return undefined;
}

/** The description as `hedge:propose` shows it before anything is signed or sent, with the salt it gives. */
function describedAs(description: string): string[] {
  return [
    ...descriptionBlock(description, "Description: "),
    `Salt: ${descriptionSalt(description)} (keccak256 of the description)`,
  ];
}

/** The command-line spelling of a parameter: descriptionFile → --description-file. */
function flagName(key: keyof ProposeArgs): string {
  return `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;
}

function parseSalt(text: string | undefined): string {
  if (text === undefined || text === "") return hexlify(randomBytes(32));
  // Any other text is hashed like a description, so `--salt TEXT` and `--description TEXT` give the same id.
  return isHexString(text, 32) ? text.toLowerCase() : descriptionSalt(text);
}

/** Builds the calls of one kind of proposal and rehearses each against its target. */
async function buildCalls(
  hre: HardhatRuntimeEnvironment,
  system: HedgeSystem,
  kind: Kind,
  args: ProposeArgs,
): Promise<{ calls: Omit<ProposalCalls, "salt">; summary: string }> {
  const c = system.deployment.contracts;
  const asTimelock = { from: c.timelock.address };
  const asCouncil = { from: c.council.address };
  const single = (target: string, data: string) => ({ targets: [target], values: [0n], calldatas: [data] });
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
      return {
        calls: single(c.policy.address, system.policy.interface.encodeFunctionData("setPolicy", [next, version])),
        summary: `change the policy (version ${version} -> ${version + 1n})`,
      };
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
      const calldatas: string[] = [];
      for (const a of assignments) {
        if (a.path === "coverageBps") {
          await simulate(
            hre,
            () => system.policy.nudgeCoverage.staticCall(next.coverageBps, asCouncil),
            `--set ${a.text}`,
          );
          calldatas.push(system.policy.interface.encodeFunctionData("nudgeCoverage", [next.coverageBps]));
          continue;
        }
        const layer = Number(a.path.split(".")[1]);
        const trigger = next.layers[layer].triggerVix;
        await simulate(hre, () => system.policy.nudgeTrigger.staticCall(layer, trigger, asCouncil), `--set ${a.text}`);
        calldatas.push(system.policy.interface.encodeFunctionData("nudgeTrigger", [layer, trigger]));
      }
      return {
        calls: { targets: calldatas.map(() => c.policy.address), values: calldatas.map(() => 0n), calldatas },
        summary: `steward nudge${calldatas.length > 1 ? "s" : ""} (${assignments.map((a) => a.text).join(", ")})`,
      };
    }
    case "seat-add": {
      unused(["holder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      await simulate(hre, () => system.seats.mint.staticCall(holder, asTimelock), `--holder ${holder}`);
      return {
        calls: single(c.seats.address, system.seats.interface.encodeFunctionData("mint", [holder])),
        summary: `give a seat to ${holder}`,
      };
    }
    case "seat-remove": {
      unused(["holder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      const seatId = await requireSeatHolder(system, holder, `--holder ${holder}`);
      await simulate(hre, () => system.seats.burn.staticCall(seatId, asTimelock), `--holder ${holder}`);
      return {
        calls: single(c.seats.address, system.seats.interface.encodeFunctionData("burn", [seatId])),
        summary: `remove seat ${seatId} of ${holder}`,
      };
    }
    case "seat-rotate": {
      unused(["holder", "newHolder"]);
      const holder = await requiredAccount(hre, "--holder", args.holder);
      const newHolder = await requiredAccount(hre, "--new-holder", args.newHolder);
      const seatId = await requireSeatHolder(system, holder, `--holder ${holder}`);
      await simulate(hre, () => system.seats.mint.staticCall(newHolder, asTimelock), `--new-holder ${newHolder}`);
      const data = [
        system.seats.interface.encodeFunctionData("mint", [newHolder]),
        system.seats.interface.encodeFunctionData("burn", [seatId]),
      ];
      return {
        calls: { targets: [c.seats.address, c.seats.address], values: [0n, 0n], calldatas: data },
        summary: `rotate seat ${seatId} from ${holder} to ${newHolder} (mint the new seat, then burn the old, in one batch)`,
      };
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
      return {
        calls: single(
          c.council.address,
          system.council.interface.encodeFunctionData("setTierRule", [tier, threshold, delay]),
        ),
        summary: `set the ${TIER_NAMES[tier]} tier to ${threshold} approvals and a ${fmtDuration(delay)} delay`,
      };
    }
    case "veto-threshold": {
      unused(["threshold"]);
      if (args.threshold === undefined) throw new CliError("veto-threshold: give --threshold N");
      const threshold = parseIntIn("--threshold", args.threshold, 1, 64);
      await simulate(hre, () => system.council.setVetoThreshold.staticCall(threshold, asTimelock));
      return {
        calls: single(c.council.address, system.council.interface.encodeFunctionData("setVetoThreshold", [threshold])),
        summary: `set the veto threshold to ${threshold}`,
      };
    }
    case "expiry": {
      unused(["ttl", "grace"]);
      if (args.ttl === undefined && args.grace === undefined) throw new CliError("expiry: give --ttl and/or --grace");
      const [currentTtl, currentGrace] = await system.council.expiry();
      const ttl = args.ttl === undefined ? Number(currentTtl) : parseDuration("--ttl", args.ttl);
      const grace = args.grace === undefined ? Number(currentGrace) : parseDuration("--grace", args.grace);
      await simulate(hre, () => system.council.setExpiry.staticCall(ttl, grace, asTimelock));
      return {
        calls: single(c.council.address, system.council.interface.encodeFunctionData("setExpiry", [ttl, grace])),
        summary: `set the proposal TTL to ${fmtDuration(ttl)} and the grace period to ${fmtDuration(grace)}`,
      };
    }
    case "oracle": {
      unused(["address"]);
      if (args.address === undefined || !isAddress(args.address)) {
        throw new CliError(`--address ${args.address ?? "(missing)"}: give the new feed's address`);
      }
      const feedAddress = getAddress(args.address);
      if ((await hre.ethers.provider.getCode(feedAddress)) === "0x")
        throw new CliError(`--address ${feedAddress}: no contract there`);
      const feed = await hre.ethers.getContractAt("MockV3Aggregator", feedAddress);
      try {
        await feed.decimals();
        await feed.latestRoundData();
      } catch {
        throw new CliError(
          `--address ${feedAddress}: does not answer decimals() and latestRoundData() like a Chainlink feed`,
        );
      }
      await simulate(hre, () => system.policy.setOracle.staticCall(feedAddress, asTimelock));
      return {
        calls: single(c.policy.address, system.policy.interface.encodeFunctionData("setOracle", [feedAddress])),
        summary: `switch the VIX oracle to ${feedAddress}`,
      };
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
