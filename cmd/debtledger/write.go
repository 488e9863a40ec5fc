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
	where string         // "FILE: line N" or the ledger path; see at
	body  []byte         // canonical body, when already computed
	enc   ledger.Encoded // the entry encoded ahead (with stampOf's actor and time), if Valid
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

// eventSource yields a command's events in order, for the batch they go
// into; calling it again reads them again.
type eventSource func(batch *ledger.Batch, yield func(pending) error) error

// writeEvents writes events the way an auditor's query would want: they
// are checked and encoded against a read-only view of the ledger, which
// readers share, and the file is opened for writing only to write them.
// If another writer came in between, the events are checked again, this
// time holding the file. Any refusal writes nothing.
func (e *env) writeEvents(c *cli.Context, events eventSource, dryRun bool) (writeResult, error) {
	ro, err := e.openLedger(c, true, true)
	if err != nil {
		return writeResult{}, err
	}
	var res writeResult
	clock := e.phaseClock()
	prepared, err := ro.Prepare(func(batch *ledger.Batch) error {
		var err error
		res, err = e.fill(c, ro, batch, events, clock)
		return err
	})
	ro.Close()
	clock.done("prepare")
	if err != nil || dryRun {
		return res, err
	}
	if e.betweenPhases != nil {
		e.betweenPhases()
	}
	w, err := e.openLedger(c, false, false)
	if err != nil {
		return res, err
	}
	defer w.Close()
	err = w.Commit(prepared)
	clock.done("commit")
	if errors.Is(err, ledger.ErrMoved) {
		// Another writer came in between: what it left is walked like
		// the file this write was first checked against.
		if err := w.CheckPages(); err != nil {
			return res, ledgerFault(w, err)
		}
		return e.write(c, w, events, false)
	}
	if err == nil && res.written == 0 {
		// Nothing to write (all duplicates): the head is the ledger's as it
		// is now, which another writer may have moved since the check.
		res.headSeq, res.headHash, err = w.Head()
	}
	return res, err
}

// write applies events to a ledger open for writing, in one transaction
// that holds the file throughout: for a fresh ledger, events that cannot
// be read twice (stdin), and a retry of writeEvents.
func (e *env) write(c *cli.Context, l *ledger.Ledger, events eventSource, dryRun bool) (writeResult, error) {
	var res writeResult
	err := l.Update(func(batch *ledger.Batch) error {
		var err error
		if res, err = e.fill(c, l, batch, events, e.phaseClock()); err != nil {
			return err
		}
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

// fill checks each event against the state the earlier ones left and
// appends it to batch; an id already present with the same content is
// skipped, with other content refused. Then it stages the changed state
// records.
func (e *env) fill(c *cli.Context, l *ledger.Ledger, batch *ledger.Batch, events eventSource, clock *phaseClock) (writeResult, error) {
	var res writeResult
	actor, at := e.stampOf(c)
	head, _ := batch.Head()
	b, err := loadBook(l, batch, head)
	if err != nil {
		return res, ledgerFault(l, err)
	}
	clock.done("load")
	b.PackOnLoad()
	b.SetFinder(finderOf(batch.Lookup))
	err = events(batch, func(p pending) error {
		body := p.body
		if body == nil {
			body = quota.CanonicalBody(p.ev.Body)
		}
		var old *ledger.Entry
		var exists bool
		if p.enc.Valid() {
			old, exists, err = batch.LookupEncoded(&p.enc)
		} else {
			old, exists, err = batch.Lookup(p.ev.ID)
		}
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
		if p.enc.Valid() {
			_, _, err := batch.AppendEncoded(&p.enc)
			return err
		}
		en := entryOf(p.ev, body, actor, at)
		return batch.Append(&en)
	})
	if err != nil {
		return res, err
	}
	if path := os.Getenv("DEBTLEDGER_MEMPROFILE"); path != "" {
		writeHeapProfile(path)
	}
	clock.done("stream")
	if res.written > 0 {
		if err := batch.PutState(b.FinalRecords()); err != nil {
			return res, err
		}
	}
	clock.done("records")
	res.headSeq, res.headHash = batch.Head()
	return res, nil
}

// errDryRun rolls a checked write back.
var errDryRun = errors.New("dry run")

func sameContent(old *ledger.Entry, ev *quota.Event, body []byte) bool {
	return old.Type == ev.Type && old.Date == ev.Date.String() && old.Doc == ev.Doc && old.Memo == ev.Memo && bytes.Equal(old.Body, body)
}

// entryOf is the journal entry of an event.
func entryOf(ev *quota.Event, body []byte, actor, at string) ledger.Entry {
	return ledger.Entry{
		ID: ev.ID, Type: ev.Type, Date: ev.Date.String(), Doc: ev.Doc, Memo: ev.Memo,
		Body: body, Actor: actor, RecordedAt: at,
	}
}

// stampOf is who records and when, as stored on every entry of a write.
func (e *env) stampOf(c *cli.Context) (actor, at string) {
	return actorOf(c), e.now().UTC().Format(time.RFC3339)
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
