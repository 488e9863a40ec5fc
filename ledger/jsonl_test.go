package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jlDump renders decoded values compactly with their kinds, for comparisons:
// strings quoted, numbers and booleans as written, null, [..], {..}.
func jlDump(fields []Field) string {
	var b strings.Builder
	jlDumpFields(&b, fields)
	return b.String()
}

func jlDumpFields(b *strings.Builder, fields []Field) {
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(b, "%q:", f.Key)
		jlDumpValue(b, f.Value)
	}
	b.WriteByte('}')
}

func jlDumpValue(b *strings.Builder, v Value) {
	switch v.Kind {
	case String:
		fmt.Fprintf(b, "%q", v.Text)
	case Number, Bool:
		b.WriteString(v.Text)
	case Null:
		b.WriteString("null")
	case Array:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			jlDumpValue(b, it)
		}
		b.WriteByte(']')
	case Object:
		jlDumpFields(b, v.Fields)
	default:
		fmt.Fprintf(b, "<bad kind %d>", v.Kind)
	}
}

func TestJSONLDecodeLineAccepts(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty object", `{}`, `{}`},
		{"spaces around", " \t{ \"a\" : 1 } \t", `{"a":1}`},
		{"CR inside is whitespace", "{\"a\":\r1}\r", `{"a":1}`},
		{"order kept", `{"z":1,"a":2,"m":3}`, `{"z":1,"a":2,"m":3}`},
		{"kinds", `{"s":"x","n":-1.5e+3,"t":true,"f":false,"z":null,"a":[],"o":{}}`,
			`{"s":"x","n":-1.5e+3,"t":true,"f":false,"z":null,"a":[],"o":{}}`},
		{"number text verbatim", `{"a":13.90,"b":1e9,"c":1E-9,"d":0,"e":-0,"f":0.0,"g":1390000000}`,
			`{"a":13.90,"b":1e9,"c":1E-9,"d":0,"e":-0,"f":0.0,"g":1390000000}`},
		{"simple escapes", `{"a":"\"\\\/\b\f\n\r\t"}`, fmt.Sprintf(`{"a":%q}`, "\"\\/\b\f\n\r\t")},
		{"unicode escape", `{"a":"\u4e2d\u6587 \u0041"}`, `{"a":"中文 A"}`},
		{"escaped key", `{"\u0061b":1}`, `{"ab":1}`},
		{"surrogate pair", `{"a":"\ud83d\ude00"}`, `{"a":"😀"}`},
		{"surrogate pair upper case", `{"a":"x\uD83D\uDE00y"}`, `{"a":"x😀y"}`},
		{"escaped NUL is allowed by JSON", `{"a":"\u0000"}`, `{"a":"\x00"}`},
		{"Chinese text", `{"doc":"新财预〔2023〕12号","amount":"4亿"}`, `{"doc":"新财预〔2023〕12号","amount":"4亿"}`},
		{"raw non-BMP", `{"a":"😀"}`, `{"a":"😀"}`},
		{"amortization", `{"amortization":[{"date":"2039-05-10","percent":"25"},{"date":"2040-05-10","percent":75}]}`,
			`{"amortization":[{"date":"2039-05-10","percent":"25"},{"date":"2040-05-10","percent":75}]}`},
		{"same key in different objects", `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`, `{"a":{"a":1},"b":[{"a":1},{"a":2}]}`},
		{"nested arrays", `{"a":[[1,[2]],["x",null]]}`, `{"a":[[1,[2]],["x",null]]}`},
		{"DEL is not a control char in JSON", "{\"a\":\"\x7f\"}", "{\"a\":\"\\x7f\"}"},
		{"empty key", `{"":1}`, `{"":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields, err := DecodeLine([]byte(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, jlDump(fields))
		})
	}
}

func TestJSONLDecodeLineRefuses(t *testing.T) {
	tests := []struct {
		name, in, want string // want: the whole message
	}{
		// one object per line
		{"empty", ``, `want one JSON object per line, got an empty line`},
		{"array", `[{"a":1}]`, `want one JSON object per line, got an array`},
		{"string", `"a"`, `want one JSON object per line, got a string`},
		{"number", ` 12`, `want one JSON object per line, got a number`},
		{"boolean", `true`, `want one JSON object per line, got a boolean`},
		{"null", `null`, `want one JSON object per line, got null`},
		{"garbage", `hello`, `invalid JSON at column 1: want '{' to start the object, got 'h'`},
		{"text after", `{"a":1} x`, `unexpected text after the object at column 9`},
		{"two objects", `{"a":1}{"b":2}`, `unexpected text after the object at column 8`},
		{"comma after", `{"a":1},`, `unexpected text after the object at column 8`},
		{"NUL after", "{}\x00", `unexpected text after the object at column 3`},
		{"truncated", `{"a":1`, `invalid JSON at column 7: want ',' or '}' after an object member, got end of line`},
		// syntax
		{"missing colon", `{"amount" "13.9亿"}`, `invalid JSON at column 11: want ':' after key, got '"'`},
		{"unquoted key", `{amount:1}`, `invalid JSON at column 2: want '"' to start a key or '}', got 'a'`},
		{"trailing comma", `{"a":1,}`, `invalid JSON at column 8: want '"' to start a key, got '}'`},
		{"array trailing comma", `{"a":[1,]}`, `invalid JSON at column 9: want a value, got ']'`},
		{"missing value", `{"a":}`, `invalid JSON at column 6: want a value, got '}'`},
		{"single quotes", `{'a':1}`, `invalid JSON at column 2: want '"' to start a key or '}', got '''`},
		{"NUL outside string", "{\x00}", `invalid JSON at column 2: want '"' to start a key or '}', got control character U+0000`},
		{"array missing comma", `{"a":[1 2]}`, `invalid JSON at column 9: want ',' or ']' after an array element, got '2'`},
		{"bad literal", `{"a":tru}`, `invalid JSON at column 6: want true, got 't'`},
		{"capital literal", `{"a":True}`, `invalid JSON at column 6: want a value, got 'T'`},
		{"non-ASCII outside", `{"a":１}`, `invalid JSON at column 6: want a value, got '１'`},
		// numbers
		{"plus", `{"a":+1}`, `invalid JSON at column 6: want a value, got '+'`},
		{"leading zero", `{"a":01}`, `invalid JSON at column 6: number with a leading zero`},
		{"negative leading zero", `{"a":-012}`, `invalid JSON at column 6: number with a leading zero`},
		{"dot end", `{"a":1.}`, `invalid JSON at column 8: want a digit after '.', got '}'`},
		{"dot start", `{"a":.5}`, `invalid JSON at column 6: want a value, got '.'`},
		{"minus alone", `{"a":-}`, `invalid JSON at column 7: want a digit after '-', got '}'`},
		{"exponent empty", `{"a":1e}`, `invalid JSON at column 8: want a digit in the exponent, got '}'`},
		{"exponent sign only", `{"a":1e+}`, `invalid JSON at column 9: want a digit in the exponent, got '}'`},
		{"hex", `{"a":0x10}`, `invalid JSON at column 7: want ',' or '}' after an object member, got 'x'`},
		{"NaN", `{"a":NaN}`, `invalid JSON at column 6: want a value, got 'N'`},
		{"two dots", `{"a":1.2.3}`, `invalid JSON at column 9: want ',' or '}' after an object member, got '.'`},
		// strings
		{"unterminated", `{"a":"xy}`, `invalid JSON at column 6: string not closed before end of line`},
		{"unterminated escaped", `{"a":"x\ny}`, `invalid JSON at column 6: string not closed before end of line`},
		{"raw tab", "{\"a\":\"x\ty\"}", `invalid JSON at column 8: control character U+0009 in string (write it as an escape)`},
		{"raw NUL", "{\"a\":\"\x00\"}", `invalid JSON at column 7: control character U+0000 in string (write it as an escape)`},
		{"raw control after escape", "{\"a\":\"\\n\x1f\"}", `invalid JSON at column 9: control character U+001F in string (write it as an escape)`},
		{"bad escape", `{"a":"\x41"}`, `invalid JSON at column 7: invalid escape '\x' in string`},
		{"short unicode", `{"a":"\u12"}`, `invalid JSON at column 7: want 4 hex digits after \u`},
		{"bad hex", `{"a":"\u12g4"}`, `invalid JSON at column 7: want 4 hex digits after \u`},
		{"escape at end", `{"a":"\`, `invalid JSON at column 8: want an escape character after '\', got end of line`},
		// surrogates
		{"lone high", `{"a":"\ud800"}`, `lone surrogate \ud800 in string at column 7`},
		{"lone low", `{"a":"\udc00"}`, `lone surrogate \udc00 in string at column 7`},
		{"high then letter", `{"a":"\ud83dx"}`, `lone surrogate \ud83d in string at column 7`},
		{"high then BMP escape", `{"a":"\ud83d\u0041"}`, `lone surrogate \ud83d in string at column 7`},
		{"two highs", `{"a":"\uD800\uD800"}`, `lone surrogate \uD800 in string at column 7`},
		{"reversed pair", `{"a":"\ude00\ud83d"}`, `lone surrogate \ude00 in string at column 7`},
		{"high then bad hex", `{"a":"\ud83d\uzzzz"}`, `invalid JSON at column 13: want 4 hex digits after \u`},
		{"lone surrogate in key", `{"\ud800":1}`, `lone surrogate \ud800 in string at column 3`},
		// UTF-8
		{"invalid byte", "{\"a\":\"\xff\"}", `not valid UTF-8 at column 7`},
		{"overlong", "{\"a\":\"\xc0\xaf\"}", `not valid UTF-8 at column 7`},
		{"encoded surrogate", "{\"a\":\"\xed\xa0\x80\"}", `not valid UTF-8 at column 7`},
		{"truncated sequence", "{\"a\":\"\xe4\xb8\"}", `not valid UTF-8 at column 7`},
		{"invalid outside string", "{\"a\":1}\xfe", `not valid UTF-8 at column 8`},
		{"invalid in long string", "{\"a\":\"abcdefghijklmnop\xffqrstuvwxyz\"}", `not valid UTF-8 at column 23`},
		{"invalid in escaped string", "{\"a\":\"\\n\xe4\\n\"}", `not valid UTF-8 at column 9`},
		{"invalid in key", "{\"\xe4\xb8\":1}", `not valid UTF-8 at column 3`},
		{"invalid after a syntax error", "{\"a\" 1,\"b\":\"\xff\"}", `not valid UTF-8 at column 13`},
		{"invalid before a syntax error", "{\"a\":\"\xff\" 1}", `not valid UTF-8 at column 7`},
		{"valid long Chinese, then invalid", "{\"a\":\"新财预〔2023〕12号新财预\xe6\x96\"}", `not valid UTF-8 at column 40`},
		{"BOM", "\xef\xbb\xbf{}", `byte-order mark (U+FEFF) at start of line: save the file as UTF-8 without BOM`},
		// duplicates
		{"duplicate top", `{"amount":"1","amount":"2"}`, `duplicate key "amount"`},
		{"duplicate nested", `{"a":{"x":1,"y":2,"x":3}}`, `duplicate key "x"`},
		{"duplicate in array of objects", `{"amortization":[{"date":"2039-05-10","date":"2040-05-10"}]}`, `duplicate key "date"`},
		{"duplicate after unescaping", `{"ab":1,"\u0061b":2}`, `duplicate key "ab"`},
		{"duplicate even if null", `{"a":null,"a":null}`, `duplicate key "a"`},
		// depth
		{"depth 9 array", `{"a":[[[[[[[[1]]]]]]]]}`, `nesting deeper than 8 at column 13`},
		{"depth 9 object", `{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{}}}}}}}}}`, `nesting deeper than 8 at column 41`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fields, err := DecodeLine([]byte(tc.in))
			require.Error(t, err)
			assert.Nil(t, fields)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestJSONLDuplicateKeysManyMembers(t *testing.T) {
	// More members than the linear scan handles: the map path.
	var b strings.Builder
	b.WriteString(`{"o":{`)
	for i := 0; i < 100; i++ {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	ok := b.String() + `"last":0}}`
	fields, err := DecodeLine([]byte(ok))
	require.NoError(t, err)
	require.Len(t, fields[0].Value.Fields, 101)
	assert.Equal(t, "k99", fields[0].Value.Fields[99].Key)

	for _, dup := range []string{"k0", "k15", "k16", "k17", "k99"} {
		_, err := DecodeLine([]byte(b.String() + `"` + dup + `":0}}`))
		require.Error(t, err, dup)
		assert.Equal(t, fmt.Sprintf("duplicate key %q", dup), err.Error())
	}

	// The same parser is reused: a later object with the same keys is fine.
	p := new(jsonlParser)
	for i := 0; i < 3; i++ {
		_, err := p.decode([]byte(ok))
		require.NoError(t, err)
		_, err = p.decode([]byte(b.String() + `"k3":0}}`))
		require.Error(t, err)
	}
}

func TestJSONLDuplicateKeysHostile(t *testing.T) {
	// ~100,000 distinct keys in one line must not be quadratic.
	var b bytes.Buffer
	b.WriteString("{")
	for i := 0; i < 100000; i++ {
		fmt.Fprintf(&b, `"%d":0,`, i)
	}
	b.WriteString(`"0":1}`)
	start := time.Now()
	_, err := DecodeLine(b.Bytes())
	require.EqualError(t, err, `duplicate key "0"`)
	assert.Less(t, time.Since(start), 2*time.Second)
}

func TestJSONLDepth(t *testing.T) {
	nest := func(n int) string { // n levels in all, the line's object included
		return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	_, err := DecodeLine([]byte(nest(8)))
	require.NoError(t, err)
	_, err = DecodeLine([]byte(nest(9)))
	require.EqualError(t, err, "nesting deeper than 8 at column 13")

	// Hostile: a million opening brackets fail fast.
	hostile := []byte(`{"a":` + strings.Repeat("[", 1000000))
	start := time.Now()
	_, err = DecodeLine(hostile)
	require.EqualError(t, err, "nesting deeper than 8 at column 13")
	assert.Less(t, time.Since(start), time.Second)
}

func TestJSONLHugeNumber(t *testing.T) {
	digits := "1" + strings.Repeat("0", 99999)
	start := time.Now()
	fields, err := DecodeLine([]byte(`{"amount":` + digits + `}`))
	require.NoError(t, err)
	assert.Less(t, time.Since(start), time.Second)
	v := fields[0].Value
	assert.Equal(t, Number, v.Kind)
	assert.Len(t, v.Text, 100000)
	assert.Equal(t, digits, v.Text)

	// Also with a fraction and exponent, and many leading zeros refused.
	_, err = DecodeLine([]byte(`{"a":` + digits + "." + digits + "e" + digits + `}`))
	require.NoError(t, err)
	_, err = DecodeLine([]byte(`{"a":` + strings.Repeat("0", 100000) + `}`))
	require.EqualError(t, err, "invalid JSON at column 6: number with a leading zero")
}

func TestJSONLResultDoesNotAliasInput(t *testing.T) {
	in := []byte(`{"key":"value","n":12}`)
	fields, err := DecodeLine(in)
	require.NoError(t, err)
	for i := range in {
		in[i] = 'X'
	}
	assert.Equal(t, `{"key":"value","n":12}`, jlDump(fields))
}

// jlRead decodes a whole file, returning the lines as "No:dump" and the
// errors as their messages, stopping at io.EOF.
func jlRead(t *testing.T, r io.Reader, name string) []string {
	t.Helper()
	d := NewDecoder(r, name)
	var out []string
	for i := 0; ; i++ {
		require.Less(t, i, 1000, "Next never returned io.EOF")
		l, err := d.Next()
		if err == io.EOF {
			assert.Nil(t, l)
			// EOF is sticky.
			_, err = d.Next()
			assert.Equal(t, io.EOF, err)
			return out
		}
		if err != nil {
			var le *LineError
			require.True(t, errors.As(err, &le), "want a *LineError, got %T", err)
			assert.Nil(t, l)
			out = append(out, err.Error())
			continue
		}
		out = append(out, fmt.Sprintf("%d:%s", l.No, jlDump(l.Fields)))
	}
}

func TestJSONLDecoderFiles(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty file", "", nil},
		{"only newlines", "\n\n\n", nil},
		{"only blanks", " \n\t\n \t \r\n", nil},
		{"one line no newline", `{"a":1}`, []string{`1:{"a":1}`}},
		{"one line newline", "{\"a\":1}\n", []string{`1:{"a":1}`}},
		{"blank lines count for numbering", "\n  \n{\"a\":1}\n\t\n\n{\"b\":2}\n\n", []string{`3:{"a":1}`, `6:{"b":2}`}},
		{"CRLF", "{\"a\":1}\r\n\r\n{\"b\":\"x\"}\r\n", []string{`1:{"a":1}`, `3:{"b":"x"}`}},
		{"CRLF last line without newline", "{\"a\":1}\r\n{\"b\":2}\r", []string{`1:{"a":1}`, `2:{"b":2}`}},
		{"mixed line ends", "{\"a\":1}\n{\"b\":2}\r\n{\"c\":3}", []string{`1:{"a":1}`, `2:{"b":2}`, `3:{"c":3}`}},
		{"errors carry the physical line number and Next goes on",
			"{\"a\":1}\n\n{\"a\":1,\"a\":2}\n{\"b\":2}\n",
			[]string{`1:{"a":1}`, `ev.jsonl: line 3: duplicate key "a"`, `4:{"b":2}`}},
		{"file that is a JSON array",
			"[\n  {\"a\": 1},\n  {\"b\": 2}\n]\n",
			[]string{
				`ev.jsonl: line 1: want one JSON object per line, got an array`,
				`ev.jsonl: line 2: unexpected text after the object at column 11`,
				`3:{"b":2}`,
				`ev.jsonl: line 4: invalid JSON at column 1: want '{' to start the object, got ']'`,
			}},
		{"single-line JSON array", `[{"a":1},{"b":2}]`, []string{`ev.jsonl: line 1: want one JSON object per line, got an array`}},
		{"pretty-printed object", "{\n  \"a\": 1\n}\n", []string{
			`ev.jsonl: line 1: invalid JSON at column 2: want '"' to start a key or '}', got end of line`,
			`ev.jsonl: line 2: want one JSON object per line, got a string`,
			`ev.jsonl: line 3: invalid JSON at column 1: want '{' to start the object, got '}'`,
		}},
		{"BOM", "\xef\xbb\xbf{\"a\":1}\n{\"b\":2}\n", []string{
			`ev.jsonl: line 1: byte-order mark at start of file: save the file as UTF-8 without BOM`,
			`2:{"b":2}`,
		}},
		{"BOM only", "\xef\xbb\xbf", []string{`ev.jsonl: line 1: byte-order mark at start of file: save the file as UTF-8 without BOM`}},
		{"BOM on a blank first line", "\xef\xbb\xbf\r\n{}", []string{
			`ev.jsonl: line 1: byte-order mark at start of file: save the file as UTF-8 without BOM`, `2:{}`,
		}},
		{"BOM on a later line", "{}\n\xef\xbb\xbf{}", []string{
			`1:{}`, `ev.jsonl: line 2: byte-order mark (U+FEFF) at start of line: save the file as UTF-8 without BOM`,
		}},
		{"invalid UTF-8", "{\"doc\":\"\xe6\x96\xb0\xe8\xb4\"}\n", []string{`ev.jsonl: line 1: not valid UTF-8 at column 12`}},
		{"Chinese", "{\"id\":\"x\",\"doc\":\"新财预〔2023〕12号\",\"name\":\"昌吉州\"}\n", []string{`1:{"id":"x","doc":"新财预〔2023〕12号","name":"昌吉州"}`}},
		{"NUL line", "\x00\n{}", []string{`ev.jsonl: line 1: invalid JSON at column 1: want '{' to start the object, got control character U+0000`, `2:{}`}},
		{"lone CR line is blank", "\r\r\n{}", []string{`2:{}`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := jlRead(t, strings.NewReader(tc.in), "ev.jsonl")
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestJSONLEmptyFileEOFImmediately(t *testing.T) {
	d := NewDecoder(strings.NewReader(""), "-")
	l, err := d.Next()
	assert.Nil(t, l)
	assert.Same(t, io.EOF, err)
}

func TestJSONLLineGet(t *testing.T) {
	d := NewDecoder(strings.NewReader(`{"type":"onlend","amount":13.90,"doc":null}`), "-")
	l, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, 1, l.No)
	v, ok := l.Get("amount")
	require.True(t, ok)
	assert.Equal(t, Value{Kind: Number, Text: "13.90"}, v)
	v, ok = l.Get("doc")
	require.True(t, ok)
	assert.Equal(t, Null, v.Kind)
	_, ok = l.Get("memo")
	assert.False(t, ok)
	_, ok = l.Get("Type")
	assert.False(t, ok)
}

func TestJSONLAmortizationShape(t *testing.T) {
	fields, err := DecodeLine([]byte(`{"amortization":[{"date":"2039-05-10","percent":"25"},{"date":"2040-05-10","percent":"75"}]}`))
	require.NoError(t, err)
	require.Len(t, fields, 1)
	am := fields[0].Value
	require.Equal(t, Array, am.Kind)
	require.Len(t, am.Items, 2)
	assert.Equal(t, Value{Kind: Object, Fields: []Field{
		{Key: "date", Value: Value{Kind: String, Text: "2039-05-10"}},
		{Key: "percent", Value: Value{Kind: String, Text: "25"}},
	}}, am.Items[0])
}

func TestJSONLValueKindString(t *testing.T) {
	want := map[ValueKind]string{String: "string", Number: "number", Bool: "boolean", Null: "null", Array: "array", Object: "object"}
	for k, s := range want {
		assert.Equal(t, s, k.String())
	}
	assert.Equal(t, "ValueKind(0)", ValueKind(0).String())
}

func TestJSONLLineErrorFormat(t *testing.T) {
	assert.Equal(t, "in.jsonl: line 7: duplicate key \"a\"", (&LineError{File: "in.jsonl", Line: 7, Msg: `duplicate key "a"`}).Error())
	assert.Equal(t, "-: line 1: x", (&LineError{File: "-", Line: 1, Msg: "x"}).Error())
}

// jlRepeatReader yields n bytes of c without holding them in memory.
type jlRepeatReader struct {
	c byte
	n int
}

func (r *jlRepeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range p[:k] {
		p[i] = r.c
	}
	r.n -= k
	return k, nil
}

func jlBigLine(n int, tail string) io.Reader {
	// A line {"a":"xxx…"} whose content (without terminator) is exactly n bytes.
	return io.MultiReader(strings.NewReader(`{"a":"`), &jlRepeatReader{c: 'x', n: n - 8}, strings.NewReader(`"}`+tail))
}

func TestJSONLLongLines(t *testing.T) {
	const MiB = 1 << 20

	t.Run("exactly 1 MiB is fine", func(t *testing.T) {
		got := jlRead(t, jlBigLine(MiB, "\n{}"), "big")
		require.Len(t, got, 2)
		assert.True(t, strings.HasPrefix(got[0], `1:{"a":"xxx`))
		assert.Equal(t, "2:{}", got[1])
	})
	t.Run("exactly 1 MiB with CRLF is fine", func(t *testing.T) {
		got := jlRead(t, jlBigLine(MiB, "\r\n{}"), "big")
		require.Len(t, got, 2)
		assert.Equal(t, "2:{}", got[1])
	})
	t.Run("exactly 1 MiB at EOF is fine", func(t *testing.T) {
		got := jlRead(t, jlBigLine(MiB, ""), "big")
		require.Len(t, got, 1)
	})
	for _, tc := range []struct {
		name string
		n    int
		tail string
	}{
		{"1 MiB + 1", MiB + 1, "\n{}"},
		{"1 MiB + 1 with CRLF", MiB + 1, "\r\n{}"},
		{"1 MiB + 1 at EOF", MiB + 1, ""},
		{"1 MiB + 2 at EOF", MiB + 2, ""},
		{"3 MiB", 3 * MiB, "\n{}"},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			got := jlRead(t, jlBigLine(tc.n, tc.tail), "big")
			want := []string{"big: line 1: line longer than 1 MiB"}
			if strings.Contains(tc.tail, "{}") {
				want = append(want, "2:{}")
			}
			assert.Equal(t, want, got)
		})
	}

	t.Run("10 MB line does not allocate 10 MB", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("{}\n"), jlBigLine(10_000_000, "\n\n{\"b\":1}\n"))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d := NewDecoder(r, "big")
		l, err := d.Next()
		require.NoError(t, err)
		assert.Equal(t, 1, l.No)
		_, err = d.Next()
		require.EqualError(t, err, "big: line 2: line longer than 1 MiB")
		l, err = d.Next()
		require.NoError(t, err)
		assert.Equal(t, 4, l.No)
		_, err = d.Next()
		require.Equal(t, io.EOF, err)
		runtime.ReadMemStats(&after)
		allocated := after.TotalAlloc - before.TotalAlloc
		assert.Less(t, allocated, uint64(4<<20), "allocated %d bytes", allocated)
	})

	t.Run("refused before reading it all", func(t *testing.T) {
		// The error comes as soon as the limit is passed, not at the end.
		r := &jlCountingReader{r: jlBigLine(100_000_000, "\n")}
		d := NewDecoder(r, "big")
		_, err := d.Next()
		require.EqualError(t, err, "big: line 1: line longer than 1 MiB")
		assert.Less(t, r.n, 2*MiB)
	})
}

type jlCountingReader struct {
	r io.Reader
	n int
}

func (c *jlCountingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

type jlFailingReader struct {
	data string
	err  error
}

func (f *jlFailingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestJSONLReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	d := NewDecoder(&jlFailingReader{data: "{\"a\":1}\n{\"b\"", err: boom}, "ev.jsonl")
	l, err := d.Next()
	require.NoError(t, err)
	assert.Equal(t, 1, l.No)
	_, err = d.Next()
	require.EqualError(t, err, "ev.jsonl: line 2: read error: disk on fire")
	assert.ErrorIs(t, err, boom)
	var le *LineError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, 2, le.Line)
	// Sticky.
	_, err2 := d.Next()
	assert.Same(t, err, err2)
}

func TestJSONLRandomBytesNeverPanic(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	alphabet := []byte("{}[]:,\"\\/ \t\r\n-+.0123456789eEtrufalsn\x00\x01\x7f\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\xed\xa0\x80\xef\xbb\xbfuUdDcC8a")
	valid := []byte(`{"id":"ol-1","type":"onlend","amount":"4亿","rate":3.30,"x":[{"date":"2039-05-10","percent":"25"}],"s":"\ud83d\ude00\n","t":true,"n":null}`)
	var file bytes.Buffer
	for i := 0; i < 100000; i++ {
		var b []byte
		switch i % 3 {
		case 0: // uniform random bytes
			b = make([]byte, rng.Intn(64))
			rng.Read(b)
		case 1: // JSON-ish alphabet
			b = make([]byte, rng.Intn(64))
			for k := range b {
				b[k] = alphabet[rng.Intn(len(alphabet))]
			}
		case 2: // mutations of a valid line
			b = append([]byte(nil), valid...)
			for m := rng.Intn(4); m >= 0; m-- {
				k := rng.Intn(len(b))
				switch rng.Intn(3) {
				case 0:
					b[k] = alphabet[rng.Intn(len(alphabet))]
				case 1:
					b = append(b[:k], b[k+1:]...)
				case 2:
					b = append(b[:k], append([]byte{alphabet[rng.Intn(len(alphabet))]}, b[k:]...)...)
				}
			}
		}
		fields, err := DecodeLine(b)
		if err == nil {
			jlCheckUnique(t, fields)
		} else {
			assert.NotEmpty(t, err.Error())
		}
		file.Write(b)
		file.WriteByte('\n')
	}
	// The same bytes as one file.
	d := NewDecoder(&file, "rand")
	for {
		_, err := d.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var le *LineError
			require.ErrorAs(t, err, &le)
		}
	}
}

// jlCheckUnique fails when an object anywhere has a repeated key.
func jlCheckUnique(t testing.TB, fields []Field) {
	seen := make(map[string]bool, len(fields))
	for _, f := range fields {
		if seen[f.Key] {
			t.Fatalf("duplicate key %q decoded", f.Key)
		}
		seen[f.Key] = true
		jlCheckUniqueValue(t, f.Value)
	}
}

func jlCheckUniqueValue(t testing.TB, v Value) {
	switch v.Kind {
	case Object:
		jlCheckUnique(t, v.Fields)
	case Array:
		for _, it := range v.Items {
			jlCheckUniqueValue(t, it)
		}
	}
}

func TestJSONLAllocations(t *testing.T) {
	line := []byte(jlBenchLine)
	p := new(jsonlParser)
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := p.decode(line); err != nil {
			t.Fatal(err)
		}
	})
	// The line's string and the field slice.
	assert.LessOrEqual(t, allocs, 2.0)
}

const jlBenchLine = `{"id":"ol-2023G01-652301-000123","type":"onlend","date":"2023-02-25","bond":"B2023G01","from":"6523","to":"652301","amount":"4亿","doc":"新财预〔2023〕12号"}`

func BenchmarkDecoder1M(b *testing.B) {
	const lines = 1_000_000
	data := bytes.Repeat([]byte(jlBenchLine+"\n"), lines)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := NewDecoder(bytes.NewReader(data), "bench")
		n := 0
		for {
			l, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(l.Fields) != 8 {
				b.Fatal("bad line")
			}
			n++
		}
		if n != lines {
			b.Fatalf("decoded %d lines", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/lines, "ns/line")
}

func BenchmarkDecodeLine(b *testing.B) {
	line := []byte(jlBenchLine)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeLine(line); err != nil {
			b.Fatal(err)
		}
	}
}

func TestJSONLSpecialMatchesBytewise(t *testing.T) {
	naive := func(w uint64) bool {
		for k := 0; k < 8; k++ {
			c := byte(w >> (8 * k))
			if c == '"' || c == '\\' || c < 0x20 {
				return true
			}
		}
		return false
	}
	rng := rand.New(rand.NewSource(2))
	edge := []byte{0, 0x1f, 0x20, 0x21, '"', '#', '[', '\\', ']', 0x7f, 0x80, 0x9f, 0xa0, 0xa2, 0xdc, 0xff}
	for i := 0; i < 200000; i++ {
		var w uint64
		for k := 0; k < 8; k++ {
			c := byte(rng.Intn(256))
			if rng.Intn(2) == 0 {
				c = edge[rng.Intn(len(edge))]
			}
			w |= uint64(c) << (8 * k)
		}
		require.Equal(t, naive(w), jsonlSpecial(w), "%016x", w)
	}
}

func TestJSONLLineLimitInDecodeLine(t *testing.T) {
	b := []byte(`{"a":"` + strings.Repeat("x", 1<<20) + `"}`)
	_, err := DecodeLine(b)
	require.EqualError(t, err, "line longer than 1 MiB")
	// Exactly 1 MiB is fine.
	b = []byte(`{"a":"` + strings.Repeat("x", 1<<20-8) + `"}`)
	_, err = DecodeLine(b)
	require.NoError(t, err)
}

func TestJSONLManyKeysThenReuse(t *testing.T) {
	// An object with thousands of members, then ordinary lines, on one parser.
	var b strings.Builder
	b.WriteString(`{"o":{`)
	for i := 0; i < 3000; i++ {
		fmt.Fprintf(&b, `"k%d":%d,`, i, i)
	}
	b.WriteString(`"end":0},"p":1}`)
	p := new(jsonlParser)
	fields, err := p.decode([]byte(b.String()))
	require.NoError(t, err)
	require.Len(t, fields[0].Value.Fields, 3001)
	for i := 0; i < 3; i++ {
		fields, err = p.decode([]byte(`{"o":{"k1":1,"k2":2},"p":{"k1":1}}`))
		require.NoError(t, err)
		assert.Equal(t, `{"o":{"k1":1,"k2":2},"p":{"k1":1}}`, jlDump(fields))
	}
}
