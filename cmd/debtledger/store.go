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
	b, _, err := loadBookAhead(l)
	return b, err
}

// loadBookAhead is loadBookAtHead whose unit records can be read ahead,
// many in one transaction, through the reader it returns.
func loadBookAhead(l *ledger.Ledger) (*debt.Book, *readAhead, error) {
	seq, _, err := l.Head()
	if err != nil {
		return nil, nil, err
	}
	st := &readAhead{l: l}
	b, err := loadBook(l, st, seq)
	return b, st, err
}

// readAhead is a ledger's cached records, with those fetched ahead by
// fetch served from memory: a query over a few thousand units then costs
// one read transaction rather than one per unit.
type readAhead struct {
	l    *ledger.Ledger
	recs map[string][]byte
	seq  uint64
}

func (r *readAhead) StateRecord(name string) ([]byte, uint64, error) {
	if rec, ok := r.recs[name]; ok {
		return rec, r.seq, nil
	}
	return r.l.StateRecord(name)
}

// fetch reads the named records ahead.
func (r *readAhead) fetch(names []string) error {
	recs, seq, err := r.l.StateRecordList(names)
	if err != nil {
		return err
	}
	if r.recs == nil {
		r.recs = make(map[string][]byte, len(names))
	}
	for i, n := range names {
		r.recs[n] = recs[i]
	}
	r.seq = seq
	return nil
}

// replay rebuilds the state from the journal. With collect, it goes on past
// a refused entry and returns every problem met; without, it stops at the
// first.
//
// Reading and decoding the stored entries runs in a goroutine of its own,
// ahead of the single goroutine that applies them, so that on two cores
// the two halves overlap (as an import's do).
func replay(l *ledger.Ledger, collect bool) (*debt.Book, []violation) {
	b := debt.New()
	b.SetFinder(finderOf(l.Lookup))
	var found []violation
	type decoded struct {
		seq uint64
		id  string
		ev  *quota.Event
		err error
	}
	ch := make(chan []decoded, 8)
	done := make(chan struct{})
	var scanErr error
	go func() {
		defer close(ch)
		var members []quota.Member // reused: decoding keeps none of it
		chunk := make([]decoded, 0, 256)
		scanErr = l.Scan(1, func(en *ledger.Entry) error {
			d := decoded{seq: en.Seq, id: en.ID}
			d.ev, members, d.err = eventInto(en, members)
			chunk = append(chunk, d)
			if len(chunk) == cap(chunk) {
				select {
				case ch <- chunk:
				case <-done:
					return errStop
				}
				chunk = make([]decoded, 0, 256)
			}
			return nil
		})
		if len(chunk) > 0 {
			select {
			case ch <- chunk:
			case <-done:
			}
		}
	}()
	stopped := false
	for chunk := range ch {
		for _, d := range chunk {
			if stopped {
				break
			}
			err := d.err
			if err == nil {
				err = b.Apply(d.ev)
			}
			if err != nil {
				found = append(found, violation{Rule: ruleOf(err), Message: fmt.Sprintf("entry %d (%s): %v", d.seq, d.id, err)})
				if !collect {
					stopped = true
					close(done)
				}
			}
		}
	}
	if scanErr != nil && !errors.Is(scanErr, errStop) {
		found = append(found, violation{Rule: "journal", Message: scanErr.Error()})
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
	ev, _, err := eventInto(en, nil)
	return ev, err
}

// eventInto is eventOf with a buffer for the members, returned for the
// next call to reuse.
func eventInto(en *ledger.Entry, buf []quota.Member) (*quota.Event, []quota.Member, error) {
	fields, err := ledger.DecodeLine(en.Body)
	if err != nil {
		return nil, buf, fmt.Errorf("stored body: %v", err)
	}
	members := append(membersOf(fields, buf[:0]),
		quota.Member{Key: "id", Kind: quota.KindString, Text: en.ID},
		quota.Member{Key: "type", Kind: quota.KindString, Text: en.Type},
		quota.Member{Key: "date", Kind: quota.KindString, Text: en.Date})
	if en.Doc != "" {
		members = append(members, quota.Member{Key: "doc", Kind: quota.KindString, Text: en.Doc})
	}
	if en.Memo != "" {
		members = append(members, quota.Member{Key: "memo", Kind: quota.KindString, Text: en.Memo})
	}
	ev, err := quota.DecodeMembers(members, debt.EventTypes())
	return ev, members, err
}

// membersOf appends a decoded JSON object's members to dst, in the form
// quota.DecodeMembers reads: no allocation but for arrays and objects.
func membersOf(fields []ledger.Field, dst []quota.Member) []quota.Member {
	for _, f := range fields {
		m := quota.Member{Key: f.Key, Text: f.Value.Text}
		switch f.Value.Kind {
		case ledger.String:
			m.Kind = quota.KindString
		case ledger.Number:
			m.Kind = quota.KindNumber
		case ledger.Bool:
			m.Kind = quota.KindBool
		case ledger.Array:
			m.Kind, m.Value = quota.KindArray, valueOf(f.Value)
		case ledger.Object:
			m.Kind, m.Value = quota.KindObject, valueOf(f.Value)
		}
		dst = append(dst, m)
	}
	return dst
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
