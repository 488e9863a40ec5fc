package main

import (
	"fmt"
	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

// queryCtx is an open, read-only ledger and its state.
type queryCtx struct {
	ledger *ledger.Ledger
	book   *debt.Book
	state  *readAhead
}

// query opens the ledger read-only and loads its state; the ledger is
// closed when the command ends.
func (e *env) query(c *cli.Context) (*queryCtx, error) { return e.queryWith(c, debt.Load) }

// queryTree is query for a command that reads principal only (balance):
// the catalog of bonds and projects is read only if units' records are.
func (e *env) queryTree(c *cli.Context) (*queryCtx, error) { return e.queryWith(c, debt.LoadTree) }

func (e *env) queryWith(c *cli.Context, loader func([]byte, debt.Loader) (*debt.Book, error)) (*queryCtx, error) {
	// A query lives for a moment and keeps what it loads to the end: the
	// collector need hardly run.
	tuneCollector(c.String("db"), 400, replayLimit)
	l, err := e.openLedger(c, true, false)
	if err != nil {
		return nil, err
	}
	b, st, err := loadBookAhead(l, loader)
	if err != nil {
		l.Close()
		return nil, ledgerFault(l, err)
	}
	// urfave/cli has no after-action hook per command that sees errors, so
	// the ledger is closed by the process ending; read-only handles hold no
	// write lock worth releasing earlier.
	return &queryCtx{l, b, st}, nil
}

// unitArg is --unit, defaulting to the root, and must be registered.
func (q *queryCtx) unitArg(c *cli.Context) (string, error) {
	u := c.String("unit")
	if u == "" {
		u = q.book.Quota.Root
		if u == "" {
			return "", badInput("%s: the ledger has no units yet", q.ledger.Path())
		}
	}
	if !q.book.Quota.Has(u) {
		return "", badInput("%s: unit %s is not registered", q.ledger.Path(), u)
	}
	return u, nil
}

// need loads the cached records of units (their subtrees with subtree).
func (q *queryCtx) need(unit string, subtree bool) error {
	units := []string{unit}
	switch {
	case unit == "":
		units = q.book.Quota.Subtree(q.book.Quota.Root)
	case subtree:
		units = q.book.Quota.Subtree(unit)
	}
	// Every record the units need, read in one transaction.
	names := []string{debt.CatalogRecord}
	for _, u := range units {
		for _, prefix := range []string{debt.UnitRecordPrefix, debt.PrincipalRecordPrefix, debt.SubtreeRecordPrefix} {
			names = append(names, prefix+u)
		}
	}
	err := q.state.fetch(names)
	if err == nil {
		err = q.book.NeedUnits(units...)
	}
	if err != nil {
		return ledgerFault(q.ledger, fmt.Errorf("%w (run debtledger check)", err))
	}
	return nil
}

// needPrincipal loads the units' outstanding principal and unit's subtree
// total, their records read in one transaction.
func (q *queryCtx) needPrincipal(unit string, units []string) error {
	names := []string{debt.SubtreeRecordPrefix + unit}
	for _, u := range units {
		names = append(names, debt.PrincipalRecordPrefix+u)
	}
	err := q.state.fetch(names)
	if err == nil {
		err = q.book.NeedPrincipal(units...)
	}
	if err == nil {
		err = q.book.NeedSubtreeTotals(unit)
	}
	return err
}

// dateArg reads a date flag, defaulting to def.
func dateArg(c *cli.Context, name string, def quota.Date) (quota.Date, error) {
	s := c.String(name)
	if s == "" {
		return def, nil
	}
	d, err := quota.ParseDate(s)
	if err != nil {
		return 0, ledgerInput(c, "--%s: %v", name, err)
	}
	return d, nil
}
