package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

func journalCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "journal",
		Usage:     "list journal entries: who recorded what, when",
		UsageText: "debtledger journal --unit 652301 --type onlend --since 2023-01-01 --format json",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "unit", Usage: "only entries naming this unit"},
			&cli.StringFlag{Name: "type", Usage: "only entries of this event type"},
			&cli.StringFlag{Name: "since", Usage: "only entries with a business date on or after YYYY-MM-DD"},
		},
		Action: func(c *cli.Context) error {
			var since string
			if s := c.String("since"); s != "" {
				d, err := quota.ParseDate(s)
				if err != nil {
					return ledgerInput(c, "journal: --since: %v", err)
				}
				since = d.String()
			}
			typ := c.String("type")
			if _, known := debt.EventTypes()[typ]; typ != "" && !known {
				return ledgerInput(c, "journal: --type %q is not an event type of SPEC §4", typ)
			}
			l, err := e.openLedger(c, true, false)
			if err != nil {
				return err
			}
			defer l.Close()
			unit := c.String("unit")
			if unit != "" {
				b, err := loadBookAtHead(l)
				if err != nil {
					return ledgerFault(l, err)
				}
				if !b.Quota.Has(unit) {
					return badInput("%s: unit %s is not registered", l.Path(), unit)
				}
			}
			rows := []journalRow{} // JSON: [] when nothing matches
			err = l.Scan(1, func(en *ledger.Entry) error {
				if (typ != "" && en.Type != typ) || (since != "" && en.Date < since) || (unit != "" && !namesUnit(en, unit)) {
					return nil
				}
				rows = append(rows, journalRow{en.Seq, en.ID, en.Type, en.Date, en.Doc, en.Memo, en.Actor, en.RecordedAt, json.RawMessage(en.Body)})
				return nil
			})
			if err != nil {
				return ledgerFault(l, err)
			}
			switch c.String("format") {
			case "json":
				return writeJSON(e.stdout, rows)
			case "csv":
				fmt.Fprintln(e.stdout, "seq,id,type,date,doc,memo,actor,recorded_at,fields")
				for _, r := range rows {
					cells := []string{strconv.FormatUint(r.Seq, 10), r.ID, r.Type, r.Date, r.Doc, r.Memo, r.Actor, r.RecordedAt, string(r.Fields)}
					for i, v := range cells {
						cells[i] = csvText(v)
					}
					fmt.Fprintln(e.stdout, strings.Join(cells, ","))
				}
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "seq\tid\ttype\tdate\tdoc\tactor\trecorded_at\tfields")
			for _, r := range rows {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.ID, r.Type, r.Date, r.Doc, r.Actor, r.RecordedAt, r.Fields)
			}
			return tw.Flush()
		},
	}
}

type journalRow struct {
	Seq        uint64          `json:"seq"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Date       string          `json:"date"`
	Doc        string          `json:"doc"`
	Memo       string          `json:"memo"`
	Actor      string          `json:"actor"`
	RecordedAt string          `json:"recorded_at"`
	Fields     json.RawMessage `json:"fields"`
}

// namesUnit: the entry's fields name the unit (unit, to, from, parent, or a
// unit's own code).
func namesUnit(en *ledger.Entry, unit string) bool {
	q := `"` + unit + `"`
	for _, k := range []string{`"unit":`, `"to":`, `"from":`, `"parent":`} {
		if strings.Contains(string(en.Body), k+q) {
			return true
		}
	}
	return en.Type == "unit" && strings.Contains(string(en.Body), `"code":`+q)
}
