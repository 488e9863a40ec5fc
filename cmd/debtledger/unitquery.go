package main

import (
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

// Flags every unit query shares.
var (
	unitFlag = &cli.StringFlag{Name: "unit", Usage: "unit code (default: the root)"}
	asOfFlag = &cli.StringFlag{Name: "as-of", Usage: "figures at the end of YYYY-MM-DD (default: today)"}
	yearFlag = &cli.IntFlag{Name: "year", Usage: "the year (default: the year of --as-of)"}
)

// unitQuery is what every unit query starts from: the ledger open
// read-only, --unit resolved (the root by default), --as-of read (today by
// default), and the unit's cached records (its subtree's too) loaded.
type unitQuery struct {
	*queryCtx
	unit string
	asOf quota.Date
	year int // --year, or the year of asOf
}

func (e *env) openUnitQuery(c *cli.Context, subtree bool) (*unitQuery, error) {
	q, err := e.query(c)
	if err != nil {
		return nil, err
	}
	uq := &unitQuery{queryCtx: q}
	if uq.unit, err = q.unitArg(c); err == nil {
		if uq.asOf, err = dateArg(c, "as-of", e.today()); err == nil {
			if uq.year, err = yearArg(c, uq.asOf); err == nil {
				err = q.need(uq.unit, subtree)
			}
		}
	}
	if err != nil {
		q.ledger.Close()
		return nil, err
	}
	return uq, nil
}

// withUnitQuery is an action that opens a unit query, runs fn on it and
// closes the ledger.
func (e *env) withUnitQuery(subtree bool, fn func(c *cli.Context, q *unitQuery) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		q, err := e.openUnitQuery(c, subtree)
		if err != nil {
			return err
		}
		defer q.ledger.Close()
		return fn(c, q)
	}
}
