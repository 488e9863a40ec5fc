package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeLine: DecodeLine never panics; what it accepts has unique keys in
// every object, valid UTF-8 text, depth ≤ 8, and means the same as what
// encoding/json (the reference here, not in the decoder) reads from it.
// Conversely, a line encoding/json finds valid that breaks none of our extra
// rules must be accepted.
func FuzzDecodeLine(f *testing.F) {
	f.Add([]byte(jlBenchLine))
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, err := DecodeLine(b)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			if jlReferenceAccepts(b) {
				t.Fatalf("refused a line the rules allow: %v", err)
			}
			return
		}
		jlCheckUnique(t, fields)
		jlCheckDecoded(t, Value{Kind: Object, Fields: fields}, 1)
		if !utf8.Valid(b) {
			t.Fatalf("accepted invalid UTF-8")
		}
		if !json.Valid(b) {
			t.Fatalf("accepted a line encoding/json finds invalid")
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.UseNumber()
		var ref any
		if err := d.Decode(&ref); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if !jlSame(Value{Kind: Object, Fields: fields}, ref) {
			t.Fatalf("decoded %s, encoding/json %#v", jlDump(fields), ref)
		}
		// Through the Decoder too (a line without "\n" or a BOM of its own).
		if bytes.IndexByte(b, '\n') < 0 {
			dec := NewDecoder(bytes.NewReader(b), "fuzz")
			l, err := dec.Next()
			if err != nil {
				t.Fatalf("Decoder refused what DecodeLine accepted: %v", err)
			}
			if jlDump(l.Fields) != jlDump(fields) {
				t.Fatalf("Decoder and DecodeLine differ")
			}
			if _, err := dec.Next(); err != io.EOF {
				t.Fatalf("want io.EOF after the only line, got %v", err)
			}
		}
	})
}

func jlCheckDecoded(t *testing.T, v Value, depth int) {
	if depth > jsonlMaxDepth {
		t.Fatalf("nesting %d accepted", depth)
	}
	switch v.Kind {
	case String, Number, Bool:
		if !utf8.ValidString(v.Text) {
			t.Fatalf("invalid UTF-8 in %s %q", v.Kind, v.Text)
		}
	case Null:
	case Array:
		for _, it := range v.Items {
			jlCheckDecoded(t, it, depth+1)
		}
	case Object:
		for _, f := range v.Fields {
			if !utf8.ValidString(f.Key) {
				t.Fatalf("invalid UTF-8 in key %q", f.Key)
			}
			jlCheckDecoded(t, f.Value, depth+1)
		}
	default:
		t.Fatalf("bad kind %d", v.Kind)
	}
}

// jlSame compares a decoded value with encoding/json's (UseNumber) reading.
func jlSame(v Value, ref any) bool {
	switch r := ref.(type) {
	case string:
		return v.Kind == String && v.Text == r
	case json.Number:
		return v.Kind == Number && v.Text == string(r)
	case bool:
		return v.Kind == Bool && v.Text == map[bool]string{true: "true", false: "false"}[r]
	case nil:
		return v.Kind == Null
	case []any:
		if v.Kind != Array || len(v.Items) != len(r) {
			return false
		}
		for i := range r {
			if !jlSame(v.Items[i], r[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		if v.Kind != Object || len(v.Fields) != len(r) {
			return false
		}
		for _, f := range v.Fields {
			x, ok := r[f.Key]
			if !ok || !jlSame(f.Value, x) {
				return false
			}
		}
		return true
	}
	return false
}

// jlReferenceAccepts says whether b must be accepted, judged with
// encoding/json plus our extra rules: valid UTF-8, one object, depth ≤ 8,
// no duplicate keys. Lines that may hold a surrogate escape are not judged
// (encoding/json turns lone ones into U+FFFD instead of refusing them).
func jlReferenceAccepts(b []byte) bool {
	if !utf8.Valid(b) || !json.Valid(b) || bytes.HasPrefix(b, jsonlBOM) {
		return false
	}
	if lower := strings.ToLower(string(b)); strings.Contains(lower, `\ud`) {
		return false
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	if len(t) == 0 || t[0] != '{' {
		return false
	}
	d := json.NewDecoder(bytes.NewReader(b))
	err := jlWalk(d, 0)
	return err == nil
}

var errJLReject = errors.New("reject")

// jlWalk reads one value's tokens, failing on depth > 8 or a duplicate key.
func jlWalk(d *json.Decoder, depth int) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	if depth+1 > jsonlMaxDepth {
		return errJLReject
	}
	switch delim {
	case '{':
		seen := map[string]bool{}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return err
			}
			key := k.(string)
			if seen[key] {
				return errJLReject
			}
			seen[key] = true
			if err := jlWalk(d, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for d.More() {
			if err := jlWalk(d, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = d.Token() // the closing delimiter
	return err
}
