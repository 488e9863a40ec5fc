// Command debtledger is a tamper-evident, append-only ledger of government
// debt: quotas, limits, bonds, on-lending, repayment, projects and hidden
// debt, with an invariant checker. See README.md and SPEC.md.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
