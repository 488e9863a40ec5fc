package main

import (
	"errors"
	"fmt"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
)

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
