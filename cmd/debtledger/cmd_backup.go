package main

import (
	"fmt"

	"github.com/debtledger/debtledger/ledger"
	"github.com/urfave/cli/v2"
)

func backupCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "backup",
		Usage:     "copy the ledger consistently (0600) and print the journal head",
		UsageText: "debtledger backup --out changji-2023-06.db",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the copy's `FILE` (required)"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing FILE"},
		},
		Action: func(c *cli.Context) error {
			if err := need(c, "out"); err != nil {
				return err
			}
			l, err := e.openLedger(c, true, false)
			if err != nil {
				return err
			}
			defer l.Close()
			seq, hash, err := l.Backup(c.String("out"), c.Bool("force"))
			if err != nil {
				return badInput("%v", err)
			}
			fmt.Fprintf(e.stdout, "backed up %d entries to %s\nhead %s\n", seq, c.String("out"), ledger.FormatHead(seq, hash))
			return nil
		},
	}
}
