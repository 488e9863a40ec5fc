package main

import (
	"fmt"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
)

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
