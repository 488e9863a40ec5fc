package quota

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

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
	f := &Fields{obj: obj, used: make(map[string]bool, len(obj))}
	ev := &Event{}
	ev.ID = f.ID("id")
	ev.Type = f.Enum("type", "")
	if f.err != nil {
		return nil, f.err
	}
	dec, ok := types[ev.Type]
	if !ok {
		return nil, fmt.Errorf("type %s: unknown event type", Quoted(ev.Type))
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

// Fields hands out an event's fields by name and type, keeping the first
// error, so that a decoder reads like the table in SPEC §4.
type Fields struct {
	obj  map[string]any
	used map[string]bool
	err  error
}

// NewFields wraps a nested object (an amortization step).
func NewFields(obj map[string]any) *Fields {
	return &Fields{obj: obj, used: make(map[string]bool, len(obj))}
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
	for k := range f.obj {
		if !f.used[k] {
			unknown = append(unknown, k)
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

// get returns the raw value; ok is false when absent or null.
func (f *Fields) get(key string, required bool) (any, bool) {
	f.used[key] = true
	v, present := f.obj[key]
	if !present || v == nil {
		if required {
			f.Fail("missing field %q", key)
		}
		return nil, false
	}
	return v, true
}

func (f *Fields) str(key string, required bool) (string, bool) {
	v, ok := f.get(key, required)
	if !ok {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		f.Fail("field %q: want a string, got %s", key, jsonKind(v))
		return "", false
	}
	return s, true
}

// numeric accepts a string or a JSON number's literal text.
func (f *Fields) numeric(key string, required bool) (string, bool) {
	v, ok := f.get(key, required)
	if !ok {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case Number:
		return string(x), true
	}
	f.Fail("field %q: want a number or a string, got %s", key, jsonKind(v))
	return "", false
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case Number:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "null"
}

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

// Bool reads a JSON boolean (or "true"/"false").
func (f *Fields) Bool(key string) bool {
	v, ok := f.get(key, true)
	if !ok {
		return false
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(x); err == nil && (x == "true" || x == "false") {
			return b
		}
	}
	f.Fail("field %q: want true or false", key)
	return false
}

// Objects reads an optional array of objects; nil when absent.
func (f *Fields) Objects(key string) []map[string]any {
	v, ok := f.get(key, false)
	if !ok {
		return nil
	}
	arr, isArr := v.([]any)
	if !isArr {
		f.Fail("field %q: want an array, got %s", key, jsonKind(v))
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

// Canon collects an event body's fields in canonical form.
type Canon struct {
	keys []string
	vals []string
}

// Str adds a string field; empty strings are left out, as absent ones are.
func (c *Canon) Str(key, v string) {
	if v != "" {
		c.keys, c.vals = append(c.keys, key), append(c.vals, jsonString(v))
	}
}

// Amount adds an amount, always written with two decimals.
func (c *Canon) Amount(key string, v decimal.Decimal) {
	c.keys, c.vals = append(c.keys, key), append(c.vals, `"`+FormatAmount(v)+`"`)
}

// Rate adds a rate or percent, compared by value.
func (c *Canon) Rate(key string, v decimal.Decimal) {
	c.keys, c.vals = append(c.keys, key), append(c.vals, `"`+v.StringFixed(4)+`"`)
}

// Int adds a whole number.
func (c *Canon) Int(key string, v int) {
	c.keys, c.vals = append(c.keys, key), append(c.vals, strconv.Itoa(v))
}

// Bool adds a boolean.
func (c *Canon) Bool(key string, v bool) {
	c.keys, c.vals = append(c.keys, key), append(c.vals, strconv.FormatBool(v))
}

// Raw adds an already canonical JSON value.
func (c *Canon) Raw(key, json string) {
	c.keys, c.vals = append(c.keys, key), append(c.vals, json)
}

// JSON is the canonical object: keys sorted, values normalised.
func (c *Canon) JSON() []byte {
	n := len(c.keys)
	idx := make([]int, n)
	size := 2
	for i := range idx {
		idx[i] = i
		size += len(c.keys[i]) + len(c.vals[i]) + 4
	}
	// A body has a handful of fields: insertion sort beats sort.Slice.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && c.keys[idx[j]] < c.keys[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	b := make([]byte, 0, size)
	b = append(b, '{')
	for k, i := range idx {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, c.keys[i]...)
		b = append(b, '"', ':')
		b = append(b, c.vals[i]...)
	}
	return append(b, '}')
}

// CanonicalBody is the canonical JSON of an event's own fields.
func CanonicalBody(b Body) []byte {
	var c Canon
	b.Canon(&c)
	return c.JSON()
}

// jsonString quotes s as JSON: text is valid UTF-8 without control
// characters (CheckText), so only quotes and backslashes need escaping,
// and every other character stays as written.
func jsonString(s string) string {
	if !strings.ContainsAny(s, "\"\\") {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}
