// Contract reverts in words. Every custom error of the council, the policy, the seats and the timelock is decoded
// with the contracts' own ABIs (`Interface.parseError`) and explained in one line, and every transaction a task sends
// is simulated first (`simulate`), so a call the contracts would refuse is reported and never sent.
//
// Revert data comes from whatever contract reverted: a proposal may call any contract, whose revert reason (or the
// string arguments of an error that borrows one of ours) says what its author wants. Every string decoded from an
// error is shown quoted and escaped (./untrusted), invalid UTF-8 as U+FFFD; a node's error message is escaped too.
import {
  AbiCoder,
  Interface,
  Utf8ErrorFuncs,
  toUtf8String,
  type ContractTransactionResponse,
  type ErrorDescription,
  type ErrorFragment,
  type ParamType,
  type TransactionReceipt,
} from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { fmtDurationExact, fmtInt, fmtRelative, fmtTime, fmtVix } from "./format";
import { CliError, say } from "./output";
import { oneLine, quoted, urlOrigin } from "./untrusted";

/** The artifacts whose errors the tasks can meet, directly or bubbled up through the council and the timelock. */
export const ERROR_SOURCES = ["HedgeCouncil", "HedgePolicy", "CouncilSeats", "TimelockController", "MockV3Aggregator"];

const TIER_WORDS = [
  "Fast (steward nudges only)",
  "Standard (a setPolicy that does not loosen)",
  "Critical (a loosening setPolicy, or anything else)",
];

const STATE_WORDS = [
  "does not exist on this council",
  "is Pending (approved but not queued yet)",
  "is already Queued",
  "was already executed",
  "was vetoed: it can never run",
  "has expired: it can never run",
];

let errorInterface: Interface | undefined;

/** One interface holding every error fragment of the system's contracts (read from the artifacts once). */
export async function systemErrors(hre: HardhatRuntimeEnvironment): Promise<Interface> {
  if (errorInterface) return errorInterface;
  const fragments = new Map<string, unknown>();
  for (const name of ERROR_SOURCES) {
    if (!(await hre.artifacts.artifactExists(name))) continue;
    const { abi } = await hre.artifacts.readArtifact(name);
    for (const item of abi as { type: string; name: string; inputs: { type: string }[] }[]) {
      if (item.type === "error") fragments.set(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`, item);
    }
  }
  errorInterface = new Interface([...fragments.values()] as never[]);
  return errorInterface;
}

/** Finds the revert data in an error thrown by ethers, Hardhat's provider or a JSON-RPC node. */
export function revertData(error: unknown, seen = new Set<unknown>()): string | undefined {
  if (error === null || typeof error !== "object" || seen.has(error)) return undefined;
  seen.add(error);
  const record = error as Record<string, unknown>;
  const data = record.data;
  if (typeof data === "string" && /^0x([0-9a-fA-F]{2})*$/.test(data) && data.length >= 10) return data;
  for (const key of ["data", "error", "info", "cause", "revert", "parent"]) {
    const found = revertData(record[key], seen);
    if (found) return found;
  }
  return undefined;
}

type Args = ErrorDescription["args"];
const id = (v: unknown) => `${String(v).slice(0, 10)}…`;
const n = (v: unknown) => fmtInt(BigInt(v as bigint));
const nudgeParameter = (p: unknown) => (Number(p) === 5 ? "coverageBps" : `layers.${Number(p)}.triggerVix`);

/** One sentence per custom error; `now` is the latest block's timestamp, for "in 2 d" style times. */
export const EXPLAIN: Record<string, (a: Args, now: number) => string> = {
  // ---- HedgeCouncil
  HedgeCouncilUnauthorizedGovernance: (a) => `only the timelock may do this; ${a[0]} is not the timelock`,
  HedgeCouncilZeroAddress: () => "an address that must be set was the zero address",
  HedgeCouncilNotSeatHolder: (a) => `${a[0]} holds no council seat`,
  HedgeCouncilInvalidProposalLength: (a) =>
    `a proposal needs at least one call and as many values and calldatas as targets (got ${a[0]}, ${a[1]}, ${a[2]})`,
  HedgeCouncilInvalidCallsLength: (a) =>
    `the calls to classify need as many calldatas as targets (got ${a[0]} targets and ${a[1]} calldatas)`,
  HedgeCouncilMixedFastBatch: (a) =>
    `call ${a[0]} mixes steward nudges (Fast tier) with other calls; propose nudges on their own`,
  HedgeCouncilProposalExists: (a) =>
    `proposal ${a[0]} already exists (the same calls and description); the same calls need another description`,
  HedgeCouncilUnexpectedProposalState: (a) =>
    `proposal ${id(a[0])} ${STATE_WORDS[Number(a[1])] ?? `is in state ${a[1]}`}`,
  HedgeCouncilFastTierNotQueued: (a) =>
    `proposal ${id(a[0])} is Fast tier (steward nudges): it skips the timelock, so execute it instead of queueing it`,
  HedgeCouncilAlreadyApproved: (a) => `${a[1]} already approved proposal ${id(a[0])}`,
  HedgeCouncilAlreadyRevoked: (a) =>
    `${a[1]} already revoked proposal ${id(a[0])} and has no approval of it to withdraw: nothing would change`,
  HedgeCouncilAlreadyVetoed: (a) => `${a[1]} already vetoed proposal ${id(a[0])}`,
  HedgeCouncilVetoNotCritical: (a) =>
    `only Critical proposals can be vetoed: ${id(a[0])} is ${TIER_WORDS[Number(a[1])] ?? `tier ${a[1]}`}`,
  HedgeCouncilSignatureRevoked: (a) =>
    `the signature of seat ${a[1]} is by ${a[2]}, which revoked proposal ${id(a[0])}: no signature of that address counts for it again; it may approve on chain`,
  HedgeCouncilFastTierTakesNoValue: (a) =>
    `a Fast proposal (steward nudges) runs from the council, which keeps no ether: its calls cannot send ${n(a[0])} wei`,
  HedgeCouncilValueMismatch: (a) =>
    `execute takes exactly the ether the proposal's calls send: ${n(a[1])} wei, not ${n(a[0])} (--value)`,
  HedgeCouncilSeatsNotLinked: (a) =>
    `the seats contract reports to another council (${a[0]}): deploy the council the seats name`,
  HedgeCouncilUnauthorizedSeats: (a) => `only the seats contract may report seat changes; ${a[0]} is not it`,
  HedgeCouncilNoSignatures: () => "no signature was given: at least one seat's signature is needed",
  HedgeCouncilSeatNotFound: (a) =>
    `a signature names seat ${a[0]}, which does not exist (never minted, or burned): it can never count`,
  HedgeCouncilDuplicateSeat: (a) => `seat ${a[0]} has two signatures in one call: each seat signs once`,
  HedgeCouncilSignatureExpired: (a) =>
    `the signature of seat ${a[0]} was valid until ${fmtTime(a[1] as bigint)}, which has passed: seat ${a[0]} must sign again`,
  HedgeCouncilInvalidSignature: (a) =>
    `the signature given for seat ${a[0]} is not its current holder's EIP-712 approval of this proposal, with that seat and deadline, on this chain and council`,
  HedgeCouncilInsufficientApprovals: (a) =>
    `proposal ${id(a[0])} has ${a[1]} approval${Number(a[1]) === 1 ? "" : "s"} from current seat holders; its tier needs ${a[2]}`,
  HedgeCouncilNotReady: (a, now) =>
    `proposal ${id(a[0])} is queued until ${fmtTime(a[1] as bigint)} (${fmtRelative(a[1] as bigint, now)}); it cannot execute before`,
  HedgeCouncilTargetCodeChanged: (a) =>
    `the code of a target of proposal ${id(a[0])} changed since it was created; it can never execute`,
  HedgeCouncilNothingToCancel: (a) =>
    `proposal ${id(a[0])} has no pending operation in the timelock (never queued, or already cancelled)`,
  HedgeCouncilThresholdsOutOfOrder: (a) =>
    `thresholds must satisfy min(2, seats) <= Fast <= Standard <= Critical <= seats (no seat acts alone once there are two); got Fast ${a[0]}, Standard ${a[1]}, Critical ${a[2]} with ${a[3]} seats`,
  HedgeCouncilFastDelayNotZero: (a) => `the Fast tier never waits: its delay must be 0, not ${a[0]}`,
  HedgeCouncilStandardDelayBelowTimelockMinimum: (a) =>
    `the Standard delay ${fmtDurationExact(a[0] as bigint)} is below the timelock's minimum delay ${fmtDurationExact(a[1] as bigint)}`,
  HedgeCouncilCriticalDelayBelowStandard: (a) =>
    `the Critical delay ${fmtDurationExact(a[0] as bigint)} is below the Standard delay ${fmtDurationExact(a[1] as bigint)}`,
  HedgeCouncilVetoThresholdOutOfRange: (a) => `the veto threshold ${a[0]} must be within 1..${a[1]} (the seats)`,
  HedgeCouncilExpiryOutOfRange: (a) =>
    `the proposal TTL (${fmtDurationExact(a[0] as bigint)}) and grace period (${fmtDurationExact(a[1] as bigint)}) must each be within 1 h..365 d`,

  // ---- HedgePolicy
  HedgePolicyUnauthorizedGovernance: (a) => `only the timelock may change the policy; ${a[0]} is not the timelock`,
  HedgePolicyUnauthorizedSteward: (a) => `only the steward (the council) may nudge; ${a[0]} is not the steward`,
  HedgePolicyZeroAddress: () => "an address that must be set was the zero address",
  HedgePolicyOracleNotContract: (a) => `${a[0]} has no code, so it cannot be the VIX oracle`,
  HedgePolicyVersionMismatch: (a) =>
    `the change was built against policy version ${a[0]}, but the policy is now at version ${a[1]}; propose it again`,
  HedgePolicyLayerCountOutOfRange: (a) => `a policy needs 1..5 layers, not ${a[0]}`,
  HedgePolicyAllocationZero: (a) => `layers.${a[0]}.allocationBps is 0: every layer needs an allocation`,
  HedgePolicyAllocationSumNot100Percent: (a) =>
    `the layer allocations sum to ${n(a[0])} bps; they must sum to exactly 10,000 (100 %)`,
  HedgePolicyTriggerOutOfRange: (a) =>
    `layers.${a[0]}.triggerVix ${n(a[1])} is out of range: must be 1,000..10,000 (VIX 10.00 to 100.00)`,
  HedgePolicyTriggerNotIncreasing: (a) =>
    `layers.${a[0]}.triggerVix ${n(a[2])} (VIX ${fmtVix(a[2] as bigint)}) is not above layer ${Number(a[0]) - 1}'s ${n(a[1])}: triggers must strictly increase`,
  HedgePolicyTenorOutOfRange: (a) => `layers.${a[0]}.tenorDays ${a[1]} is out of range: must be 1..730 days`,
  HedgePolicyTenorDecreasing: (a) =>
    `layers.${a[0]}.tenorDays ${a[2]} is below layer ${Number(a[0]) - 1}'s ${a[1]}: tenors must not decrease`,
  HedgePolicyCoverageOutOfRange: (a) => `coverageBps ${n(a[0])} is out of range: must be 500..10,000`,
  HedgePolicyScaleStepOutOfRange: (a) => `scaleStepBps ${n(a[0])} is out of range: must be 500..5,000`,
  HedgePolicyDeltaBandInvalid: (a) =>
    `the delta band shortDeltaMinBps ${n(a[0])} .. shortDeltaMaxBps ${n(a[1])} is invalid: need 100 <= min <= max <= 5,000`,
  HedgePolicyWingWidthOutOfRange: (a) => `wingWidthPts ${a[0]} is out of range: must be 5..500`,
  HedgePolicyTargetDteOutOfRange: (a) => `targetDte ${a[0]} is out of range: must be 1..365 days`,
  HedgePolicyHysteresisOutOfRange: (a) => `hysteresisVix ${n(a[0])} is out of range: must be at most 1,000 (VIX 10.00)`,
  HedgePolicyOracleAgeOutOfRange: (a) => `maxOracleAge ${n(a[0])} is out of range: must be 60..86,400 seconds`,
  HedgePolicyOracleUnavailable: (a) => `the VIX oracle ${a[0]} did not answer (it reverted or returned malformed data)`,
  HedgePolicyOracleRoundIncomplete: (a) => `the VIX oracle's round ${a[0]} is incomplete (updatedAt is 0)`,
  HedgePolicyOracleAnswerFromFuture: (a) =>
    `the VIX oracle's answer is dated ${fmtTime(a[0] as bigint)}, after the current block (${fmtTime(a[1] as bigint)})`,
  HedgePolicyOracleAnswerStale: (a, now) =>
    `the VIX oracle's answer is stale: updated ${fmtRelative(a[0] as bigint, now)}, older than maxOracleAge ${fmtDurationExact(a[1] as bigint)} (on a local network: hedge:oracle --vix <level>)`,
  HedgePolicyOracleAnswerNotPositive: (a) => `the VIX oracle's answer ${a[0]} is not positive`,
  HedgePolicyOracleAnswerOutOfRange: (a) =>
    `the VIX oracle's answer ${a[0]} (${a[1]} decimals) does not fit a VIX level in hundredths`,
  HedgePolicyLayerNotFound: (a) => `the policy has no layer ${a[0]} (it has ${a[1]}: 0..${Number(a[1]) - 1})`,
  HedgePolicyNudgeUnchanged: (a) => `a nudge must change its parameter; ${n(a[0])} is already the current value`,
  HedgePolicyNudgeOutsideBand: (a) =>
    `a nudge of ${nudgeParameter(a[0])} to ${n(a[2])} leaves the band ${n(BigInt(a[1] as bigint) - BigInt(a[3] as bigint))}..${n(BigInt(a[1] as bigint) + BigInt(a[3] as bigint))} around its baseline ${n(a[1])} (±${n(a[3])}, maxNudgeBps of the value the last setPolicy set); propose a full policy change instead`,
  HedgePolicyNudgeCoolingDown: (a, now) =>
    `${nudgeParameter(a[0])} was nudged recently; it may be nudged again at ${fmtTime(a[1] as bigint)} (${fmtRelative(a[1] as bigint, now)})`,
  HedgePolicyNudgeLimitsOutOfRange: (a) =>
    `nudge limits must satisfy maxNudgeBps <= 10,000 and nudgeCooldown <= 365 d; got ${a[0]} and ${fmtDurationExact(a[1] as bigint)}`,

  // ---- CouncilSeats
  CouncilSeatsUnauthorized: (a) => `only the timelock may mint or burn seats; ${a[0]} is not the timelock`,
  CouncilSeatsZeroAddress: () => "a seat cannot be given to the zero address",
  CouncilSeatsAlreadyHolder: (a) => `${a[0]} already holds a seat (one seat per address)`,
  CouncilSeatsLifetimeLimitReached: (a) => `all ${a[0]} seat ids have been used; seat ids are never reused`,
  CouncilSeatsBelowThreshold: (a) =>
    `burning would leave ${a[0]} seats, fewer than the council's highest threshold ${a[1]}; lower the thresholds first`,
  CouncilSeatsNonTransferable: (a) => `seats are soulbound: seat ${a[0]} cannot be transferred`,
  CouncilSeatsApprovalDisabled: () => "seats are soulbound: approvals and operators are disabled",
  ERC721NonexistentToken: (a) => `seat ${a[0]} does not exist`,
  // ERC-721 errors that soulbound seats never reach (every transfer and approval is refused first), in words anyway.
  ERC721IncorrectOwner: (a) => `${a[0]} does not own seat ${a[1]} (its owner is ${a[2]})`,
  ERC721InsufficientApproval: (a) => `${a[0]} is not approved for seat ${a[1]}`,
  ERC721InvalidApprover: (a) => `${a[0]} cannot approve: seats are soulbound`,
  ERC721InvalidOperator: (a) => `${a[0]} cannot be an operator: seats are soulbound`,
  ERC721InvalidOwner: (a) => `${a[0]} cannot own a seat`,
  ERC721InvalidReceiver: (a) => `${a[0]} cannot receive a seat`,
  ERC721InvalidSender: (a) => `${a[0]} cannot send a seat`,

  // ---- TimelockController and OpenZeppelin
  TimelockInsufficientDelay: (a) =>
    `the delay ${fmtDurationExact(a[0] as bigint)} is below the timelock's minimum ${fmtDurationExact(a[1] as bigint)}`,
  TimelockInvalidOperationLength: (a) =>
    `a timelock batch needs as many values and payloads as targets (got ${a[0]}, ${a[2]} and ${a[1]})`,
  AccessControlBadConfirmation: () => "a role can only be renounced by its holder, for itself",
  InsufficientBalance: (a) => `the contract holds ${n(a[0])} wei but the call needs ${n(a[1])}`,
  InvalidShortString: () => "a short string in the contract's EIP-712 domain is malformed",
  StringTooLong: (a) => `the string ${a[0]} is too long for a short string`,
  TimelockUnexpectedOperationState: (a) => `the timelock operation ${id(a[0])} is not in a state that allows this`,
  TimelockUnauthorizedCaller: (a) => `only the timelock itself may do this; ${a[0]} is not the timelock`,
  TimelockUnexecutedPredecessor: (a) => `the timelock operation's predecessor ${id(a[0])} has not executed`,
  AccessControlUnauthorizedAccount: (a) => `${a[0]} lacks the role ${id(a[1])} this needs`,
  FailedCall: () => "a call made by the contract failed without a reason",
  AddressEmptyCode: (a) => `${a[0]} has no code`,
};

/**
 * An error's arguments, decoded again from `data` with every string read as bytes: a string is then shown quoted
 * and escaped (./untrusted `quoted`, invalid UTF-8 as U+FFFD), and nothing about it can throw (ethers throws on
 * invalid UTF-8 when a decoded string is read). Numbers, addresses, booleans and bytes are as ethers decodes them.
 */
function shownArgs(fragment: ErrorFragment, data: string): unknown[] {
  const asBytes = fragment.inputs.map((p) => p.format("sighash").replace(/\bstring\b/g, "bytes"));
  const values = AbiCoder.defaultAbiCoder().decode(asBytes, `0x${data.slice(10)}`);
  return fragment.inputs.map((p, i) => shownValue(p, values[i]));
}

function shownValue(param: ParamType, value: unknown): unknown {
  if (param.baseType === "string") return quoted(toUtf8String(value as string, Utf8ErrorFuncs.replace));
  if (param.isArray()) return [...(value as unknown[])].map((v) => shownValue(param.arrayChildren, v));
  if (param.isTuple()) return param.components.map((c, i) => shownValue(c, (value as unknown[])[i]));
  return value;
}

/** An argument list for the fallback words: arrays and tuples in brackets, strings already quoted. */
function argsText(args: unknown[]): string {
  return args.map((a) => (Array.isArray(a) ? `[${argsText(a)}]` : String(a))).join(", ");
}

/** Explains decoded revert data in words; strings from the data are quoted and escaped. */
export function explainRevert(iface: Interface, data: string, now: number): string {
  let parsed: ErrorDescription | null = null;
  let args: unknown[] = [];
  try {
    parsed = iface.parseError(data);
    if (parsed) args = shownArgs(parsed.fragment, data);
  } catch {
    parsed = null;
  }
  if (!parsed) return `the contract reverted with unknown data ${data.slice(0, 74)}${data.length > 74 ? "…" : ""}`;
  if (parsed.name === "Error") return `the contract reverted with the reason ${args[0]}`;
  if (parsed.name === "Panic") return `the contract panicked (code ${args[0]})`;
  const explain = EXPLAIN[parsed.name];
  if (explain) return explain(args as unknown as Args, now);
  return `the contract reverted with ${parsed.name}(${argsText(args)})`;
}

/** The one-line reason for any error a task meets. */
export async function describeError(hre: HardhatRuntimeEnvironment, error: unknown): Promise<string> {
  if (error instanceof CliError) return error.message;
  const data = revertData(error);
  if (data) {
    let now = Math.floor(Date.now() / 1000);
    try {
      now = (await hre.ethers.provider.getBlock("latest"))?.timestamp ?? now;
    } catch {
      // keep the wall clock
    }
    return explainRevert(await systemErrors(hre), data, now);
  }
  const record = (error ?? {}) as { shortMessage?: unknown; message?: unknown };
  const message = String(record.shortMessage ?? record.message ?? error);
  if (message.includes("HH108")) return cannotConnect(hre);
  if (/revert/i.test(message) && !/reason|custom error/i.test(message)) {
    return "the contract reverted without a reason";
  }
  // A node's (or a wallet's) message: its first line, escaped and cut (it may quote a revert reason).
  return oneLine(message.split("\n")[0]);
}

/**
 * No node answers at the network's URL. The line names the URL it tried (from the environment: escaped) and the
 * variable that sets it, as a newcomer with a node on another port meets `localhost`'s default here first.
 */
function cannotConnect(hre: HardhatRuntimeEnvironment): string {
  // Scheme and host only: a provider's URL often holds an API key.
  const url = urlOrigin((hre.network.config as { url?: string }).url ?? "");
  const where = `cannot connect to network "${hre.network.name}" at ${url}`;
  if (hre.network.name === "localhost") {
    return `${where}: is the node running? Start it with npx hardhat node, or set HEDGE_LOCALHOST_URL to the URL of the node you run`;
  }
  if (hre.network.name === "remote") return `${where}: is the node running, and is HEDGE_RPC_URL its URL?`;
  return `${where}: is the node running?`;
}

/**
 * Runs a read-only rehearsal of a state change (`staticCall`, or a call from the timelock or the council) and turns
 * a revert into a `CliError` whose message says why, prefixed with `what` when given.
 */
export async function simulate<T>(hre: HardhatRuntimeEnvironment, call: () => Promise<T>, what?: string): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    const reason = await describeError(hre, error);
    throw new CliError(what ? `${what}: ${reason}` : reason);
  }
}

/** Sends a transaction that was simulated, waits for it and prints one line about it. */
export async function sendAndWait(
  hre: HardhatRuntimeEnvironment,
  label: string,
  send: () => Promise<ContractTransactionResponse>,
): Promise<TransactionReceipt> {
  let tx: ContractTransactionResponse;
  try {
    tx = await send();
  } catch (error) {
    throw new CliError(`${label}: ${await describeError(hre, error)}`);
  }
  let receipt: TransactionReceipt | null;
  try {
    receipt = await tx.wait();
  } catch (error) {
    throw new CliError(`${label}: transaction ${tx.hash} failed: ${await describeError(hre, error)}`);
  }
  if (!receipt || receipt.status !== 1) throw new CliError(`${label}: transaction ${tx.hash} reverted`);
  say(`  sent ${label}: tx ${tx.hash} (block ${receipt.blockNumber}, gas ${fmtInt(receipt.gasUsed)})`);
  return receipt;
}
