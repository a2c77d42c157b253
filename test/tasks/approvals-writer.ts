// A co-signer as a separate process, for approvals-concurrency.test.ts: adds its signatures to one signatures file,
// one writeApprovalsFile call each, while other processes do the same. Run with plain node and ts-node (no Hardhat,
// so many can start at once): `node -r ts-node/register/transpile-only approvals-writer.ts JOB INDEX`.
// It says "ready" once loaded and starts writing when the job's go-file appears, so every writer starts together.
// `hardhat test` loads every file under test/, so it does nothing unless run as the main module.
import fs from "node:fs";

import { writeApprovalsFile, type ApprovalsFile, type ApprovalsSignature } from "../../scripts/lib/approvals-file";

/** What the test hands to each writer. */
export interface WriterJob {
  file: string;
  go: string;
  /** The signatures file without signatures: the proposal every writer signs. */
  base: ApprovalsFile;
  /** For writer i: the signatures it adds, one write each. */
  signatures: ApprovalsSignature[][];
}

async function main(jobFile: string, index: number): Promise<void> {
  const job = JSON.parse(fs.readFileSync(jobFile, "utf8")) as WriterJob;
  process.stdout.write("ready\n");
  while (!fs.existsSync(job.go)) await new Promise((resolve) => setTimeout(resolve, 2));
  for (const signature of job.signatures[index]) {
    await writeApprovalsFile(job.file, { ...job.base, signatures: [signature] });
  }
}

if (require.main === module) {
  main(process.argv[2], Number(process.argv[3])).catch((error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
