package main

import (
	"fmt"
	"os"
	"time"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
)

func main() {
	t0 := time.Now()
	l, err := ledger.Open(os.Args[1], ledger.Options{ReadOnly: true})
	if err != nil {
		panic(err)
	}
	t1 := time.Now()
	core, _, err := l.StateRecord(debt.CoreRecord)
	t2 := time.Now()
	b, err := debt.Load(core, func(n string) ([]byte, error) { r, _, err := l.StateRecord(n); return r, err })
	if err != nil {
		panic(err)
	}
	t3 := time.Now()
	units := b.Quota.Subtree(b.Quota.Root)
	b.NeedPrincipal(units...)
	t4 := time.Now()
	d, _ := quota.ParseDate("2030-06-30")
	r := b.Balance(b.Quota.Root, d, "")
	t5 := time.Now()
	fmt.Println("open", t1.Sub(t0), "core", t2.Sub(t1), len(core), "load", t3.Sub(t2), "principal", t4.Sub(t3), "balance", t5.Sub(t4), r.Subtree.Total)
	fmt.Println("bonds", len(b.Bonds), "projects", len(b.Projects), "reversed", len(b.Reversed))
}
