package debt

import (
	"fmt"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
)

// Book is the whole derived state of a ledger: what every query reads and
// every rule is checked against. It is rebuilt by applying the journal's
// events in order, and cached next to the journal.
type Book struct {
	Quota *quota.Book

	Bonds    map[string]*Bond
	BondRefs map[string]int
	// Holdings by unit, then bond: a national ledger has about a million,
	// and small maps per unit cost far less to build and search than one.
	Holdings map[string]map[string]*Holding
	// packed holds, by unit then bond, holdings read from the cache and
	// not yet used, still encoded (see packed.go).
	packed  map[string]*packedHoldings
	packing bool // PackOnLoad
	// packedUses are uses of bond funds read from the cache and not yet
	// used, still encoded (see packed.go).
	packedUses map[UseKey][]byte
	UnitBonds  map[string][]string // bonds each unit has ever held, sorted
	// Principal is each unit's own outstanding principal per debt kind.
	Principal map[quota.UnitKind]*quota.Series
	// Subtree is each unit's subtree principal per debt kind (subtree.go).
	Subtree map[quota.UnitKind]*quota.Series
	// RefBonds lists, per unit and kind, the unit's holdings of
	// refinancing bonds: their unapplied proceeds are credited against its
	// limit (rule 2). Derived from Holdings; never cached.
	RefBonds map[quota.UnitKind][]*Holding
	// refOrders is RefBonds ordered for limit checks (refs.go).
	refOrders map[quota.UnitKind]*refOrder

	Projects     map[string]*Project
	ProjectRefs  map[string]int
	Uses         map[UseKey]*Use
	UnitProjects map[string][]string

	Hidden  map[string]*HiddenDebt
	Planned map[PlanKey]*quota.Series
	Budgets map[BudgetKey]*quota.Series

	// ClosedThrough is the last day of the latest closed period.
	ClosedThrough quota.Date
	Reversed      map[string]quota.Date
	Entries       int

	// dates is CheckLimit's scratch list.
	dates []quota.Date

	// find looks up an earlier entry by id, for `reverse`.
	find func(id string) (*quota.Event, error)
	// load reads unit records from the cache on demand; loaded marks those
	// read, dirty those changed since (see persist.go).
	load            Loader
	loaded          map[string]bool
	loadedPrincipal map[string]bool
	loadedSubtree   map[string]bool
	unitRecordSize  map[string]int // the unit records as read, for Records
	catalogPending  bool           // LoadTree: the catalog is read with the first unit
	dirty           map[string]bool
	recentDirty     [2]string // see markDirty
	touched         []string  // Apply's list of units, reused
	dirtySubtree    map[string]bool
	chains          map[quota.UnitKind][]*quota.Series // see principalChain
}

// New is an empty book. find looks earlier entries up by id.
func New() *Book {
	b := &Book{
		Quota:        quota.NewBook(),
		Bonds:        map[string]*Bond{},
		BondRefs:     map[string]int{},
		Holdings:     map[string]map[string]*Holding{},
		UnitBonds:    map[string][]string{},
		Principal:    map[quota.UnitKind]*quota.Series{},
		Subtree:      map[quota.UnitKind]*quota.Series{},
		RefBonds:     map[quota.UnitKind][]*Holding{},
		refOrders:    map[quota.UnitKind]*refOrder{},
		Projects:     map[string]*Project{},
		ProjectRefs:  map[string]int{},
		Uses:         map[UseKey]*Use{},
		UnitProjects: map[string][]string{},
		Hidden:       map[string]*HiddenDebt{},
		Planned:      map[PlanKey]*quota.Series{},
		Budgets:      map[BudgetKey]*quota.Series{},
		Reversed:     map[string]quota.Date{},
		dirty:        map[string]bool{},
		dirtySubtree: map[string]bool{},
		chains:       map[quota.UnitKind][]*quota.Series{},
	}
	b.Quota.SetExposure(b)
	return b
}

// SetFinder tells the book how to look up earlier entries for `reverse`.
func (b *Book) SetFinder(find func(id string) (*quota.Event, error)) { b.find = find }

// Types are every event type of SPEC §4.
func Types() map[string]quota.Decoder {
	t := quota.Types()
	for name, dec := range map[string]quota.Decoder{
		"bond":           decodeBond,
		"opening":        decodeOpening,
		"onlend":         decodeOnLending,
		"repay":          decodeRepayment,
		"project":        decodeProject,
		"allocate":       decodeAllocation,
		"spend":          decodeSpending,
		"hidden_stock":   decodeHiddenStock,
		"hidden_plan":    decodeHiddenPlan,
		"hidden_resolve": decodeResolution,
		"budget":         decodeBudget,
		"reverse":        decodeReversal,
		"close":          decodeClose,
		"reconciled":     decodeReconciled,
	} {
		t[name] = dec
	}
	return t
}

// Decode validates one event line.
func Decode(obj map[string]any) (*quota.Event, error) { return quota.Decode(obj, eventTypes) }

// EventTypes are the decoders of Types, built once, for
// quota.DecodeMembers. Callers must not change the map.
func EventTypes() map[string]quota.Decoder { return eventTypes }

var eventTypes = Types()

// isRegistration: registrations exist from their line on and ignore closed
// periods (SPEC §4).
func isRegistration(body quota.Body) bool {
	switch body.(type) {
	case *quota.Registration, *Bond, *Project:
		return true
	}
	return false
}

// Apply checks an event against the book and books it. On error the book
// may be part-changed: callers discard it (a refused import writes nothing).
func (b *Book) Apply(ev *quota.Event) error {
	if !isRegistration(ev.Body) && ev.Date <= b.ClosedThrough {
		return fmt.Errorf("closed: %s is in a closed period (closed through %s)", ev.Date, b.ClosedThrough)
	}
	b.Entries++
	units, err := b.touches(ev, b.touched[:0])
	if err != nil {
		return err
	}
	b.touched = units
	if err := b.NeedUnits(units...); err != nil {
		return err
	}
	if err := b.needAncestry(units); err != nil {
		return err
	}
	for _, u := range units {
		b.markDirty(u)
	}
	h := &ev.Header
	switch e := ev.Body.(type) {
	case *quota.Registration:
		// A new unit: its records start empty, and are written.
		b.dirty[e.Code] = true
		b.dirtySubtree[e.Code] = true
		return b.Quota.Register(e)
	case *quota.OpeningLimit:
		return b.Quota.SetLimit(h, e)
	case *quota.Grant:
		return b.Quota.Give(h, e)
	case *Bond:
		return b.register(h, e)
	case *Opening:
		return b.open(h, e)
	case *OnLending:
		return b.onLend(h, e)
	case *Repayment:
		return b.repay(h, e)
	case *Project:
		return b.addProject(e)
	case *Allocation:
		return b.allocate(h, e)
	case *Spending:
		return b.spend(h, e)
	case *HiddenStock:
		return b.addHidden(h, e)
	case *HiddenPlan:
		return b.plan(h, e)
	case *Resolution:
		return b.resolve(h, e)
	case *Budget:
		return b.budget(h, e)
	case *Reversal:
		return b.reverse(h, e)
	case *Close:
		return b.close(h, e)
	case *Reconciled:
		_, err := b.Quota.Ref("reconciled", e.Unit)
		return err
	}
	return fmt.Errorf("%s: no effect defined", ev.Type)
}

// touches appends to dst the units whose figures an event may move.
func (b *Book) touches(ev *quota.Event, dst []string) ([]string, error) {
	switch e := ev.Body.(type) {
	case *quota.OpeningLimit:
		return append(dst, e.Unit), nil
	case *quota.Grant:
		return append(dst, e.To, e.From), nil
	case *Opening:
		return append(dst, e.Unit), nil
	case *OnLending:
		return append(dst, e.To, e.From), nil
	case *Repayment:
		return append(dst, e.Unit), nil
	case *Allocation:
		return b.projectUnit(dst, e.Project), nil
	case *Spending:
		return b.projectUnit(dst, e.Project), nil
	case *HiddenStock:
		return append(dst, e.Unit), nil
	case *HiddenPlan:
		return append(dst, e.Unit), nil
	case *Resolution:
		return append(dst, e.Unit), nil
	case *Budget:
		return append(dst, e.Unit), nil
	case *Reversal:
		if b.find == nil {
			return dst, nil
		}
		orig, err := b.find(e.Entry)
		if err != nil || orig == nil {
			return dst, err
		}
		return b.touches(orig, dst)
	}
	return dst, nil
}

func (b *Book) projectUnit(dst []string, code string) []string {
	if p := b.Projects[code]; p != nil {
		return append(dst, p.Unit)
	}
	return dst
}

// markDirty notes that a unit's records change. The last two units
// marked are remembered: consecutive events mostly name the same units
// (a parent on-lending a bond to each of its children in turn), and a
// string compare costs less than a look-up in a map of every unit.
func (b *Book) markDirty(u string) {
	if u == b.recentDirty[0] || u == b.recentDirty[1] {
		return
	}
	b.recentDirty[0], b.recentDirty[1] = u, b.recentDirty[0]
	if !b.dirty[u] { // a look-up costs less than an assignment
		b.dirty[u] = true
	}
}

// mustBeAfter: flows of a bond are not dated before its value date.
func (b *Book) bondFor(rule, code string, d quota.Date) (*Bond, error) {
	bond := b.Bonds[code]
	if bond == nil {
		return nil, fmt.Errorf("%s: bond %s is not registered", rule, code)
	}
	if d < bond.ValueDate {
		return nil, fmt.Errorf("%s: dated %s, before bond %s's value date %s", rule, d, code, bond.ValueDate)
	}
	b.BondRefs[code]++
	return bond, nil
}

func series[K comparable](m map[K]*quota.Series, k K) *quota.Series {
	s := m[k]
	if s == nil {
		s = &quota.Series{}
		m[k] = s
	}
	return s
}

// nonNegative checks that s stays ≥ 0 from d on.
func nonNegative(s *quota.Series, d quota.Date, fail func(min decimal.Decimal, at quota.Date) error) error {
	// NegativeFrom builds no decimal: the minimum is wanted only to say
	// why an entry is refused.
	if !s.NegativeFrom(d) {
		return nil
	}
	if min, at := s.MinFrom(d); min.IsNegative() {
		return fail(min, at)
	}
	return nil
}
