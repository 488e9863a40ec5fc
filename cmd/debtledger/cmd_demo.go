package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/debtledger/debtledger"
	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

func demoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "build the Changji Prefecture 2023 H1 scenario into a fresh ledger and print its half-year report",
		UsageText: "debtledger demo\ndebtledger demo --out changji.db --lang zh\n" +
			"then: debtledger --db <printed path> balance --as-of 2023-06-30 --by unit --yuan-unit yi",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "the new ledger `FILE` (default: a fresh temporary directory)"},
		},
		Action: func(c *cli.Context) error {
			path := c.String("out")
			if path == "" {
				dir, err := os.MkdirTemp("", "debtledger-demo-")
				if err != nil {
					return badInput("demo: %v", err)
				}
				path = filepath.Join(dir, "changji-2023h1.db")
			}
			l, err := ledger.Create(path)
			if err != nil {
				return badInput("%v", err)
			}
			defer l.Close()
			const name = "changji-2023h1.jsonl"
			dec := ledger.NewDecoder(bytes.NewReader(debtledger.ChangjiScenario), name)
			res, err := e.write(c, l, func(_ *ledger.Batch, yield func(pending) error) error {
				for {
					line, err := dec.Next()
					if errors.Is(err, io.EOF) {
						return nil
					}
					if err != nil {
						return badInput("%v", err)
					}
					ev, err := debt.Decode(objectOf(line.Fields))
					if err != nil {
						return badInput("%s: line %d: %v", name, line.No, err)
					}
					if err := yield(pending{ev: ev, where: fmt.Sprintf("%s: line %d", name, line.No)}); err != nil {
						return err
					}
				}
			}, false)
			if err != nil {
				return err
			}
			b, err := loadBookAtHead(l)
			if err == nil {
				err = b.NeedAll()
			}
			if err != nil {
				return badInput("%s: %v", path, err)
			}
			from, to := quota.NewDate(2023, 1, 1), quota.NewDate(2023, 6, 30)
			r := b.Report(b.Quota.Root, from, to)
			w := e.stdout
			fmt.Fprintf(w, "ledger: %s (%d entries, head %s)\n\n", path, res.headSeq, ledger.FormatHead(res.headSeq, res.headHash))
			if c.String("format") == "json" {
				return writeJSON(w, r)
			}
			fmt.Fprintln(w, r.Prose("zh", b))
			fmt.Fprintln(w)
			fmt.Fprintln(w, r.Prose("en", b))
			fmt.Fprintf(w, "\nTry:\n  debtledger --db %s balance --as-of 2023-06-30 --by unit --yuan-unit yi\n", path)
			fmt.Fprintf(w, "  debtledger --db %s statement --unit 652301 --period 2023-03\n", path)
			fmt.Fprintf(w, "  debtledger --db %s check\n", path)
			return nil
		},
	}
}
