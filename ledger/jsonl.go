package ledger

// A strict, allocation-frugal decoder for JSONL event files: one JSON object
// per physical line (SPEC §4). It does not use encoding/json because the
// ledger needs duplicate-key detection at every depth, the literal text of
// numbers (amounts are read from it, never through float64) and speed.
//
// Each line is copied once into a string; keys and values without escapes
// are substrings of it, so a typical line costs three allocations (the
// string, the top-level field slice and the *Line). UTF-8 is validated inside
// strings (the only place non-ASCII can be well-formed); any failed line is
// checked whole, so invalid UTF-8 is always reported as such.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ValueKind is the JSON type of a value.
type ValueKind uint8

// The JSON value kinds.
const (
	String ValueKind = iota + 1
	Number
	Bool
	Null
	Array
	Object
)

// String names the kind as a person says it: "string", "number", "boolean",
// "null", "array", "object".
func (k ValueKind) String() string {
	switch k {
	case String:
		return "string"
	case Number:
		return "number"
	case Bool:
		return "boolean"
	case Null:
		return "null"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return fmt.Sprintf("ValueKind(%d)", uint8(k))
}

// Value is one decoded JSON value.
type Value struct {
	Kind ValueKind
	// Text is, for String, the unescaped text; for Number, the literal as
	// written ("13.90", "1e9"); for Bool, "true" or "false"; else "".
	Text   string
	Items  []Value // Array; nil when empty
	Fields []Field // Object, in the order written; nil when empty
}

// Field is one member of a JSON object.
type Field struct {
	Key   string
	Value Value
}

// Line is one decoded event line.
type Line struct {
	No     int     // physical line number, 1-based
	Fields []Field // the top-level object's members in written order
}

// Get returns the value of the top-level member named key.
func (l *Line) Get(key string) (Value, bool) {
	for i := range l.Fields {
		if l.Fields[i].Key == key {
			return l.Fields[i].Value, true
		}
	}
	return Value{}, false
}

// LineError is the one-line message for a person: "FILE: line N: MSG".
type LineError struct {
	File string
	Line int
	Msg  string

	err error // underlying read error, if any
}

func (e *LineError) Error() string {
	if e.Line <= 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s: line %d: %s", e.File, e.Line, e.Msg)
}

// Unwrap returns the underlying I/O error of a "read error" LineError.
func (e *LineError) Unwrap() error { return e.err }

const (
	jsonlMaxLine  = 1 << 20 // bytes per line, without the line terminator
	jsonlMaxDepth = 8       // nesting of objects and arrays; the line's object is 1
	jsonlBufSize  = 64 << 10
	// Objects with more members than this check duplicates with a map.
	jsonlLinearKeys = 16
)

var jsonlBOM = []byte{0xEF, 0xBB, 0xBF}

// Decoder reads JSONL lines from a reader.
type Decoder struct {
	r    *bufio.Reader
	name string
	no   int    // physical number of the last line read
	long []byte // accumulates a line longer than the bufio buffer
	skip bool   // the rest of an over-long line is still to be discarded
	err  error  // sticky: io.EOF or a read error
	p    jsonlParser
}

// ReuseFields makes every Line share one slice of members: a Line's Fields
// are then valid only until the next call to Next. An import reads a
// million lines and keeps none of them, so it need not allocate one slice
// for each.
func (d *Decoder) ReuseFields() { d.p.reuse = true }

// NewDecoder reads lines from r; name is used in errors ("-" for stdin).
func NewDecoder(r io.Reader, name string) *Decoder {
	return &Decoder{r: bufio.NewReaderSize(r, jsonlBufSize), name: name}
}

// Next returns the next non-blank line, io.EOF at the end, or a *LineError.
// After a LineError about one line, Next goes on with the following line; a
// read error is returned again by every later call.
func (d *Decoder) Next() (*Line, error) {
	for {
		if d.err != nil {
			return nil, d.err
		}
		b, err := d.readLine()
		if err != nil {
			return nil, err
		}
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		if d.no == 1 && bytes.HasPrefix(b, jsonlBOM) {
			return nil, d.lineErr("byte-order mark at start of file: save the file as UTF-8 without BOM")
		}
		if len(b) > jsonlMaxLine {
			return nil, d.lineErr("line longer than 1 MiB")
		}
		if jsonlBlank(b) {
			continue
		}
		fields, err := d.p.decode(b)
		if err != nil {
			return nil, d.lineErr(err.Error())
		}
		return &Line{No: d.no, Fields: fields}, nil
	}
}

func (d *Decoder) lineErr(msg string) *LineError {
	return &LineError{File: d.name, Line: d.no, Msg: msg}
}

func (d *Decoder) readErr(err error) error {
	d.err = &LineError{File: d.name, Line: d.no + 1, Msg: "read error: " + err.Error(), err: err}
	return d.err
}

// readLine returns the next physical line without its "\n". The slice is
// valid until the next call. Memory stays bounded: a line longer than the
// limit is refused as soon as that is known and the rest of it is skipped
// (not stored) on the next call.
func (d *Decoder) readLine() ([]byte, error) {
	if d.skip {
		d.skip = false
		for {
			_, err := d.r.ReadSlice('\n')
			if err == nil {
				break
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				d.err = io.EOF
				return nil, io.EOF
			}
			return nil, d.readErr(err)
		}
	}
	d.long = d.long[:0]
	for {
		frag, err := d.r.ReadSlice('\n')
		switch err {
		case nil:
			d.no++
			frag = frag[:len(frag)-1]
			if len(d.long) == 0 {
				return frag, nil
			}
			d.long = append(d.long, frag...)
			return d.long, nil
		case bufio.ErrBufferFull:
			// No "\n" yet: the line is at least this long. One byte of slack
			// for a "\r" before the "\n".
			if len(d.long)+len(frag) > jsonlMaxLine+1 {
				d.no++
				d.skip = true
				return nil, d.lineErr("line longer than 1 MiB")
			}
			if d.long == nil {
				// Rare: one buffer big enough for any accepted line, reused.
				d.long = make([]byte, 0, jsonlMaxLine+1+jsonlBufSize)
			}
			d.long = append(d.long, frag...)
		case io.EOF:
			if len(frag) == 0 && len(d.long) == 0 {
				d.err = io.EOF
				return nil, io.EOF
			}
			d.no++
			d.err = io.EOF // returned by the call after this last line
			if len(d.long) == 0 {
				return frag, nil
			}
			d.long = append(d.long, frag...)
			return d.long, nil
		default:
			return nil, d.readErr(err)
		}
	}
}

// jsonlBlank reports whether b holds only spaces, tabs (and stray CRs).
func jsonlBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

var jsonlParsers = sync.Pool{New: func() any { return new(jsonlParser) }}

// DecodeLine decodes one line's bytes (no line terminator): exactly one JSON
// object, whitespace around it allowed. It returns the object's members in
// written order. The error message has no file/line prefix. The result does
// not alias b.
func DecodeLine(b []byte) ([]Field, error) {
	p := jsonlParsers.Get().(*jsonlParser)
	fields, err := p.decode(b)
	jsonlParsers.Put(p)
	return fields, err
}

// jsonlParser holds the scratch space reused from line to line.
type jsonlParser struct {
	s      string  // the line being decoded
	buf    []byte  // unescaping scratch
	fields []Field // stack of members of the objects being decoded
	items  []Value // stack of elements of the arrays being decoded
	keys   [jsonlMaxDepth + 1]map[string]struct{}
	topCap int // members of the last line's object: the next one's guess
	// reuse hands each line the same slice for its members (see
	// Decoder.ReuseFields); top is that slice.
	reuse bool
	top   []Field
}

// errJSONLUTF8 is replaced by a message with the column in decode.
var errJSONLUTF8 = errors.New("not valid UTF-8")

type jsonlError struct{ msg string }

func (e *jsonlError) Error() string { return e.msg }

func jsonlErrorf(format string, args ...any) error {
	return &jsonlError{msg: fmt.Sprintf(format, args...)}
}

// syntax reports a syntax error at byte offset i: what was wanted and what
// was found there.
func (p *jsonlParser) syntax(i int, want string) error {
	return jsonlErrorf("invalid JSON at column %d: want %s, got %s", i+1, want, jsonlDescribe(p.s, i))
}

func jsonlDescribe(s string, i int) string {
	if i >= len(s) {
		return "end of line"
	}
	c := s[i]
	if c < utf8.RuneSelf {
		if c < 0x20 || c == 0x7f {
			return fmt.Sprintf("control character U+%04X", c)
		}
		return fmt.Sprintf("'%c'", c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	if unicode.IsPrint(r) {
		return fmt.Sprintf("'%c'", r)
	}
	return fmt.Sprintf("U+%04X", r)
}

func (p *jsonlParser) decode(b []byte) ([]Field, error) {
	if len(b) > jsonlMaxLine {
		return nil, errors.New("line longer than 1 MiB")
	}
	if bytes.HasPrefix(b, jsonlBOM) {
		return nil, errors.New("byte-order mark (U+FEFF) at start of line: save the file as UTF-8 without BOM")
	}
	p.s = string(b)
	fields, err := p.line()
	p.s = ""
	if err != nil {
		// UTF-8 is validated where it can occur in a well-formed line,
		// inside strings; elsewhere a non-ASCII byte is a syntax error.
		// Whatever the error, an invalid line is reported as such.
		if !utf8.Valid(b) {
			err = jsonlErrorf("not valid UTF-8 at column %d", jsonlFirstInvalid(b)+1)
		}
		// Unwind what the failed line left on the stacks.
		clear(p.fields)
		clear(p.items)
		p.fields, p.items = p.fields[:0], p.items[:0]
	}
	return fields, err
}

func jsonlFirstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func (p *jsonlParser) line() ([]Field, error) {
	s := p.s
	i := p.ws(0)
	if i == len(s) {
		return nil, errors.New("want one JSON object per line, got an empty line")
	}
	var got string
	switch c := s[i]; {
	case c == '{':
		fields, j, err := p.object(i, 1)
		if err != nil {
			return nil, err
		}
		if j = p.ws(j); j != len(s) {
			return nil, jsonlErrorf("unexpected text after the object at column %d", j+1)
		}
		return fields, nil
	case c == '[':
		got = "an array"
	case c == '"':
		got = "a string"
	case c == '-' || c >= '0' && c <= '9':
		got = "a number"
	case c == 't' || c == 'f':
		got = "a boolean"
	case c == 'n':
		got = "null"
	default:
		return nil, p.syntax(i, "'{' to start the object")
	}
	return nil, errors.New("want one JSON object per line, got " + got)
}

func (p *jsonlParser) ws(i int) int {
	s := p.s
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// value decodes the value starting at s[i] (not whitespace) inside a
// container at the given depth into *dst, which must be the zero Value, and
// returns the offset after it. Writing in place (rather than returning a
// Value) spares a copy of the 72-byte struct per value.
func (p *jsonlParser) value(dst *Value, i, depth int) (int, error) {
	s := p.s
	if i >= len(s) {
		return i, p.syntax(i, "a value")
	}
	switch c := s[i]; c {
	case '"':
		t, j, err := p.str(i)
		dst.Kind, dst.Text = String, t
		return j, err
	case '{':
		f, j, err := p.object(i, depth+1)
		dst.Kind, dst.Fields = Object, f
		return j, err
	case '[':
		a, j, err := p.array(i, depth+1)
		dst.Kind, dst.Items = Array, a
		return j, err
	case 't':
		if len(s)-i >= 4 && s[i:i+4] == "true" {
			dst.Kind, dst.Text = Bool, "true"
			return i + 4, nil
		}
		return i, p.syntax(i, "true")
	case 'f':
		if len(s)-i >= 5 && s[i:i+5] == "false" {
			dst.Kind, dst.Text = Bool, "false"
			return i + 5, nil
		}
		return i, p.syntax(i, "false")
	case 'n':
		if len(s)-i >= 4 && s[i:i+4] == "null" {
			dst.Kind = Null
			return i + 4, nil
		}
		return i, p.syntax(i, "null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			j, err := p.number(i)
			dst.Kind, dst.Text = Number, s[i:j]
			return j, err
		}
		return i, p.syntax(i, "a value")
	}
}

func (p *jsonlParser) object(i, depth int) ([]Field, int, error) {
	if depth > jsonlMaxDepth {
		return nil, i, jsonlErrorf("nesting deeper than %d at column %d", jsonlMaxDepth, i+1)
	}
	s := p.s
	i = p.ws(i + 1)
	if i < len(s) && s[i] == '}' {
		return nil, i + 1, nil
	}
	// The line's own object is appended straight into its result, sized
	// from the lines before; nested ones go on the shared stack p.fields
	// and are copied out at their end.
	top := depth == 1
	var fields []Field
	if top {
		if p.reuse {
			fields = p.top[:0]
		} else {
			fields = make([]Field, 0, max(p.topCap, 4))
		}
	}
	base := len(p.fields)
	var set map[string]struct{}
	for {
		if i >= len(s) || s[i] != '"' {
			if len(fields)+len(p.fields)-base == 0 {
				return nil, i, p.syntax(i, "'\"' to start a key or '}'")
			}
			return nil, i, p.syntax(i, "'\"' to start a key")
		}
		ki := i
		key, j, err := p.str(i)
		if err != nil {
			return nil, j, err
		}
		// Duplicate keys: compare the unescaped keys.
		cur := fields
		if !top {
			cur = p.fields[base:]
		}
		if len(cur) < jsonlLinearKeys {
			for k := range cur {
				if cur[k].Key == key {
					return nil, ki, jsonlErrorf("duplicate key %q", key)
				}
			}
		} else {
			if set == nil {
				set = p.keySet(depth)
				for k := range cur {
					set[cur[k].Key] = struct{}{}
				}
			}
			if _, dup := set[key]; dup {
				return nil, ki, jsonlErrorf("duplicate key %q", key)
			}
			set[key] = struct{}{}
		}
		i = p.ws(j)
		if i >= len(s) || s[i] != ':' {
			return nil, i, p.syntax(i, "':' after key")
		}
		i = p.ws(i + 1)
		if top {
			// Decode straight into the result: nothing below appends to it.
			n := len(fields)
			if n == cap(fields) {
				fields = slices.Grow(fields, 1)
			}
			fields = fields[:n+1] // the new element is zero
			f := &fields[n]
			f.Key = key
			if j, err = p.value(&f.Value, i, depth); err != nil {
				return nil, j, err
			}
		} else {
			// Nested values may grow p.fields: decode into a local first.
			var v Value
			if j, err = p.value(&v, i, depth); err != nil {
				return nil, j, err
			}
			p.fields = append(p.fields, Field{Key: key, Value: v})
		}
		i = p.ws(j)
		if i < len(s) {
			if s[i] == ',' {
				i = p.ws(i + 1)
				continue
			}
			if s[i] == '}' {
				i++
				break
			}
		}
		return nil, i, p.syntax(i, "',' or '}' after an object member")
	}
	if set != nil {
		p.dropKeySet(depth, set)
	}
	if top {
		p.topCap = min(len(fields), 64)
		if p.reuse {
			p.top = fields
		}
		return fields, i, nil
	}
	out := make([]Field, len(p.fields)-base)
	copy(out, p.fields[base:])
	clear(p.fields[base:]) // drop references for the GC
	p.fields = p.fields[:base]
	return out, i, nil
}

// keySet returns an empty set for duplicate detection at the given depth.
func (p *jsonlParser) keySet(depth int) map[string]struct{} {
	m := p.keys[depth]
	if m == nil {
		m = make(map[string]struct{}, 4*jsonlLinearKeys)
		p.keys[depth] = m
	}
	clear(m)
	return m
}

func (p *jsonlParser) dropKeySet(depth int, m map[string]struct{}) {
	if len(m) > 1024 {
		p.keys[depth] = nil // do not keep a huge map around
		return
	}
	clear(m)
}

func (p *jsonlParser) array(i, depth int) ([]Value, int, error) {
	if depth > jsonlMaxDepth {
		return nil, i, jsonlErrorf("nesting deeper than %d at column %d", jsonlMaxDepth, i+1)
	}
	s := p.s
	i = p.ws(i + 1)
	if i < len(s) && s[i] == ']' {
		return nil, i + 1, nil
	}
	base := len(p.items)
	for {
		var v Value
		j, err := p.value(&v, i, depth)
		if err != nil {
			return nil, j, err
		}
		p.items = append(p.items, v)
		i = p.ws(j)
		if i < len(s) {
			if s[i] == ',' {
				i = p.ws(i + 1)
				continue
			}
			if s[i] == ']' {
				i++
				break
			}
		}
		return nil, i, p.syntax(i, "',' or ']' after an array element")
	}
	out := make([]Value, len(p.items)-base)
	copy(out, p.items[base:])
	clear(p.items[base:])
	p.items = p.items[:base]
	return out, i, nil
}

// number scans a number per the JSON grammar starting at s[i] ('-' or a
// digit) and returns the offset after it.
func (p *jsonlParser) number(i int) (int, error) {
	s := p.s
	j := i
	if s[j] == '-' {
		j++
	}
	switch {
	case j < len(s) && s[j] == '0':
		j++
		if j < len(s) && jsonlDigit(s[j]) {
			return j, jsonlErrorf("invalid JSON at column %d: number with a leading zero", i+1)
		}
	case j < len(s) && jsonlDigit(s[j]):
		j++
		for j < len(s) && jsonlDigit(s[j]) {
			j++
		}
	default:
		return j, p.syntax(j, "a digit after '-'")
	}
	if j < len(s) && s[j] == '.' {
		j++
		if j >= len(s) || !jsonlDigit(s[j]) {
			return j, p.syntax(j, "a digit after '.'")
		}
		for j < len(s) && jsonlDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j >= len(s) || !jsonlDigit(s[j]) {
			return j, p.syntax(j, "a digit in the exponent")
		}
		for j < len(s) && jsonlDigit(s[j]) {
			j++
		}
	}
	return j, nil
}

func jsonlDigit(c byte) bool { return c >= '0' && c <= '9' }

// str decodes the string starting at s[i] == '"' and returns its unescaped
// text and the offset after the closing quote. Without escapes the text is
// a substring of the line (no allocation).
func (p *jsonlParser) str(i int) (string, int, error) {
	s := p.s
	j := i + 1
	var hi uint64 // high bits of the bytes passed: non-ASCII text to validate
	// Skip 8 bytes at a time while none is '"', '\\' or a control character.
	for ; len(s)-j >= 8; j += 8 {
		w := uint64(s[j]) | uint64(s[j+1])<<8 | uint64(s[j+2])<<16 | uint64(s[j+3])<<24 |
			uint64(s[j+4])<<32 | uint64(s[j+5])<<40 | uint64(s[j+6])<<48 | uint64(s[j+7])<<56
		if jsonlSpecial(w) {
			break
		}
		hi |= w
	}
	for ; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			t := s[i+1 : j]
			if hi&jsonlHi != 0 && !utf8.ValidString(t) {
				return "", j, errJSONLUTF8
			}
			return t, j + 1, nil
		case c == '\\':
			return p.strEscaped(i, j, hi&jsonlHi != 0)
		case c < 0x20:
			return "", j, p.control(j)
		default:
			hi |= uint64(c)
		}
	}
	return "", len(s), jsonlErrorf("invalid JSON at column %d: string not closed before end of line", i+1)
}

const (
	jsonlLo = 0x0101010101010101
	jsonlHi = 0x8080808080808080
)

// jsonlSpecial reports whether any byte of w is '"', '\\' or below 0x20
// (exact: the classic has-zero-byte and has-less-than tricks).
func jsonlSpecial(w uint64) bool {
	q := w ^ (jsonlLo * '"')
	b := w ^ (jsonlLo * '\\')
	return ((q-jsonlLo)&^q|(b-jsonlLo)&^b|(w-jsonlLo*0x20)&^w)&jsonlHi != 0
}

func (p *jsonlParser) control(j int) error {
	return jsonlErrorf("invalid JSON at column %d: control character U+%04X in string (write it as an escape)", j+1, p.s[j])
}

// strEscaped continues str from the first backslash at s[j].
// nonASCII says whether s[i+1:j] has a byte >= 0x80.
func (p *jsonlParser) strEscaped(i, j int, nonASCII bool) (string, int, error) {
	s := p.s
	buf := append(p.buf[:0], s[i+1:j]...)
	for j < len(s) {
		c := s[j]
		switch {
		case c == '"':
			p.buf = buf
			// Escapes yield whole UTF-8 sequences, which neither complete
			// nor continue a broken raw one: validating buf is validating
			// the raw text.
			if nonASCII && !utf8.Valid(buf) {
				return "", j, errJSONLUTF8
			}
			return string(buf), j + 1, nil
		case c < 0x20:
			return "", j, p.control(j)
		case c != '\\':
			nonASCII = nonASCII || c >= utf8.RuneSelf
			buf = append(buf, c)
			j++
			continue
		}
		// An escape.
		if j+1 >= len(s) {
			return "", j + 1, p.syntax(j+1, "an escape character after '\\'")
		}
		switch s[j+1] {
		case '"', '\\', '/':
			buf = append(buf, s[j+1])
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, ok := jsonlHex4(s, j+2)
			if !ok {
				return "", j, jsonlErrorf("invalid JSON at column %d: want 4 hex digits after \\u", j+1)
			}
			switch {
			case r >= 0xD800 && r < 0xDC00:
				// A high surrogate must be followed by an escaped low one.
				if len(s)-j >= 12 && s[j+6] == '\\' && s[j+7] == 'u' {
					r2, ok := jsonlHex4(s, j+8)
					if !ok {
						return "", j + 6, jsonlErrorf("invalid JSON at column %d: want 4 hex digits after \\u", j+7)
					}
					if r2 >= 0xDC00 && r2 < 0xE000 {
						buf = utf8.AppendRune(buf, (r-0xD800)<<10+(r2-0xDC00)+0x10000)
						j += 12
						continue
					}
				}
				return "", j, jsonlErrorf("lone surrogate %s in string at column %d", s[j:j+6], j+1)
			case r >= 0xDC00 && r < 0xE000:
				return "", j, jsonlErrorf("lone surrogate %s in string at column %d", s[j:j+6], j+1)
			}
			buf = utf8.AppendRune(buf, r)
			j += 6
			continue
		default:
			return "", j, jsonlErrorf("invalid JSON at column %d: invalid escape '\\%s' in string", j+1, jsonlEscDescribe(s, j+1))
		}
		j += 2
	}
	p.buf = buf
	return "", len(s), jsonlErrorf("invalid JSON at column %d: string not closed before end of line", i+1)
}

func jsonlEscDescribe(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r < 0x20 || !unicode.IsPrint(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

func jsonlHex4(s string, i int) (rune, bool) {
	if len(s)-i < 4 {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
