// Package debt is the statutory-debt side of the ledger: bonds, on-lending
// (转贷), repayment (还本付息), refinancing (再融资), projects funded by new
// bonds, hidden debt (隐性债务) and its resolution (化解), and the queries
// over them: balance, schedule, statement, report.
//
// Book is the whole derived state. It is built by applying validated
// events (Decode, Apply) in journal order; Apply refuses an event that
// would break a rule at its date or any later date already booked, and
// Violations re-proves every rule over a finished state.
//
// # Invariants (SPEC §4), rule by rule
//
//  1. Own outstanding principal ≥ 0 per (bond, unit): Holding.Principal
//     (checkHolding).
//  2. Own principal minus unapplied refinancing proceeds (each capped at the
//     unit's principal of that bond) ≤ own limit, per kind: Book.Exposure
//     and Book.CheckLimit, at every date any term changes.
//  3. Principal on-lent into a unit ≤ quota received, by value-date year and
//     quota kind: quota.Book.UseQuota, called from on-lending.
//  4. Refinancing proceeds applied ≤ received net of passed down:
//     Holding.Free, which also bounds passing down and allocation.
//  5. Allocated per (bond, unit) ≤ received net (Holding.Free); spent ≤
//     allocated per (bond, project) (Use.Unspent); hidden resolved ≤ stock
//     (HiddenDebt.Unresolved).
//  6. The hash chain and the cache are the ledger's and the CLI's; the
//     fingerprint that compares a cached Book with a replayed one is here.
//
// Closed periods, once-only entries and journal-order rules (a limit before
// bond events, an opening before on-lending) are checked in Apply before
// any figure moves. A reversal books the original's effect negated on the
// reversal's own date, then runs the same post-checks.
//
// Nothing here knows of bbolt or the command line.
package debt
