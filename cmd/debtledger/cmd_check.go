package main

import (
	"bytes"
	"fmt"

	"github.com/debtledger/debtledger/debt"
	"github.com/urfave/cli/v2"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "replay the journal, prove every rule and compare with the cached state",
		UsageText: "debtledger check --format json",
		Action: func(c *cli.Context) error {
			l, err := e.openLedger(c, true)
			if err != nil {
				return damagedOr(err)
			}
			defer l.Close()
			rep := checkReport{OK: true, Violations: []violation{}}
			if err := l.Verify(nil); err != nil {
				rep.Violations = append(rep.Violations, violation{Rule: "chain", Message: err.Error()})
			}
			fresh, found := replay(l, true)
			rep.Violations = append(rep.Violations, found...)
			seq, _, err := l.Head()
			if err != nil {
				rep.Violations = append(rep.Violations, violation{Rule: "journal", Message: err.Error()})
			}
			rep.Entries = int(seq)
			rep.Violations = append(rep.Violations, compareCache(l.State, fresh, seq)...)
			rep.Violations = append(rep.Violations, sweep(fresh)...)
			rep.OK = len(rep.Violations) == 0
			if c.String("format") == "json" {
				if err := writeJSON(e.stdout, rep); err != nil {
					return err
				}
			} else {
				for _, v := range rep.Violations {
					fmt.Fprintf(e.stdout, "%s: %s\n", v.Rule, v.Message)
				}
				if rep.OK {
					fmt.Fprintf(e.stdout, "ok: %d entries, every rule holds, cached state matches the journal\n", rep.Entries)
				}
			}
			if !rep.OK {
				return problem("%s: check failed: %s", l.Path(), rep.Violations[0].Message)
			}
			return nil
		},
	}
}

type checkReport struct {
	OK         bool        `json:"ok"`
	Entries    int         `json:"entries"`
	Violations []violation `json:"violations"`
}

// sweep re-proves the standing rules over the whole replayed state.
func sweep(b *debt.Book) []violation {
	var out []violation
	for _, v := range b.Violations() {
		out = append(out, violation{Rule: v.Rule, Message: v.Message})
	}
	return out
}

// compareCache: the cached state must equal the replayed journal (rule 6).
func compareCache(state func() ([]byte, uint64, error), fresh *debt.Book, head uint64) []violation {
	blob, at, err := state()
	if err != nil {
		return []violation{{Rule: "cache", Message: err.Error()}}
	}
	if head == 0 && len(blob) == 0 {
		return nil
	}
	if at != head {
		return []violation{{Rule: "cache", Message: fmt.Sprintf("cached state is of entry %d, the journal's head is %d", at, head)}}
	}
	cached, err := debt.Restore(blob)
	if err != nil {
		return []violation{{Rule: "cache", Message: err.Error()}}
	}
	a, err1 := cached.Fingerprint()
	b, err2 := fresh.Fingerprint()
	if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
		return []violation{{Rule: "cache", Message: "cached state differs from the replayed journal"}}
	}
	return nil
}
