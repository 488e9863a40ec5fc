package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

// pending is an event decoded and waiting to be written, with where it
// came from for messages.
type pending struct {
	ev    *quota.Event
	where string // "FILE: line N" or the ledger path; see at
	body  []byte // canonical body, when already computed
	// file and line say where when where is empty: formatting it for
	// every line of an import, to use it only on a refusal, is wasted.
	file string
	line int
}

// at is where the event came from, for messages.
func (p *pending) at() string {
	if p.where == "" && p.file != "" {
		return fmt.Sprintf("%s: line %d", p.file, p.line)
	}
	return p.where
}

// writeResult counts what a write did.
type writeResult struct {
	written, duplicates int
	headSeq             uint64
	headHash            [32]byte
}

// write applies events to the ledger in one transaction: each is checked
// against the state the earlier ones left; an id already present with the
// same content is skipped, with other content refused. Any refusal writes
// nothing.
func (e *env) write(c *cli.Context, l *ledger.Ledger, events func(yield func(pending) error) error, dryRun bool) (writeResult, error) {
	var res writeResult
	actor := actorOf(c)
	at := e.now().UTC().Format(time.RFC3339)
	err := l.Update(func(batch *ledger.Batch) error {
		head, _ := batch.Head()
		b, err := loadBook(l, batch, head)
		if err != nil {
			return badInput("%s: %v", l.Path(), err)
		}
		b.SetFinder(finderOf(batch.Lookup))
		err = events(func(p pending) error {
			body := p.body
			if body == nil {
				body = quota.CanonicalBody(p.ev.Body)
			}
			old, exists, err := batch.Lookup(p.ev.ID)
			if err != nil {
				return err
			}
			if exists {
				if sameContent(old, p.ev, body) {
					res.duplicates++
					return nil
				}
				return badInput("%s: id %s is already entry %d with different content", p.at(), p.ev.ID, old.Seq)
			}
			if err := b.Apply(p.ev); err != nil {
				return badInput("%s: %v", p.at(), err)
			}
			res.written++
			return batch.Append(&ledger.Entry{
				ID: p.ev.ID, Type: p.ev.Type, Date: p.ev.Date.String(), Doc: p.ev.Doc, Memo: p.ev.Memo,
				Body: body, Actor: actor, RecordedAt: at,
			})
		})
		if err != nil {
			return err
		}
		if path := os.Getenv("DEBTLEDGER_MEMPROFILE"); path != "" {
			writeHeapProfile(path)
		}
		if res.written > 0 {
			// Encoding the changed units' records and writing the ids
			// index each take about a second after a million-line import;
			// nothing else touches the book now, so they overlap.
			recs := make(chan map[string][]byte, 1)
			go func() { recs <- b.Records(false) }()
			err := batch.WriteIDs()
			records := <-recs
			if err != nil {
				return err
			}
			if err := batch.PutState(records); err != nil {
				return err
			}
		}
		res.headSeq, res.headHash = batch.Head()
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

// errDryRun rolls a checked write back.
var errDryRun = errors.New("dry run")

func sameContent(old *ledger.Entry, ev *quota.Event, body []byte) bool {
	return old.Type == ev.Type && old.Date == ev.Date.String() && old.Doc == ev.Doc && old.Memo == ev.Memo && bytes.Equal(old.Body, body)
}

func actorOf(c *cli.Context) string {
	if a := c.String("actor"); a != "" {
		return a
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// today is the local business date.
func (e *env) today() quota.Date { return quota.DateOf(e.now()) }
