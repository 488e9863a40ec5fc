package quota

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/shopspring/decimal"
)

// Number is a JSON number kept as its literal text, so that an amount given
// as a number is read by the same rule as one given as a string (SPEC §2).
type Number string

// Header holds what every event carries besides its own fields.
type Header struct {
	ID   string
	Type string
	Date Date
	Doc  string
	Memo string
}

// Body is an event's own, validated fields.
type Body interface {
	// Canon writes the fields in canonical form: two events with the same
	// id are the same event exactly when their canonical forms are equal.
	Canon(c *Canon)
}

// Event is one validated line of the journal.
type Event struct {
	Header
	Body Body
}

// Decoder turns an event's fields into its Body; each event type has one.
type Decoder func(f *Fields) Body

// Decode validates a decoded JSON object against the event types given. The
// error is one line naming the rule; callers prefix file and line.
func Decode(obj map[string]any, types map[string]Decoder) (*Event, error) {
	return DecodeMembers(membersOf(obj, nil), types)
}

// DecodeMembers is Decode for an object given as its members, the form a
// JSON decoder hands out: it spares a map per line. members is not kept,
// so a caller may reuse it.
func DecodeMembers(members []Member, types map[string]Decoder) (*Event, error) {
	f := newFields(members)
	ev := &Event{}
	ev.ID = f.ID("id")
	ev.Type = f.Enum("type", "")
	if f.err != nil {
		return nil, f.err
	}
	dec, ok := types[ev.Type]
	if !ok {
		return nil, fmt.Errorf("type %q: unknown event type", ev.Type)
	}
	ev.Date = f.Date("date")
	ev.Doc = f.OptText("doc")
	ev.Memo = f.OptText("memo")
	if f.err != nil {
		return nil, f.err
	}
	ev.Body = dec(f)
	if f.err == nil {
		f.refuseUnknown()
	}
	if f.err != nil {
		return nil, f.err
	}
	return ev, nil
}

// Kind is the JSON type of a Member's value.
type Kind uint8

// The JSON kinds; null is the zero Kind.
const (
	KindNull Kind = iota
	KindString
	KindNumber
	KindBool
	KindArray
	KindObject
)

// Member is one field of an event's JSON object. Strings, numbers and
// booleans are held as text, so that a line's fields cost no allocation
// each; arrays and objects (rare: a bond's amortization) as the plain
// values Objects reads: []any of map[string]any, string, Number, bool, nil.
type Member struct {
	Key   string
	Kind  Kind
	Text  string // string: the text; number: the literal; boolean: "true" or "false"
	Value any    // array: []any; object: map[string]any
}

// MemberOf is the member for a plain value (string, Number, bool, nil,
// []any, map[string]any).
func MemberOf(key string, v any) Member {
	switch x := v.(type) {
	case string:
		return Member{Key: key, Kind: KindString, Text: x}
	case Number:
		return Member{Key: key, Kind: KindNumber, Text: string(x)}
	case bool:
		return Member{Key: key, Kind: KindBool, Text: strconv.FormatBool(x)}
	case []any:
		return Member{Key: key, Kind: KindArray, Value: x}
	case nil:
		return Member{Key: key}
	}
	return Member{Key: key, Kind: KindObject, Value: v}
}

func membersOf(obj map[string]any, dst []Member) []Member {
	for k, v := range obj {
		dst = append(dst, MemberOf(k, v))
	}
	return dst
}

// Fields hands out an event's fields by name and type, keeping the first
// error, so that a decoder reads like the table in SPEC §4.
type Fields struct {
	members []Member
	// used marks the members a decoder asked for; the rest are unknown.
	used    []bool
	usedBuf [16]bool
	err     error
}

// NewFields wraps a nested object (an amortization step).
func NewFields(obj map[string]any) *Fields { return newFields(membersOf(obj, nil)) }

func newFields(members []Member) *Fields {
	f := &Fields{members: members}
	if len(members) <= len(f.usedBuf) {
		f.used = f.usedBuf[:len(members)]
	} else {
		f.used = make([]bool, len(members))
	}
	return f
}

// Err is the first problem met.
func (f *Fields) Err() error { return f.err }

// Fail records a rule broken by the fields' combination.
func (f *Fields) Fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

func (f *Fields) refuseUnknown() {
	var unknown []string
	for i, m := range f.members {
		if !f.used[i] {
			unknown = append(unknown, m.Key)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		f.Fail("unknown field %q", unknown[0])
	}
}

// Done is the end of a nested object: unknown fields are refused.
func (f *Fields) Done() error {
	if f.err == nil {
		f.refuseUnknown()
	}
	return f.err
}

// get returns the member; ok is false when absent or null. An event has a
// handful of fields: a scan beats hashing.
func (f *Fields) get(key string, required bool) (Member, bool) {
	for i := range f.members {
		if f.members[i].Key == key {
			f.used[i] = true
			if f.members[i].Kind != KindNull {
				return f.members[i], true
			}
			break
		}
	}
	if required {
		f.Fail("missing field %q", key)
	}
	return Member{}, false
}

func (f *Fields) str(key string, required bool) (string, bool) {
	m, ok := f.get(key, required)
	if !ok {
		return "", false
	}
	if m.Kind != KindString {
		f.Fail("field %q: want a string, got %s", key, m.Kind.describe())
		return "", false
	}
	return m.Text, true
}

// numeric accepts a string or a JSON number's literal text.
func (f *Fields) numeric(key string, required bool) (string, bool) {
	m, ok := f.get(key, required)
	if !ok {
		return "", false
	}
	if m.Kind == KindString || m.Kind == KindNumber {
		return m.Text, true
	}
	f.Fail("field %q: want a number or a string, got %s", key, m.Kind.describe())
	return "", false
}

func (k Kind) describe() string {
	switch k {
	case KindString:
		return "a string"
	case KindNumber:
		return "a number"
	case KindBool:
		return "a boolean"
	case KindArray:
		return "an array"
	case KindObject:
		return "an object"
	}
	return "null"
}

func jsonKind(v any) string { return MemberOf("", v).Kind.describe() }

// ID reads an entry id.
func (f *Fields) ID(key string) string {
	s, ok := f.str(key, true)
	if ok && !ValidID(s) {
		f.Fail("field %q: %s is not an id (1-64 of 0-9 A-Z a-z _ . : -)", key, Quoted(s))
	}
	return s
}

// Code reads a required unit, bond or project code.
func (f *Fields) Code(key string) string {
	s, ok := f.str(key, true)
	if ok {
		f.checkCode(key, s)
	}
	return s
}

// OptCode reads an optional code; "" when absent.
func (f *Fields) OptCode(key string) string {
	s, ok := f.str(key, false)
	if ok {
		f.checkCode(key, s)
	}
	return s
}

func (f *Fields) checkCode(key, s string) {
	if !ValidCode(s) {
		f.Fail("field %q: %s is not a code (1-32 of 0-9 A-Z a-z _ . -)", key, Quoted(s))
	}
}

// Text reads required free text that must not be blank.
func (f *Fields) Text(key string) string {
	s, ok := f.str(key, true)
	if ok {
		if err := CheckText(key, s, true); err != nil {
			f.Fail("field %v", err)
		}
	}
	return s
}

// OptText reads optional free text; "" when absent.
func (f *Fields) OptText(key string) string {
	s, ok := f.str(key, false)
	if ok {
		if err := CheckText(key, s, false); err != nil {
			f.Fail("field %v", err)
		}
	}
	return s
}

// Enum reads a string that must be one of allowed (any, when none given).
func (f *Fields) Enum(key string, allowed ...string) string {
	s, ok := f.str(key, true)
	if !ok || len(allowed) == 0 || allowed[0] == "" {
		return s
	}
	for _, a := range allowed {
		if s == a {
			return s
		}
	}
	f.Fail("field %q: %s is not one of %s", key, Quoted(s), strings.Join(allowed, ", "))
	return s
}

// Date reads a required date.
func (f *Fields) Date(key string) Date {
	s, ok := f.str(key, true)
	if !ok {
		return 0
	}
	d, err := ParseDate(s)
	if err != nil {
		f.Fail("field %q: %v", key, err)
	}
	return d
}

// Amount reads a required amount.
func (f *Fields) Amount(key string) decimal.Decimal {
	a, _ := f.amount(key, true)
	return a
}

// OptAmount reads an optional amount; zero when absent.
func (f *Fields) OptAmount(key string) decimal.Decimal {
	a, _ := f.amount(key, false)
	return a
}

func (f *Fields) amount(key string, required bool) (decimal.Decimal, bool) {
	s, ok := f.numeric(key, required)
	if !ok {
		return decimal.Decimal{}, false
	}
	a, err := ParseAmount(s)
	if err != nil {
		f.Fail("field %q: %v", key, err)
	}
	return a, true
}

// Rate reads a rate or percent.
func (f *Fields) Rate(key string) decimal.Decimal {
	s, ok := f.numeric(key, true)
	if !ok {
		return decimal.Decimal{}
	}
	r, err := ParseRate(key, s)
	if err != nil {
		f.Fail("field %v", err)
	}
	return r
}

// Int reads a JSON integer or digit string within [min, max].
func (f *Fields) Int(key string, min, max int) int {
	s, ok := f.numeric(key, true)
	if !ok {
		return 0
	}
	if s == "" || len(s) > 9 || !allDigits(s) {
		f.Fail("field %q: %s is not a whole number", key, Quoted(s))
		return 0
	}
	n := atoi(s)
	if n < min || n > max {
		f.Fail("field %q: %d is not within %d-%d", key, n, min, max)
	}
	return n
}

// Bool reads a JSON boolean: SPEC §4 types `matched` as a bool, and only
// numbers may come as strings (§2).
func (f *Fields) Bool(key string) bool {
	m, ok := f.get(key, true)
	if !ok {
		return false
	}
	if m.Kind == KindBool && (m.Text == "true" || m.Text == "false") {
		return m.Text == "true"
	}
	f.Fail("field %q: want true or false, got %s", key, m.Kind.describe())
	return false
}

// Count reads a whole number in [0, max] given as a JSON number: SPEC §2
// accepts digit strings for `year` and `month` (Int) only.
func (f *Fields) Count(key string, max int) int {
	m, ok := f.get(key, true)
	if !ok {
		return 0
	}
	if m.Kind != KindNumber {
		f.Fail("field %q: want a whole number, got %s", key, m.Kind.describe())
		return 0
	}
	return f.Int(key, 0, max)
}

// Objects reads an optional array of objects; nil when absent.
func (f *Fields) Objects(key string) []map[string]any {
	m, ok := f.get(key, false)
	if !ok {
		return nil
	}
	arr, isArr := m.Value.([]any)
	if m.Kind != KindArray || !isArr {
		f.Fail("field %q: want an array, got %s", key, m.Kind.describe())
		return nil
	}
	out := make([]map[string]any, 0, len(arr))
	for i, item := range arr {
		obj, isObj := item.(map[string]any)
		if !isObj {
			f.Fail("field %q: item %d: want an object, got %s", key, i+1, jsonKind(item))
			return nil
		}
		out = append(out, obj)
	}
	return out
}

// Canon collects an event body's fields in canonical form: each value is
// written once into one buffer, and JSON sorts the keys.
type Canon struct {
	fields []canonField
	buf    []byte
}

// canonField is a key and where its canonical value lies in Canon.buf.
type canonField struct {
	key    string
	lo, hi int
}

func (c *Canon) start(key string) { c.fields = append(c.fields, canonField{key: key, lo: len(c.buf)}) }
func (c *Canon) end()             { c.fields[len(c.fields)-1].hi = len(c.buf) }

// Str adds a string field; empty strings are left out, as absent ones are.
func (c *Canon) Str(key, v string) {
	if v != "" {
		c.start(key)
		c.buf = appendJSONString(c.buf, v)
		c.end()
	}
}

// Amount adds an amount, always written with two decimals.
func (c *Canon) Amount(key string, v decimal.Decimal) {
	c.start(key)
	c.buf = append(c.buf, '"')
	c.buf = AppendAmount(c.buf, v)
	c.buf = append(c.buf, '"')
	c.end()
}

// Rate adds a rate or percent, compared by value.
func (c *Canon) Rate(key string, v decimal.Decimal) {
	c.Raw(key, `"`+v.StringFixed(4)+`"`)
}

// Int adds a whole number.
func (c *Canon) Int(key string, v int) {
	c.start(key)
	c.buf = strconv.AppendInt(c.buf, int64(v), 10)
	c.end()
}

// Bool adds a boolean.
func (c *Canon) Bool(key string, v bool) {
	c.start(key)
	c.buf = strconv.AppendBool(c.buf, v)
	c.end()
}

// Raw adds an already canonical JSON value.
func (c *Canon) Raw(key, json string) {
	c.start(key)
	c.buf = append(c.buf, json...)
	c.end()
}

// JSON is the canonical object: keys sorted, values normalised.
func (c *Canon) JSON() []byte {
	fs := c.fields
	size := 2
	for _, f := range fs {
		size += len(f.key) + f.hi - f.lo + 4
	}
	// A body has a handful of fields: insertion sort beats sort.Slice.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].key < fs[j-1].key; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for k, f := range fs {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, f.key...)
		b = append(b, '"', ':')
		b = append(b, c.buf[f.lo:f.hi]...)
	}
	return append(b, '}')
}

// canons recycles Canon buffers: every line of an import and of a replay
// builds one.
var canons = sync.Pool{New: func() any { return &Canon{buf: make([]byte, 0, 256)} }}

// CanonicalBody is the canonical JSON of an event's own fields.
func CanonicalBody(b Body) []byte {
	c := canons.Get().(*Canon)
	c.fields, c.buf = c.fields[:0], c.buf[:0]
	b.Canon(c)
	out := c.JSON()
	canons.Put(c)
	return out
}

// appendJSONString quotes s as JSON: text is valid UTF-8 without control
// characters (CheckText), so only quotes and backslashes need escaping,
// and every other character stays as written.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}
