package ledger

import (
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncode(t *testing.T) {
	e := &Entry{
		Seq: 42, ID: "b-1", Type: "issue", Date: "2023-03-15", Doc: "新财预〔2023〕12号",
		Memo: "", Body: []byte(`{"amount":"1.00"}`), Actor: "alice",
		RecordedAt: "2026-11-27T14:55:53Z", Prev: [32]byte{1}, Hash: [32]byte{2},
	}
	want := `{"actor":"alice","body":{"amount":"1.00"},"date":"2023-03-15","doc":"新财预〔2023〕12号",` +
		`"id":"b-1","memo":"","recorded_at":"2026-11-27T14:55:53Z","seq":42,"type":"issue"}`
	assert.Equal(t, want, string(e.Encode()))
	assert.True(t, json.Valid(e.Encode()))

	prev := e.Prev
	assert.Equal(t, sha256.Sum256(append(prev[:], want...)), e.ComputeHash())
	e.Hash = [32]byte{3}
	assert.Equal(t, want, string(e.Encode()), "Hash is not encoded")
	e.Prev = [32]byte{}
	assert.Equal(t, want, string(e.Encode()), "Prev is not encoded, only hashed")
	assert.NotEqual(t, sha256.Sum256(append(prev[:], want...)), e.ComputeHash())
}

func TestEncodeEscaping(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi"`, `"say \"hi\""`},
		{`C:\dir`, `"C:\\dir"`},
		{"a\nb\rc\td", `"a\nb\rc\td"`},
		{"\x00\x01\x1f\x7f", `"\u0000\u0001\u001f` + "\x7f\""},
		{"\b\f", `"\u0008\u000c"`},
		{"县市（园区） ü \u2028", "\"县市（园区） ü \u2028\""},
		{"</script>&", `"</script>&"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			e := testEntry(1)
			e.Memo = tc.in
			enc := e.Encode()
			assert.Contains(t, string(enc), `,"memo":`+tc.want+`,`)
			var back struct{ Memo string }
			require.NoError(t, json.Unmarshal(enc, &back))
			assert.Equal(t, tc.in, back.Memo)
		})
	}
}

func TestStoredRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name string
		e    *Entry
	}{
		{"typical", testEntry(7)},
		{"empty strings", &Entry{ID: "x", Body: []byte(`{}`)}},
		{"escapes and unicode", &Entry{
			ID: "a:b.c-d_e", Type: "t\"", Date: "d\n", Doc: "文号\x01", Memo: `\\`,
			Body: []byte(`{"a":[1,-2.5e+3,true,false,null,{"b":"\u00e9\"\\"}], "c" : "é"}`), Actor: "é", RecordedAt: "r",
		}},
		{"long body", &Entry{ID: "long", Body: []byte(`{"k":"` + strings.Repeat("x", 100000) + `"}`)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.e.Seq, tc.e.Prev = 9, [32]byte{7}
			c := tc.e.content()
			require.NoError(t, c.check())
			val := make([]byte, 32+c.storedSize())
			copy(val, []byte("0123456789abcdef0123456789abcdef"))
			c.putStored(val[32:])
			got, err := decodeEntry(9, val, tc.e.Prev)
			require.NoError(t, err)
			copy(tc.e.Hash[:], val)
			assert.Equal(t, tc.e, got)
		})
	}
}

func TestParseStoredRefuses(t *testing.T) {
	good := func() []byte {
		c := testEntry(1).content()
		rec := make([]byte, c.storedSize())
		c.putStored(rec)
		return rec
	}
	// rec builds a record from raw fields, lengths one byte each.
	rec := func(fields ...string) []byte {
		var b []byte
		for _, f := range fields {
			b = append(b, byte(len(f)))
			b = append(b, f...)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		rec  []byte
		want string
	}{
		{"empty", nil, "bad length of field 0"},
		{"cut short", good()[:20], "runs past the end"},
		{"trailing byte", append(good(), 0), "trailing bytes"},
		{"padded length", append([]byte{0x80, 0x00}, good()[1:]...), "bad length of field 0"},
		{"overlong length", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, "bad length"},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, "runs past the end"},
		{"empty id", rec("a", "d", "", "", "", "", "t", "{}"), "empty id"},
		{"bad UTF-8", rec("\xff", "d", "", "i", "", "", "t", "{}"), "actor is not valid UTF-8"},
		{"bad body", rec("a", "d", "", "i", "", "", "t", "{,}"), "body is not one JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseStored(tc.rec)
			assert.ErrorContains(t, err, tc.want)
			_, err = decodeEntry(1, append(make([]byte, 32), tc.rec...), [32]byte{})
			assert.ErrorContains(t, err, tc.want)
		})
	}
	_, err := decodeEntry(1, make([]byte, 31), [32]byte{})
	assert.ErrorContains(t, err, "too short")
}

func TestValidObject(t *testing.T) {
	for _, tc := range []struct {
		in    string
		valid bool
	}{
		{`{}`, true},
		{`{"a":1}`, true},
		{`{ "a" : [ 1 , 2 ] , "b" : { } }`, true},
		{`{"a":-0.5e-10,"b":0,"c":1E+2,"d":[],"e":[[]],"f":"\u00e9\n\/"}`, true},
		{`{"a":true,"b":false,"c":null}`, true},
		{`{"é":"中文"}`, true},
		{`{"lone":"\ud800"}`, true}, // RFC 8259 grammar allows it; the caller's rules may not
		{``, false},
		{` {}`, false},
		{`{} `, false},
		{`[]`, false},
		{`"s"`, false},
		{`{`, false},
		{`{"a"}`, false},
		{`{"a":}`, false},
		{`{"a":1,}`, false},
		{`{,}`, false},
		{`{a:1}`, false},
		{`{"a":01}`, false},
		{`{"a":1.}`, false},
		{`{"a":.5}`, false},
		{`{"a":+1}`, false},
		{`{"a":1e}`, false},
		{`{"a":-}`, false},
		{`{"a":tru}`, false},
		{`{"a":nul}`, false},
		{`{"a":"\x"}`, false},
		{`{"a":"\u12"}`, false},
		{`{"a":"` + "\x01" + `"}`, false},
		{`{"a":"` + "\xff" + `"}`, false}, // not UTF-8
		{`{"a":"unterminated}`, false},
		{`{"a":[1 2]}`, false},
		{`{"a":1}}`, false},
		{strings.Repeat(`{"a":`, 1001) + `1` + strings.Repeat(`}`, 1001), false}, // too deep
		{strings.Repeat(`{"a":`, 999) + `1` + strings.Repeat(`}`, 999), true},
	} {
		assert.Equal(t, tc.valid, validObject([]byte(tc.in)), "%.60q", tc.in)
	}
}

// FuzzValidObject checks the hand-written validator against encoding/json.
func FuzzValidObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":[1,{"b":null}]}`, `{"a":"\u00e9"}`, `{"a":1e5}`, `{"a":"x`, `[]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := len(b) > 0 && b[0] == '{' && b[len(b)-1] == '}' && json.Valid(b) && utf8.Valid(b)
		if got := validObject(b); got != want && strings.Count(string(b), "{")+strings.Count(string(b), "[") < maxDepth {
			t.Fatalf("validObject(%q) = %v, encoding/json says %v", b, got, want)
		}
	})
}

// FuzzDecodeEntry feeds arbitrary bytes to the stored-record decoder: it
// must never panic, and whatever it accepts must store back to the very
// same bytes (one record, one spelling).
func FuzzDecodeEntry(f *testing.F) {
	c := testEntry(3).content()
	rec := make([]byte, c.storedSize())
	c.putStored(rec)
	f.Add(rec)
	f.Add([]byte{1, 'a', 0, 0, 1, 'i', 0, 0, 0, 2, '{', '}'})
	f.Fuzz(func(t *testing.T, rec []byte) {
		e, err := decodeEntry(1, append(make([]byte, 32), rec...), [32]byte{})
		if err != nil {
			return
		}
		c := e.content()
		again := make([]byte, c.storedSize())
		c.putStored(again)
		if string(again) != string(rec) {
			t.Fatalf("record %q decodes and stores back as %q", rec, again)
		}
		if !json.Valid(e.Encode()) {
			t.Fatalf("accepted record %q encodes to invalid JSON %q", rec, e.Encode())
		}
	})
}
