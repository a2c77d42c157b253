// The audit library's own error: the audit itself could not run (wrong chain, missing deployment, a block that does
// not exist yet). One line, in words. The command line (tasks/audit.ts) turns it into its exit status 2; the library
// never depends on the command shell.
export class AuditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditError";
  }
}
