package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func importCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "append the events of a JSONL file (- for stdin) in one transaction",
		UsageText: "debtledger import events.jsonl\ncat events.jsonl | debtledger import -",
		Description: "Every line is checked against the ledger as the lines before it left it; if any line is\n" +
			"refused, nothing of the file is written. Lines whose id is already in the ledger with the\n" +
			"same content are skipped and counted as duplicates.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "check every line but write nothing"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return badInput("import: want one FILE.jsonl (or - for stdin)")
			}
			name := c.Args().First()
			in, size, err := e.openInput(name)
			if err != nil {
				return err
			}
			defer in.Close()
			l, err := e.openLedger(c, false)
			if err != nil {
				return err
			}
			defer l.Close()
			var r io.Reader = in
			if bar := e.progress(size); bar != nil {
				pr := progressbar.NewReader(in, bar)
				r = &pr
				defer bar.Finish()
			}
			dec := ledger.NewDecoder(r, name)
			res, err := e.write(c, l, func(yield func(pending) error) error {
				for {
					line, err := dec.Next()
					if errors.Is(err, io.EOF) {
						return nil
					}
					if err != nil {
						return badInput("%v", err)
					}
					where := fmt.Sprintf("%s: line %d", name, line.No)
					ev, err := debt.Decode(objectOf(line.Fields))
					if err != nil {
						return badInput("%s: %v", where, err)
					}
					if err := yield(pending{ev: ev, where: where}); err != nil {
						return err
					}
				}
			}, c.Bool("dry-run"))
			if err != nil {
				return err
			}
			verb := "written"
			if c.Bool("dry-run") {
				verb = "would be written (dry run)"
			}
			fmt.Fprintf(e.stdout, "%d entries %s, %d duplicates skipped\n", res.written, verb, res.duplicates)
			return nil
		},
	}
}

func (e *env) openInput(name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(e.stdin), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, badInput("%s: cannot read: %v", name, errors.Unwrap(err))
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, 0, badInput("%s: not a file", name)
	}
	return f, st.Size(), nil
}

// progress is a bar on a terminal, nil elsewhere (pipes, CI, tests).
func (e *env) progress(size int64) *progressbar.ProgressBar {
	f, ok := e.stderr.(*os.File)
	if !ok || size <= 0 || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.DefaultBytes(size, "importing")
}
