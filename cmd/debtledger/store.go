package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

// openLedger opens the --db ledger; read-only commands never change it.
func (e *env) openLedger(c *cli.Context, readOnly bool) (*ledger.Ledger, error) {
	l, err := ledger.Open(c.String("db"), ledger.Options{ReadOnly: readOnly, Timeout: e.lockTimeout})
	if err != nil {
		return nil, &exitError{code: exitBadInput, msg: err.Error(), cause: err}
	}
	return l, nil
}

// stateReader is where cached records are read: the ledger, or an open
// write batch.
type stateReader interface {
	StateRecord(key string) ([]byte, uint64, error)
}

// loadBook gives the derived state at the journal's head: the cached core
// record, with unit records read as they are needed, when the cache is
// current; else a replay.
func loadBook(l *ledger.Ledger, st stateReader, seq uint64) (*debt.Book, error) {
	core, at, err := st.StateRecord(debt.CoreRecord)
	if err == nil && at == seq && core != nil {
		b, err := debt.Load(core, func(name string) ([]byte, error) {
			rec, _, err := st.StateRecord(name)
			return rec, err
		})
		if err == nil {
			b.SetFinder(finderOf(l.Lookup))
			return b, nil
		}
	}
	if seq == 0 {
		b := debt.New()
		b.SetFinder(finderOf(l.Lookup))
		return b, nil
	}
	b, found := replay(l, false)
	if len(found) > 0 {
		return nil, fmt.Errorf("the journal does not replay (%s); run debtledger check", found[0].Message)
	}
	b.MarkAllDirty()
	return b, nil
}

// loadBookAtHead is loadBook for a reader outside any write.
func loadBookAtHead(l *ledger.Ledger) (*debt.Book, error) {
	seq, _, err := l.Head()
	if err != nil {
		return nil, err
	}
	return loadBook(l, l, seq)
}

// replay rebuilds the state from the journal. With collect, it goes on past
// a refused entry and returns every problem met; without, it stops at the
// first.
func replay(l *ledger.Ledger, collect bool) (*debt.Book, []violation) {
	b := debt.New()
	b.SetFinder(finderOf(l.Lookup))
	var found []violation
	err := l.Scan(1, func(en *ledger.Entry) error {
		ev, err := eventOf(en)
		if err == nil {
			err = b.Apply(ev)
		}
		if err != nil {
			found = append(found, violation{Rule: ruleOf(err), Message: fmt.Sprintf("entry %d (%s): %v", en.Seq, en.ID, err)})
			if !collect {
				return errStop
			}
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		found = append(found, violation{Rule: "journal", Message: err.Error()})
	}
	return b, found
}

var errStop = errors.New("stop")

type violation struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// ruleOf is the rule word a domain error starts with ("limit: …").
func ruleOf(err error) string {
	msg := err.Error()
	for i := 0; i < len(msg) && i < 24; i++ {
		if msg[i] == ':' {
			return msg[:i]
		}
		if msg[i] == ' ' {
			break
		}
	}
	return "event"
}

func finderOf(lookup func(string) (*ledger.Entry, bool, error)) func(string) (*quota.Event, error) {
	return func(id string) (*quota.Event, error) {
		en, ok, err := lookup(id)
		if err != nil || !ok {
			return nil, err
		}
		return eventOf(en)
	}
}

// eventOf decodes a stored entry back into its event.
func eventOf(en *ledger.Entry) (*quota.Event, error) {
	fields, err := ledger.DecodeLine(en.Body)
	if err != nil {
		return nil, fmt.Errorf("stored body: %v", err)
	}
	obj := objectOf(fields)
	obj["id"], obj["type"], obj["date"] = en.ID, en.Type, en.Date
	if en.Doc != "" {
		obj["doc"] = en.Doc
	}
	if en.Memo != "" {
		obj["memo"] = en.Memo
	}
	return debt.Decode(obj)
}

// objectOf turns a decoded JSON object into the plain values quota.Fields
// reads: strings, quota.Number, bool, nil, []any and map[string]any.
func objectOf(fields []ledger.Field) map[string]any {
	obj := make(map[string]any, len(fields)+5)
	for _, f := range fields {
		obj[f.Key] = valueOf(f.Value)
	}
	return obj
}

func valueOf(v ledger.Value) any {
	switch v.Kind {
	case ledger.String:
		return v.Text
	case ledger.Number:
		return quota.Number(v.Text)
	case ledger.Bool:
		return v.Text == "true"
	case ledger.Array:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = valueOf(it)
		}
		return out
	case ledger.Object:
		return objectOf(v.Fields)
	}
	return nil
}

// pending is an event decoded and waiting to be written, with where it
// came from for messages.
type pending struct {
	ev    *quota.Event
	where string // "FILE: line N" or the ledger path
	body  []byte // canonical body, when already computed
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
				return badInput("%s: id %s is already entry %d with different content", p.where, p.ev.ID, old.Seq)
			}
			if err := b.Apply(p.ev); err != nil {
				return badInput("%s: %v", p.where, err)
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
			if err := batch.PutState(b.Records(false)); err != nil {
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
