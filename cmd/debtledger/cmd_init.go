package main

import (
	"fmt"

	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

func initCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "create a new ledger file (0600); with --root, register the root unit",
		UsageText: "debtledger --db changji.db init --root 6523 --name 昌吉州",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Usage: "code of the ledger's own government, e.g. 6523"},
			&cli.StringFlag{Name: "name", Usage: "its name, e.g. 昌吉州"},
		},
		Action: func(c *cli.Context) error {
			root, name := c.String("root"), c.String("name")
			if (root == "") != (name == "") {
				return ledgerInput(c, "init: --root and --name go together")
			}
			if root != "" && !quota.ValidCode(root) {
				return ledgerInput(c, "init: --root %s is not a code (1-32 of 0-9 A-Z a-z _ . -)", quota.Quoted(root))
			}
			var first *pending
			if root != "" {
				ev, err := quota.Decode(map[string]any{
					"id": "unit-" + root, "type": "unit", "date": e.today().String(), "code": root, "name": name,
				}, quota.Types())
				if err != nil {
					return ledgerInput(c, "init: %v", err)
				}
				first = &pending{ev: ev, where: c.String("db")}
			}
			l, err := ledger.Create(c.String("db"))
			if err != nil {
				return badInput("%v", err)
			}
			defer l.Close()
			if first != nil {
				if _, err := e.write(c, l, func(_ *ledger.Batch, yield func(pending) error) error { return yield(*first) }, false); err != nil {
					return err
				}
			}
			fmt.Fprintf(e.stdout, "created %s\n", l.Path())
			return nil
		},
	}
}
