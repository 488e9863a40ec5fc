package main

import (
	"fmt"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/urfave/cli/v2"
)

// openLedger opens the --db ledger; read-only commands never change it.
// openLedger opens the ledger; checkPages walks its page trees first (see
// ledger.Options), for commands that read it whole or build on it.
func (e *env) openLedger(c *cli.Context, readOnly, checkPages bool) (*ledger.Ledger, error) {
	return e.openLedgerWith(c, ledger.Options{ReadOnly: readOnly, CheckPages: checkPages})
}

// openLedgerWith is openLedger with the ledger's options; the lock wait is
// the command's.
func (e *env) openLedgerWith(c *cli.Context, opt ledger.Options) (*ledger.Ledger, error) {
	opt.Timeout = e.lockTimeout
	l, err := ledger.Open(c.String("db"), opt)
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
	return loadBookWith(l, st, seq, debt.Load)
}

// loadBookWith is loadBook through a loader of the cached state: debt.Load,
// or debt.LoadTree for a query that needs only the unit tree up front.
func loadBookWith(l *ledger.Ledger, st stateReader, seq uint64, loader func([]byte, debt.Loader) (*debt.Book, error)) (*debt.Book, error) {
	core, at, err := st.StateRecord(debt.CoreRecord)
	if err == nil && at == seq && core != nil {
		b, err := loader(core, func(name string) ([]byte, error) {
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
	b, _, err := loadBookAhead(l, debt.Load)
	return b, err
}

// loadBookAhead is loadBookAtHead whose unit records can be read ahead,
// many in one transaction, through the reader it returns.
func loadBookAhead(l *ledger.Ledger, loader func([]byte, debt.Loader) (*debt.Book, error)) (*debt.Book, *readAhead, error) {
	seq, _, err := l.Head()
	if err != nil {
		return nil, nil, err
	}
	st := &readAhead{l: l}
	b, err := loadBookWith(l, st, seq, loader)
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
