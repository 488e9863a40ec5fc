package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
)

var zero = quota.ZeroFen

// Close is the `close` event: the month and every earlier one are closed,
// so no later line may carry a date inside them.
type Close struct {
	Period quota.Period
}

func decodeClose(f *quota.Fields) quota.Body {
	c := &Close{}
	s := f.Enum("period")
	if f.Err() == nil {
		p, err := quota.ParsePeriod(s)
		if err != nil {
			f.Fail("field \"period\": %v", err)
		}
		c.Period = p
	}
	return c
}

func (c *Close) Canon(cn *quota.Canon) { cn.Str("period", c.Period.String()) }

func (b *Book) close(h *quota.Header, c *Close) error {
	if h.Date < c.Period.Last() {
		return fmt.Errorf("close: dated %s, before the last day of %s", h.Date, c.Period)
	}
	if last := c.Period.Last(); last > b.ClosedThrough {
		b.ClosedThrough = last
	}
	return nil
}

// Reconciled is the `reconciled` event: the outcome of a monthly 对账,
// written by `reconcile --record`. It moves no figure.
type Reconciled struct {
	Unit        string
	Period      quota.Period
	Scope       string
	Matched     bool
	Differences int
	Statement   string // SHA-256 of the statement file, hex
}

func decodeReconciled(f *quota.Fields) quota.Body {
	r := &Reconciled{Unit: f.Code("unit")}
	if s := f.Enum("period"); f.Err() == nil {
		p, err := quota.ParsePeriod(s)
		if err != nil {
			f.Fail("field \"period\": %v", err)
		}
		r.Period = p
	}
	r.Scope = f.Enum("scope", "own", "subtree")
	r.Matched = f.Bool("matched")
	r.Differences = f.Count("differences", 1_000_000_000)
	r.Statement = f.Enum("statement_sha256")
	if f.Err() == nil && !isSHA256(r.Statement) {
		f.Fail("field \"statement_sha256\": want 64 lowercase hex digits")
	}
	return r
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

func (r *Reconciled) Canon(c *quota.Canon) {
	c.Str("unit", r.Unit)
	c.Str("period", r.Period.String())
	c.Str("scope", r.Scope)
	c.Bool("matched", r.Matched)
	c.Int("differences", r.Differences)
	c.Str("statement_sha256", r.Statement)
}
