package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/debtledger/debtledger/ledger"
	"github.com/urfave/cli/v2"
)

func verifyCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "verify",
		Usage:     "check the hash chain (and an anchor kept outside the file)",
		UsageText: "debtledger verify --anchor 43:5f1c…",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "anchor", Usage: "SEQ:HASH printed earlier by close, backup or statement"},
		},
		Action: func(c *cli.Context) error {
			var anchor *ledger.Anchor
			if s := c.String("anchor"); s != "" {
				a, err := ledger.ParseAnchor(s)
				if err != nil {
					return ledgerInput(c, "verify: --anchor: %v", err)
				}
				anchor = a
			}
			l, err := e.openLedgerWith(c, ledger.Options{ReadOnly: true, CheckPages: true, HeaderDamageOK: true})
			if err != nil {
				return damagedOr(err)
			}
			defer l.Close()
			if err := l.Verify(anchor); err != nil {
				return problem("%s", namingLedger(l, err))
			}
			seq, hash, err := l.Head()
			if err != nil {
				return problem("%s", namingLedger(l, err))
			}
			fmt.Fprintf(e.stdout, "ok: %d entries, chain intact; head %s\n", seq, ledger.FormatHead(seq, hash))
			return nil
		},
	}
}

// damagedOr turns "not a readable ledger" into exit 1 for verify and check
// (SPEC §6); a missing or locked ledger stays exit 2.
func damagedOr(err error) error {
	var le *ledger.Error
	if errors.As(err, &le) && le.Code == ledger.Corrupt {
		return problem("%v", le)
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
