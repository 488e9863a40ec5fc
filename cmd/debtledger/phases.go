package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// phaseClock prints, when DEBTLEDGER_TIMES is set, how long each phase of
// a write took, one line each on stderr: where an import's time goes
// (reading and checking the lines, encoding the state records, the
// commit that holds the file), which the README's benchmarks quote.
type phaseClock struct {
	w    io.Writer // nil: off
	last time.Time
}

func (e *env) phaseClock() *phaseClock {
	if os.Getenv("DEBTLEDGER_TIMES") == "" {
		return &phaseClock{}
	}
	return &phaseClock{w: e.stderr, last: time.Now()}
}

// done ends the phase named, and starts the next.
func (p *phaseClock) done(name string) {
	if p.w == nil {
		return
	}
	now := time.Now()
	fmt.Fprintf(p.w, "time %s %.3fs\n", name, now.Sub(p.last).Seconds())
	p.last = now
}
