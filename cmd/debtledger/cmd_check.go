package main

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "replay the journal, prove every rule and compare with the cached state",
		UsageText: "debtledger check --format json",
		Action: func(c *cli.Context) error {
			l, err := e.openLedger(c, true, true)
			if err != nil {
				err = damagedOr(err)
				var unreadable *exitError
				if c.String("format") == "json" && errors.As(err, &unreadable) && unreadable.code == exitProblem {
					// The report still has its shape, for whoever parses it.
					rep := checkReport{Violations: []violation{{Rule: "journal", Message: unreadable.msg}}}
					if werr := writeJSON(e.stdout, rep); werr != nil {
						return werr
					}
				}
				return err
			}
			defer l.Close()
			// Replay keeps the whole state to the end, as an import does.
			defer tuneCollector(c.String("db"), 300, replayLimit)()
			rep := checkReport{OK: true, Violations: []violation{}}
			// The chain is verified while the journal replays: both only
			// read, and on two cores they overlap.
			verified := make(chan error, 1)
			go func() { verified <- l.Verify(nil) }()
			fresh, found := replay(l, true)
			if err := <-verified; err != nil {
				rep.Violations = append(rep.Violations, violation{Rule: "chain", Message: err.Error()})
			}
			rep.Violations = append(rep.Violations, found...)
			seq, _, err := l.Head()
			if err != nil {
				rep.Violations = append(rep.Violations, violation{Rule: "journal", Message: err.Error()})
			}
			rep.Entries = int(seq)
			rep.Violations = append(rep.Violations, compareCache(l, fresh, seq)...)
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
				// The ledger's own errors name the file already.
				first := strings.TrimPrefix(rep.Violations[0].Message, l.Path()+": ")
				return problem("%s: check failed: %s", l.Path(), first)
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

// compareCache: the cached state must equal the replayed journal (rule 6),
// record for record.
func compareCache(l *ledger.Ledger, fresh *debt.Book, head uint64) []violation {
	want := map[string][]byte{}
	if head > 0 {
		want = fresh.Records(true)
	}
	var out []violation
	otherLayout := false
	seen := map[string]bool{}
	err := l.StateRecords(func(key string, val []byte, at uint64) error {
		seen[key] = true
		switch {
		case at != head:
			out = append(out, violation{Rule: "cache", Message: fmt.Sprintf("cached state is of entry %d, the journal's head is %d", at, head)})
			return errStop
		case key == debt.CoreRecord && debt.CheckLayout(val) != nil:
			// Nothing else of it is worth comparing record by record.
			out = []violation{{Rule: "cache", Message: fmt.Sprintf("cached state: %v (written by another version of debtledger; it is not read, and the next write rewrites it)", debt.CheckLayout(val))}}
			otherLayout = true
			return errStop
		case want[key] == nil:
			out = append(out, violation{Rule: "cache", Message: fmt.Sprintf("cached record %s has no counterpart in the replayed journal", quota.Quoted(key))})
		case !bytes.Equal(want[key], val):
			out = append(out, violation{Rule: "cache", Message: fmt.Sprintf("cached record %s differs from the replayed journal", quota.Quoted(key))})
		}
		return nil
	})
	if err != nil && err != errStop {
		out = append(out, violation{Rule: "cache", Message: err.Error()})
	}
	if otherLayout {
		return out
	}
	for _, key := range sortedKeys(want) {
		if !seen[key] {
			out = append(out, violation{Rule: "cache", Message: fmt.Sprintf("record %s is missing from the cached state", quota.Quoted(key))})
		}
	}
	// A cache written by another version differs everywhere: name a few.
	const most = 20
	if len(out) > most {
		more := len(out) - most
		out = append(out[:most], violation{Rule: "cache", Message: fmt.Sprintf("and %d more cached records differ", more)})
	}
	return out
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
