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
			// A file with a damaged header page is copied as bbolt reads
			// it: the copy's headers are sound, and the head printed is
			// the one to compare with an anchor.
			l, err := e.openLedgerWith(c, ledger.Options{ReadOnly: true, HeaderDamageOK: true})
			if err != nil {
				return err
			}
			defer l.Close()
			seq, hash, err := l.Backup(c.String("out"), c.Bool("force"))
			if err != nil {
				return badInput("%v", err)
			}
			fmt.Fprintf(e.stdout, "backed up %d entries to %s\nhead %s\n", seq, c.String("out"), ledger.FormatHead(seq, hash))
			if damage := l.HeaderDamage(); damage != nil {
				fmt.Fprintf(e.stderr, "%s: %v\n", l.Path(), damage)
			}
			return nil
		},
	}
}
