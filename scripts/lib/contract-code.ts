// Whether code found on chain is one of this project's compiled contracts: its artifact's runtime code, with the
// immutables (values the constructor writes into the code, such as the council's addresses) left out of the
// comparison; and whether those immutables link the contracts to each other (`checkWiring`). openSystem uses both to
// recognise a deployments file that points at someone else's contract; the audit and the watcher report the links.
//
// Where the immutables sit is only in the build info (5-7 MB of JSON per compilation); what this module needs of it
// is kept in <cache>/hedge-immutables.json, keyed by the build info's id (a hash of its contents), so a command
// reads the build info once per compilation, not on every run.
import fs from "node:fs";
import path from "node:path";

import { AbiCoder, getAddress, id } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { writeFileAtomic } from "./atomic-file";
import type { Rpc } from "./rpc";

interface CodeRange {
  start: number;
  length: number;
}

/** Per build info id, per fully qualified contract name: the byte ranges of its runtime code's immutables. */
type ImmutablesCache = Record<string, Record<string, CodeRange[]>>;

/** Runtime code as lowercase hex without 0x, its immutables zeroed. */
function maskImmutables(code: string, immutables: CodeRange[]): string {
  let hex = code.slice(2).toLowerCase();
  for (const { start, length } of immutables) {
    hex = hex.slice(0, 2 * start) + "00".repeat(length) + hex.slice(2 * (start + length));
  }
  return hex;
}

function cacheFile(hre: HardhatRuntimeEnvironment): string {
  return path.join(hre.config.paths.cache, "hedge-immutables.json");
}

function readCache(file: string): ImmutablesCache {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as ImmutablesCache;
  } catch {
    return {}; // absent or unreadable: rebuilt from the build infos
  }
}

/** The id of the build info that compiled `fqn`, from the artifact's debug file. */
function buildInfoId(hre: HardhatRuntimeEnvironment, fqn: string): string {
  const debugFile = hre.artifacts.formArtifactPathFromFullyQualifiedName(fqn).replace(/\.json$/, ".dbg.json");
  const { buildInfo } = JSON.parse(fs.readFileSync(debugFile, "utf8")) as { buildInfo: string };
  return path.basename(buildInfo, ".json");
}

/** Reads a build info and records the immutables of every contract it compiled; drops ids no longer on disk. */
async function learnBuildInfo(hre: HardhatRuntimeEnvironment, fqn: string, id: string): Promise<void> {
  const buildInfo = await hre.artifacts.getBuildInfo(fqn);
  if (buildInfo === undefined) throw new Error(`no build info for ${fqn}: run npx hardhat compile`);
  const ranges: Record<string, CodeRange[]> = {};
  for (const [source, contracts] of Object.entries(buildInfo.output.contracts)) {
    for (const [name, output] of Object.entries(contracts)) {
      ranges[`${source}:${name}`] = Object.values(output.evm?.deployedBytecode?.immutableReferences ?? {}).flat();
    }
  }
  const file = cacheFile(hre);
  const known = await hre.artifacts.getBuildInfoPaths();
  const cache = readCache(file);
  for (const stale of Object.keys(cache).filter((k) => !known.some((p) => path.basename(p, ".json") === k))) {
    delete cache[stale];
  }
  cache[id] = ranges;
  writeFileAtomic(file, JSON.stringify(cache)); // whole or not at all: commands may run side by side
}

const learning = new Map<string, Promise<void>>();

/** The immutables of `fqn`, reading its build info at most once per process (contracts often share one). */
async function immutablesOf(hre: HardhatRuntimeEnvironment, fqn: string): Promise<CodeRange[]> {
  const id = buildInfoId(hre, fqn);
  const cached = readCache(cacheFile(hre))[id]?.[fqn];
  if (cached !== undefined) return cached;
  let learnt = learning.get(id);
  if (learnt === undefined) {
    learnt = learnBuildInfo(hre, fqn, id);
    learning.set(id, learnt);
  }
  await learnt;
  return readCache(cacheFile(hre))[id]?.[fqn] ?? [];
}

const compiled = new Map<string, Promise<{ masked: string; immutables: CodeRange[] }>>();

/** A contract's compiled runtime code with its immutables masked (local files only; once per process). */
function compiledCode(hre: HardhatRuntimeEnvironment, contractName: string) {
  let entry = compiled.get(contractName);
  if (entry === undefined) {
    entry = (async () => {
      const artifact = await hre.artifacts.readArtifact(contractName);
      const fqn = `${artifact.sourceName}:${artifact.contractName}`;
      const immutables = await immutablesOf(hre, fqn);
      return { masked: maskImmutables(artifact.deployedBytecode, immutables), immutables };
    })();
    compiled.set(contractName, entry);
  }
  return entry;
}

/** True when `code` (as eth_getCode returns it) is `contractName`'s compiled runtime code, immutables aside. */
export async function isCompiledCode(
  hre: HardhatRuntimeEnvironment,
  contractName: string,
  code: string,
): Promise<boolean> {
  const { masked, immutables } = await compiledCode(hre, contractName);
  return maskImmutables(code, immutables) === masked;
}

export type { Rpc };

/** The contracts `checkWiring` reads, by the deployments file's names. */
export type WiredContract = "seats" | "council" | "timelock" | "policy";

/** A link between the contracts that points elsewhere than the deployments file says. */
export interface WiringBreak {
  /** `contract.getter`, e.g. `council.hedgePolicy`. */
  subject: string;
  message: string;
}

/** The immutable links between the contracts: each getter and the contract it must name. */
const LINKS: [WiredContract, string, WiredContract][] = [
  ["seats", "governance", "timelock"],
  ["seats", "council", "council"],
  ["council", "seats", "seats"],
  ["council", "timelock", "timelock"],
  ["council", "hedgePolicy", "policy"],
  ["policy", "governance", "timelock"],
];

/** The address a no-argument getter returns, or "(no answer)" when the call fails or returns something else. */
async function readAddress(rpc: Rpc, to: string, getter: string, blockTag: string): Promise<string> {
  try {
    const data = id(`${getter}()`).slice(0, 10);
    const result = (await rpc.request({ method: "eth_call", params: [{ to, data }, blockTag] })) as string;
    return getAddress(AbiCoder.defaultAbiCoder().decode(["address"], result)[0] as string);
  } catch {
    return "(no answer)";
  }
}

/** The immutable links between the contracts, read at `blockTag`, against the addresses of the deployments file. */
export async function checkWiring(
  rpc: Rpc,
  c: Record<WiredContract, string>,
  blockTag: string,
): Promise<WiringBreak[]> {
  const out: WiringBreak[] = [];
  for (const [contract, getter, expected] of LINKS) {
    const actual = await readAddress(rpc, c[contract], getter, blockTag);
    if (actual !== getAddress(c[expected])) {
      out.push({
        subject: `${contract}.${getter}`,
        message: `${contract}.${getter}() is ${actual}, not the ${expected} ${getAddress(c[expected])} of the deployments file`,
      });
    }
  }
  return out;
}
