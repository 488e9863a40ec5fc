package ledger

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Entry is one journal entry.
type Entry struct {
	Seq        uint64
	ID         string
	Type       string
	Date       string // YYYY-MM-DD business date
	Doc, Memo  string
	Body       []byte // canonical JSON object of the event's own fields; opaque here, stored verbatim
	Actor      string
	RecordedAt string // RFC3339 UTC, e.g. 2026-11-27T14:55:53Z
	Prev, Hash [32]byte
}

// Encode returns the canonical bytes of the entry: everything but Prev and
// Hash, as one JSON object with its keys in sorted order (actor, body, date,
// doc, id, memo, recorded_at, seq, type), no white space, Body embedded
// verbatim. The entry's hash is SHA-256(Prev || Encode()).
//
// Strings are escaped one way only (\" \\ \n \r \t, other control
// characters as \u00xx, everything else including non-ASCII UTF-8 as is), so
// equal entries always encode to equal bytes. An empty Body encodes as null;
// Append never stores one.
func (e *Entry) Encode() []byte {
	c := e.content()
	return c.appendCanonical(make([]byte, 0, c.canonicalSize()), e.Seq)
}

// ComputeHash returns SHA-256(Prev || Encode()).
func (e *Entry) ComputeHash() [32]byte {
	c := e.content()
	buf := make([]byte, 0, len(e.Prev)+c.canonicalSize())
	buf = append(buf, e.Prev[:]...)
	return sha256.Sum256(c.appendCanonical(buf, e.Seq))
}

func (e *Entry) content() content[string] {
	return content[string]{
		Actor: e.Actor, Date: e.Date, Doc: e.Doc, ID: e.ID, Memo: e.Memo,
		RecordedAt: e.RecordedAt, Type: e.Type, Body: e.Body,
	}
}

// content is an entry's hashed fields apart from its sequence number. It is
// generic so that the same encoder serves an Entry being appended (strings)
// and a stored record being verified (views into the file, no copies).
type content[T string | []byte] struct {
	Actor, Date, Doc, ID, Memo, RecordedAt, Type T
	Body                                         []byte
}

// canonicalSize is a capacity hint for appendCanonical: exact when no string
// needs escaping.
func (c *content[T]) canonicalSize() int {
	const keys = len(`{"actor":"","body":,"date":"","doc":"","id":"","memo":"","recorded_at":"","seq":,"type":""}`)
	return keys + 20 + max(len(c.Body), 4) + len(c.Actor) + len(c.Date) + len(c.Doc) +
		len(c.ID) + len(c.Memo) + len(c.RecordedAt) + len(c.Type)
}

func (c *content[T]) appendCanonical(dst []byte, seq uint64) []byte {
	dst = append(dst, `{"actor":`...)
	dst = appendJSONString(dst, c.Actor)
	dst = append(dst, `,"body":`...)
	if len(c.Body) == 0 {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, c.Body...)
	}
	dst = append(dst, `,"date":`...)
	dst = appendJSONString(dst, c.Date)
	dst = append(dst, `,"doc":`...)
	dst = appendJSONString(dst, c.Doc)
	dst = append(dst, `,"id":`...)
	dst = appendJSONString(dst, c.ID)
	dst = append(dst, `,"memo":`...)
	dst = appendJSONString(dst, c.Memo)
	dst = append(dst, `,"recorded_at":`...)
	dst = appendJSONString(dst, c.RecordedAt)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendUint(dst, seq, 10)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, c.Type)
	return append(dst, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Only what JSON requires is
// escaped, always the same way, so that the encoding is canonical.
func appendJSONString[T string | []byte](dst []byte, s T) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// check refuses what could not be stored and read back as the same entry:
// the id is the index key, so it must be non-empty and within bbolt's key
// limit; strings must be UTF-8 and the body one JSON object, so that
// Encode is valid JSON and no two different entries share an encoding.
func (c *content[T]) check() error {
	if len(c.ID) == 0 {
		return errors.New("empty id")
	}
	if len(c.ID) > maxIDLen {
		return fmt.Errorf("id longer than %d bytes", maxIDLen)
	}
	for _, f := range [...]struct {
		name string
		v    T
	}{
		{"actor", c.Actor}, {"date", c.Date}, {"doc", c.Doc}, {"id", c.ID},
		{"memo", c.Memo}, {"recorded_at", c.RecordedAt}, {"type", c.Type},
	} {
		if !validUTF8(f.v) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	if !validObject(c.Body) {
		return errors.New("body is not one JSON object")
	}
	return nil
}

// maxIDLen is bbolt's key size limit: the id is a key of the ids bucket.
const maxIDLen = 32768

func validUTF8[T string | []byte](s T) bool {
	switch v := any(s).(type) {
	case string:
		return utf8.ValidString(v)
	case []byte:
		return utf8.Valid(v)
	}
	return false
}

// Stored form. A journal value is the entry's 32-byte hash followed by its
// fields, each as a uvarint length and the raw bytes, in this order: actor,
// date, doc, id, memo, recorded_at, type, body. The sequence number is the
// key and the previous hash is the previous value's first 32 bytes, so
// neither is repeated. This is about 80 bytes an entry smaller than storing
// the JSON encoding and needs no unescaping to read; Verify rebuilds the
// canonical encoding from it to check the hash.
const (
	fActor = iota
	fDate
	fDoc
	fID
	fMemo
	fRecordedAt
	fType
	fBody
	numFields
)

// span locates one field inside a stored record.
type span struct{ lo, hi int }

func (c *content[T]) storedSize() int {
	n := 0
	for _, l := range [numFields]int{len(c.Actor), len(c.Date), len(c.Doc), len(c.ID),
		len(c.Memo), len(c.RecordedAt), len(c.Type), len(c.Body)} {
		n += uvarintLen(uint64(l)) + l
	}
	return n
}

// putStored writes the stored form into dst, which has exactly storedSize bytes.
func (c *content[T]) putStored(dst []byte) {
	i := 0
	put := func(s T) {
		i += binary.PutUvarint(dst[i:], uint64(len(s)))
		i += copy(dst[i:], s)
	}
	put(c.Actor)
	put(c.Date)
	put(c.Doc)
	put(c.ID)
	put(c.Memo)
	put(c.RecordedAt)
	put(c.Type)
	i += binary.PutUvarint(dst[i:], uint64(len(c.Body)))
	copy(dst[i:], c.Body)
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// parseStored splits a stored record (the value after its hash) into its
// fields and checks everything Append guarantees, so that a damaged or
// forged record is an error here rather than a surprise later.
func parseStored(rec []byte) (sp [numFields]span, err error) {
	i := 0
	for f := range numFields {
		n, w := binary.Uvarint(rec[i:])
		// w > 1 with a zero last byte is a padded (non-minimal) length: a
		// second spelling of the same record, refused to keep it canonical.
		if w <= 0 || (w > 1 && rec[i+w-1] == 0) {
			return sp, fmt.Errorf("bad length of field %d", f)
		}
		i += w
		if n > uint64(len(rec)-i) {
			return sp, fmt.Errorf("field %d runs past the end of the record", f)
		}
		sp[f] = span{i, i + int(n)}
		i += int(n)
	}
	if i != len(rec) {
		return sp, errors.New("trailing bytes after the record")
	}
	c := viewStored(rec, &sp)
	if err := c.check(); err != nil {
		return sp, err
	}
	return sp, nil
}

// viewStored returns the fields of a parsed record as views into rec.
func viewStored(rec []byte, sp *[numFields]span) content[[]byte] {
	f := func(i int) []byte { return rec[sp[i].lo:sp[i].hi] }
	return content[[]byte]{
		Actor: f(fActor), Date: f(fDate), Doc: f(fDoc), ID: f(fID), Memo: f(fMemo),
		RecordedAt: f(fRecordedAt), Type: f(fType), Body: f(fBody),
	}
}

// decodeEntry builds an Entry from a stored journal value. Everything is
// copied out of val (which lives in the memory-mapped file) with two
// allocations: one string holding all the text fields, sliced without
// copying, and the body.
func decodeEntry(seq uint64, val []byte, prev [32]byte) (*Entry, error) {
	if len(val) < len(prev) {
		return nil, errors.New("stored value too short")
	}
	rec := val[len(prev):]
	sp, err := parseStored(rec)
	if err != nil {
		return nil, err
	}
	text := string(rec[:sp[fBody].lo])
	f := func(i int) string { return text[sp[i].lo:sp[i].hi] }
	e := &Entry{
		Seq: seq, Actor: f(fActor), Date: f(fDate), Doc: f(fDoc), ID: f(fID), Memo: f(fMemo),
		RecordedAt: f(fRecordedAt), Type: f(fType),
		Body: append([]byte(nil), rec[sp[fBody].lo:sp[fBody].hi]...),
		Prev: prev,
	}
	copy(e.Hash[:], val)
	return e, nil
}

// maxDepth bounds the nesting of a body, so that a hostile one cannot make
// the validator recurse without limit.
const maxDepth = 1000

// validObject reports whether b is exactly one JSON object (RFC 8259, no
// surrounding white space) whose strings are valid UTF-8. It is a small
// recursive-descent check, several times faster than encoding/json.Valid,
// which matters because every append and every read runs it.
func validObject(b []byte) bool {
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	end, ok := skipValue(b, 0, 0)
	return ok && end == len(b)
}

// skipValue returns the index just past the JSON value starting at b[i].
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return i, false
	}
	switch c := b[i]; {
	case c == '{':
		return skipObject(b, i, depth+1)
	case c == '[':
		return skipArray(b, i, depth+1)
	case c == '"':
		return skipString(b, i)
	case c == 't':
		return skipLiteral(b, i, "true")
	case c == 'f':
		return skipLiteral(b, i, "false")
	case c == 'n':
		return skipLiteral(b, i, "null")
	case c == '-' || (c >= '0' && c <= '9'):
		return skipNumber(b, i)
	}
	return i, false
}

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func skipObject(b []byte, i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, false
		}
		var ok bool
		if i, ok = skipString(b, i); !ok {
			return i, false
		}
		if i = skipWS(b, i); i >= len(b) || b[i] != ':' {
			return i, false
		}
		if i, ok = skipValue(b, skipWS(b, i+1), depth); !ok {
			return i, false
		}
		if i = skipWS(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case '}':
			return i + 1, true
		case ',':
			i = skipWS(b, i+1)
		default:
			return i, false
		}
	}
}

func skipArray(b []byte, i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = skipValue(b, i, depth); !ok {
			return i, false
		}
		if i = skipWS(b, i); i >= len(b) {
			return i, false
		}
		switch b[i] {
		case ']':
			return i + 1, true
		case ',':
			i = skipWS(b, i+1)
		default:
			return i, false
		}
	}
}

// skipString checks a JSON string starting at the quote b[i]: escapes as
// RFC 8259 allows, no raw control characters, valid UTF-8.
func skipString(b []byte, i int) (int, bool) {
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return i, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) || !isHex(b[i+5]) {
					return i, false
				}
				i += 6
			default:
				return i, false
			}
		case c < 0x20:
			return i, false
		case c < utf8.RuneSelf:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return i, false
			}
			i += size
		}
	}
	return i, false
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func skipLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, false
	}
	return i + len(lit), true
}

// skipNumber checks -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return i, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return j, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return j, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}
