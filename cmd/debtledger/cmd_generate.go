package main

import (
	"bufio"

	"github.com/debtledger/debtledger/debt"
	"github.com/urfave/cli/v2"
)

func generateCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "write a valid synthetic national-scale ledger as JSONL (for benchmarks and tests)",
		UsageText: "debtledger generate --events 1000000 --seed 1 > national-1m.jsonl",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "events", Usage: "how many events", Value: 10000},
			&cli.Int64Flag{Name: "seed", Usage: "the same seed gives the same file", Value: 1},
		},
		Action: func(c *cli.Context) error {
			if c.Int("events") < 1 {
				return badInput("generate: --events must be at least 1")
			}
			w := bufio.NewWriterSize(e.stdout, 1<<20)
			if err := debt.Synthesize(w, c.Int("events"), c.Int64("seed")); err != nil {
				return badInput("generate: %v", err)
			}
			return w.Flush()
		},
	}
}
