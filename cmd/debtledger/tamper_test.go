package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/shopspring/decimal"
	bolt "go.etcd.io/bbolt"
)

// scriptCommands are what an attacker or a second process does to a
// ledger file, for the scripts in testdata/script.
var scriptCommands = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	// tamper-entry DB SEQ: change one byte of a stored entry through bbolt.
	// truncate FILE SIZE cuts a file short, as a disk that filled up or a
	// copy interrupted would.
	"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: truncate FILE SIZE")
		}
		size, err := strconv.ParseInt(args[1], 10, 64)
		ts.Check(err)
		ts.Check(os.Truncate(ts.MkAbs(args[0]), size))
	},
	"tamper-entry": func(ts *testscript.TestScript, neg bool, args []string) {
		seq, err := strconv.ParseUint(args[1], 10, 64)
		ts.Check(err)
		ts.Check(boltUpdate(ts.MkAbs(args[0]), func(tx *bolt.Tx) error {
			j := tx.Bucket([]byte("journal"))
			key := make([]byte, 8)
			binary.BigEndian.PutUint64(key, seq)
			v := append([]byte(nil), j.Get(key)...)
			if len(v) == 0 {
				return fmt.Errorf("no entry %d", seq)
			}
			// The last byte is inside the canonical text: flip a bit of it.
			v[len(v)-2] ^= 1
			return j.Put(key, v)
		}))
	},
	// tamper-state DB: change one figure of the cached state consistently
	// (it still decodes), as someone editing the cache would.
	"tamper-state": func(ts *testscript.TestScript, neg bool, args []string) {
		ts.Check(boltUpdate(ts.MkAbs(args[0]), func(tx *bolt.Tx) error {
			st := tx.Bucket([]byte("state"))
			b, err := debt.Load(st.Get([]byte("r/"+debt.CoreRecord)), func(name string) ([]byte, error) {
				return append([]byte(nil), st.Get([]byte("r/"+name))...), nil
			})
			if err != nil {
				return err
			}
			if err := b.NeedAll(); err != nil {
				return err
			}
			for _, s := range b.Quota.Limit {
				s.Add(quota.NewDate(2023, 1, 1), decimal.NewFromInt(100))
			}
			for name, rec := range b.Records(true) {
				if err := st.Put([]byte("r/"+name), rec); err != nil {
					return err
				}
			}
			return nil
		}))
	},
	// old-layout DB: make the cached core record claim the layout of an
	// older version of debtledger, as an upgrade finds it.
	"old-layout": func(ts *testscript.TestScript, neg bool, args []string) {
		ts.Check(boltUpdate(ts.MkAbs(args[0]), func(tx *bolt.Tx) error {
			st := tx.Bucket([]byte("state"))
			core := st.Get([]byte("r/" + debt.CoreRecord))
			_, n := binary.Uvarint(core)
			old := append(binary.AppendUvarint(nil, 2), core[n:]...)
			return st.Put([]byte("r/"+debt.CoreRecord), old)
		}))
	},
	// rewrite-chain DB SEQ: rebuild the whole journal with entry SEQ's
	// memo changed and every hash recomputed: only an anchor catches it.
	"rewrite-chain": func(ts *testscript.TestScript, neg bool, args []string) {
		path := ts.MkAbs(args[0])
		seq, err := strconv.ParseUint(args[1], 10, 64)
		ts.Check(err)
		old, err := ledger.Open(path, ledger.Options{ReadOnly: true, Timeout: time.Second})
		ts.Check(err)
		var entries []*ledger.Entry
		ts.Check(old.Scan(1, func(e *ledger.Entry) error {
			c := *e
			c.Body = append([]byte(nil), e.Body...)
			if c.Seq == seq {
				c.Memo += "（改）"
			}
			entries = append(entries, &c)
			return nil
		}))
		records := map[string][]byte{}
		ts.Check(old.StateRecords(func(name string, rec []byte, _ uint64) error {
			records[name] = rec
			return nil
		}))
		ts.Check(old.Close())
		tmp := path + ".new"
		nl, err := ledger.Create(tmp)
		ts.Check(err)
		ts.Check(nl.Update(func(b *ledger.Batch) error {
			for _, e := range entries {
				if err := b.Append(e); err != nil {
					return err
				}
			}
			return b.PutState(records)
		}))
		ts.Check(nl.Close())
		ts.Check(os.Rename(tmp, path))
	},
}

func boltUpdate(path string, fn func(*bolt.Tx) error) error {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Update(fn)
}

// holdLock keeps a ledger open for writing for a while, as a long import in
// another process would.
func holdLock() {
	l, err := ledger.Open(os.Args[1], ledger.Options{Timeout: time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	d, _ := time.ParseDuration(os.Args[2])
	_ = l.Update(func(*ledger.Batch) error {
		fmt.Println("holding")
		time.Sleep(d)
		return nil
	})
	l.Close()
}
