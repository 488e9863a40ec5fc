package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hostile import files: each is refused (or, where SPEC §4 allows it,
// accepted) with one line naming the file, exit 2, nothing written, and
// never a panic.
func TestHostileImports(t *testing.T) {
	dir, db := smallLedger(t)
	ok := `{"id":"h-ok","type":"hidden_stock","date":"2023-07-01","unit":"652302","amount":"1"}`
	nested := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	cases := []struct {
		name    string
		content []byte
		code    int
		stderr  string
	}{
		{"a 10 MB line", []byte(`{"id":"x","memo":"` + strings.Repeat("a", 10<<20) + `"}`), 2, "line 1: line longer than 1 MiB"},
		{"deeply nested JSON", []byte(nested), 2, "line 1: nesting deeper than 8"},
		{"a 100,000-digit number", []byte(`{"id":"x","type":"hidden_stock","date":"2023-07-01","unit":"652302","amount":` + strings.Repeat("9", 100000) + `}`), 2, "above 10^15 yuan"},
		{"invalid UTF-8", []byte("{\"id\":\"x\",\"type\":\"unit\",\"date\":\"2023-07-01\",\"code\":\"1\",\"name\":\"\xff\xfe\"}"), 2, "not valid UTF-8"},
		{"a byte-order mark", append([]byte("\xef\xbb\xbf"), ok...), 2, "byte-order mark"},
		{"CRLF line ends", []byte(ok + "\r\n"), 0, ""},
		{"an empty file", nil, 0, ""},
		{"random bytes", bytes.Repeat([]byte{0x00, 0x9f, 0x42, 0x7b, 0xff}, 1000), 2, "line 1"},
		{"a JSON array", []byte(`[` + ok + `]`), 2, "got an array"},
		{"NUL characters", []byte("{\"id\":\"x\"\x00}"), 2, "line 1"},
		{"a NUL escape in text", []byte(`{"id":"x","type":"unit","date":"2023-07-01","code":"652399","name":"a\u0000b","parent":"6523"}`), 2, "control character"},
		{"duplicate keys", []byte(`{"id":"x","id":"y"}`), 2, `duplicate key "id"`},
		{"an impossible date", []byte(`{"id":"x","type":"hidden_stock","date":"2023-02-29","unit":"652302","amount":"1"}`), 2, "not a calendar date"},
		{"a lone surrogate", []byte(`{"id":"x","type":"unit","date":"2023-07-01","code":"652399","name":"\ud800","parent":"6523"}`), 2, "surrogate"},
		{"null for a required field", []byte(`{"id":"x","type":"hidden_stock","date":"2023-07-01","unit":null,"amount":"1"}`), 2, `missing field "unit"`},
		{"an unknown type", []byte(`{"id":"x","type":"loan","date":"2023-07-01"}`), 2, `unknown event type`},
		{"a number for a code", []byte(`{"id":"x","type":"hidden_stock","date":"2023-07-01","unit":652302,"amount":"1"}`), 2, `want a string`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "in.jsonl")
			require.NoError(t, os.WriteFile(path, tc.content, 0o600))
			before := fileSum(t, db)
			code, _, errOut := runIn(t, "", "--db", db, "import", path)
			assert.Equal(t, tc.code, code, errOut)
			assert.NotContains(t, errOut, "goroutine")
			assert.NotContains(t, errOut, "panic")
			if tc.code == 2 {
				assert.Contains(t, errOut, tc.stderr)
				assert.True(t, strings.HasPrefix(errOut, path+": "), "names the file: %q", errOut)
				assert.Equal(t, 1, strings.Count(errOut, "\n"))
				assert.Less(t, len(errOut), 2000, "one readable line")
				assert.Equal(t, before, fileSum(t, db))
			}
		})
	}
	code, _, errOut := runIn(t, ok+"\n", "--db", db, "import", "-")
	assert.Equal(t, 0, code, errOut)
	code, _, errOut = runIn(t, "{\n", "--db", db, "import", "-")
	assert.Equal(t, 2, code)
	assert.True(t, strings.HasPrefix(errOut, "-: line 1: "), errOut)
}

// A damaged ledger file: verify and check exit 1 naming the damage, other
// commands exit 2, nothing ever prints a stack trace.
func TestDamagedLedger(t *testing.T) {
	dir, db := smallLedger(t)
	data, err := os.ReadFile(db)
	require.NoError(t, err)
	damages := map[string][]byte{
		"truncated":         data[:len(data)/3],
		"first page zeroed": append(make([]byte, 4096), data[4096:]...),
		"bytes overwritten": func() []byte {
			d := append([]byte(nil), data...)
			copy(d[len(d)/2:], bytes.Repeat([]byte{0xA5}, 4096))
			return d
		}(),
		"empty": {},
	}
	for name, content := range damages {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "damaged.db")
			require.NoError(t, os.WriteFile(path, content, 0o600))
			for _, c := range []struct {
				args []string
				code []int
			}{
				{[]string{"verify"}, []int{0, 1}},
				{[]string{"check"}, []int{0, 1}},
				{[]string{"balance", "--as-of", "2023-06-30"}, []int{0, 2}},
				{[]string{"journal"}, []int{0, 2}},
				{[]string{"import", "../../testdata/examples/small.jsonl"}, []int{0, 2}},
			} {
				code, _, errOut := runIn(t, "", append([]string{"--db", path}, c.args...)...)
				assert.Contains(t, c.code, code, "%v: %s", c.args, errOut)
				assert.NotContains(t, errOut, "goroutine", c.args)
				if code != 0 {
					assert.Contains(t, errOut, "damaged.db", c.args)
				}
			}
		})
	}
}
