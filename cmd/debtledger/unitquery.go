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
}

func (e *env) openUnitQuery(c *cli.Context, subtree bool) (*unitQuery, error) {
	q, err := e.query(c)
	if err != nil {
		return nil, err
	}
	uq := &unitQuery{queryCtx: q}
	if uq.unit, err = q.unitArg(c); err == nil {
		if uq.asOf, err = dateArg(c, "as-of", e.today()); err == nil {
			err = q.need(uq.unit, subtree)
		}
	}
	if err != nil {
		q.ledger.Close()
		return nil, err
	}
	return uq, nil
}
