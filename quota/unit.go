package quota

import (
	"fmt"
	"sort"
)

// Unit is a government in the tree: the ledger's own government at the
// root (its own holdings are the 州本级), counties and parks below it.
type Unit struct {
	Code     string
	Name     string
	Parent   string
	Children []string
	// Refs counts entries that name the unit, which pins its registration.
	Refs int
	// BondEvents marks a unit that has had an opening, on-lending or
	// repayment; a `limit` must come before that.
	BondEvents bool
}

// Registration is the `unit` event.
type Registration struct {
	Code, Name, Parent string
}

func decodeUnit(f *Fields) Body {
	return &Registration{Code: f.Code("code"), Name: f.Text("name"), Parent: f.OptCode("parent")}
}

func (r *Registration) Canon(c *Canon) {
	c.Str("code", r.Code)
	c.Str("name", r.Name)
	c.Str("parent", r.Parent)
}

// Register adds a unit: one root per ledger, the parent must exist, codes
// are unique.
func (b *Book) Register(r *Registration) error {
	if _, dup := b.Units[r.Code]; dup {
		return fmt.Errorf("unit: %s is already registered", r.Code)
	}
	if r.Parent == "" {
		if b.Root != "" {
			return fmt.Errorf("unit: %s has no parent, but the ledger already has its root %s", r.Code, b.Root)
		}
		b.Root = r.Code
	} else {
		p := b.Units[r.Parent]
		if p == nil {
			return fmt.Errorf("unit: parent %s of %s is not registered", r.Parent, r.Code)
		}
		p.Children = insertSorted(p.Children, r.Code)
		p.Refs++
	}
	b.Units[r.Code] = &Unit{Code: r.Code, Name: r.Name, Parent: r.Parent}
	return nil
}

// Unregister undoes a registration that nothing names.
func (b *Book) Unregister(r *Registration) error {
	if u := b.Units[r.Code]; u != nil && u.Refs > 0 {
		return fmt.Errorf("reverse: unit %s is named by %d other entries", r.Code, u.Refs)
	}
	delete(b.Units, r.Code)
	if r.Parent == "" {
		b.Root = ""
		return nil
	}
	if p := b.Units[r.Parent]; p != nil {
		p.Children = removeSorted(p.Children, r.Code)
		p.Refs--
	}
	return nil
}

// Ref notes that an entry names unit, which must be registered, and
// returns it.
func (b *Book) Ref(field, unit string) (*Unit, error) {
	u := b.Units[unit]
	if u == nil {
		return nil, fmt.Errorf("%s: unit %s is not registered", field, unit)
	}
	u.Refs++
	return u, nil
}

// Code is the registered string of a unit code, for use as a map key.
func (b *Book) Code(unit string) string {
	if u := b.Units[unit]; u != nil {
		return u.Code
	}
	return unit
}

// Has reports whether unit is registered.
func (b *Book) Has(unit string) bool { _, ok := b.Units[unit]; return ok }

// IsParent reports whether parent is child's parent.
func (b *Book) IsParent(parent, child string) bool {
	u := b.Units[child]
	return u != nil && u.Parent == parent
}

// Subtree lists unit and its descendants depth first, siblings in code order.
func (b *Book) Subtree(unit string) []string {
	var out []string
	var walk func(string)
	walk = func(c string) {
		out = append(out, c)
		if u := b.Units[c]; u != nil {
			for _, ch := range u.Children {
				walk(ch)
			}
		}
	}
	walk(unit)
	return out
}

// InSubtree reports whether unit lies in top's subtree.
func (b *Book) InSubtree(top, unit string) bool {
	for u := unit; u != ""; {
		if u == top {
			return true
		}
		n := b.Units[u]
		if n == nil {
			return false
		}
		u = n.Parent
	}
	return false
}

func insertSorted(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	list = append(list, "")
	copy(list[i+1:], list[i:])
	list[i] = s
	return list
}

func removeSorted(list []string, s string) []string {
	i := sort.SearchStrings(list, s)
	if i < len(list) && list[i] == s {
		return append(list[:i], list[i+1:]...)
	}
	return list
}
