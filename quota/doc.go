// Package quota holds the bottom of the debt domain: the values of SPEC §2
// (amounts, dates, codes, text), the event framework every event type plugs
// into, the unit tree, and the limits and quotas that flow down it.
//
// # Glossary
//
//   - 债务限额 debt limit: the ceiling on a unit's own outstanding statutory
//     debt, per kind (general, special).
//   - 新增债务限额 new-debt quota: a year's addition to the limit, granted by
//     the superior (the autonomous region) to the root and passed down.
//   - 再融资债券规模 refinancing scale: the year's cap on refinancing bonds.
//   - 州本级 the root unit's own level; 县市（园区） the counties and parks.
//
// # Invariants (SPEC §4)
//
//   - Units form one tree: one root, every parent registered first, codes
//     unique (Book.Register).
//   - Quota passed down for (year, kind) never exceeds quota received, at
//     any date (Book.checkPassDown).
//   - Rule 3: principal on-lent into a unit, by the bond's value-date year
//     and quota kind, never exceeds quota received (Book.UseQuota; the debt
//     side reports each on-lending).
//   - Rule 2's right-hand side, the limit, is opening limit + general or
//     special quota received − passed down (Book.Limit); the left-hand side
//     is the debt side's, asked through the Exposure interface whenever a
//     limit moves.
//
// Every "at the end of every business date" rule is a Series of slack that
// must stay ≥ 0 from the line's date on, which is how a back-dated line is
// checked against every later date already in the ledger.
//
// Nothing here knows of bbolt, JSON files or the command line.
package quota
