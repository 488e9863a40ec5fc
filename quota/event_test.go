package quota

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// grantObj is a valid `quota` line as the JSON layer hands it over.
func grantObj() map[string]any {
	return map[string]any{
		"id":     "q-2023-1",
		"type":   "quota",
		"date":   "2023-03-01",
		"year":   Number("2023"),
		"kind":   "general",
		"to":     "6523",
		"amount": "13.9亿",
	}
}

func unitObj() map[string]any {
	return map[string]any{"id": "u1", "type": "unit", "date": "2023-01-01", "code": "652301", "name": "昌吉市", "parent": "6523"}
}

func limitObj() map[string]any {
	return map[string]any{"id": "l1", "type": "limit", "date": "2023-01-01", "unit": "6523", "kind": "special", "amount": Number("100.5")}
}

// with copies obj and sets (or, for a deleteKey value, removes) fields.
func with(obj map[string]any, kv ...any) map[string]any {
	out := maps.Clone(obj)
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == deleteKey {
			delete(out, k)
			continue
		}
		out[k] = kv[i+1]
	}
	return out
}

type deleteMarker struct{}

var deleteKey = deleteMarker{}

func TestDecodeRefusals(t *testing.T) {
	long := strings.Repeat("x", 65)
	tests := []struct {
		name string
		obj  map[string]any
		err  string // the whole message when it starts with "=", else a substring
	}{
		// Unknown fields, named.
		{"unknown field", with(grantObj(), "colour", "red"), `=unknown field "colour"`},
		{"unknown null field", with(grantObj(), "colour", nil), `=unknown field "colour"`},
		{"two unknown fields name the first", with(grantObj(), "zeta", "1", "alpha", "2"), `=unknown field "alpha"`},
		{"field of another type", with(grantObj(), "parent", "6523"), `=unknown field "parent"`},
		{"field in the wrong case", with(grantObj(), "Amount", "1"), `=unknown field "Amount"`},
		{"decoder error first", with(grantObj(), "colour", "red", "to", deleteKey), `=missing field "to"`},

		// Missing and null required fields.
		{"missing id", with(grantObj(), "id", deleteKey), `=missing field "id"`},
		{"missing type", with(grantObj(), "type", deleteKey), `=missing field "type"`},
		{"missing date", with(grantObj(), "date", deleteKey), `=missing field "date"`},
		{"missing year", with(grantObj(), "year", deleteKey), `=missing field "year"`},
		{"missing kind", with(grantObj(), "kind", deleteKey), `=missing field "kind"`},
		{"missing to", with(grantObj(), "to", deleteKey), `=missing field "to"`},
		{"missing amount", with(grantObj(), "amount", deleteKey), `=missing field "amount"`},
		{"null id", with(grantObj(), "id", nil), `=missing field "id"`},
		{"null date", with(grantObj(), "date", nil), `=missing field "date"`},
		{"null year", with(grantObj(), "year", nil), `=missing field "year"`},
		{"null to", with(grantObj(), "to", nil), `=missing field "to"`},
		{"null amount", with(grantObj(), "amount", nil), `=missing field "amount"`},
		{"null unit name", with(unitObj(), "name", nil), `=missing field "name"`},

		// Typing: codes, ids, dates, enums are strings.
		{"code as number", with(grantObj(), "to", Number("6523")), `=field "to": want a string, got a number`},
		{"from as number", with(grantObj(), "from", Number("6523")), `=field "from": want a string, got a number`},
		{"id as number", with(grantObj(), "id", Number("1")), `=field "id": want a string, got a number`},
		{"type as bool", with(grantObj(), "type", true), `=field "type": want a string, got a boolean`},
		{"date as number", with(grantObj(), "date", Number("20230301")), `=field "date": want a string, got a number`},
		{"kind as array", with(grantObj(), "kind", []any{"general"}), `=field "kind": want a string, got an array`},
		{"name as object", with(unitObj(), "name", map[string]any{}), `=field "name": want a string, got an object`},
		{"doc as number", with(grantObj(), "doc", Number("12")), `=field "doc": want a string, got a number`},
		// Amounts are numbers or strings, nothing else.
		{"amount as bool", with(grantObj(), "amount", false), `=field "amount": want a number or a string, got a boolean`},
		{"amount as array", with(grantObj(), "amount", []any{"1"}), `=field "amount": want a number or a string, got an array`},
		{"amount as object", with(grantObj(), "amount", map[string]any{}), `=field "amount": want a number or a string, got an object`},
		{"year as bool", with(grantObj(), "year", true), `=field "year": want a number or a string, got a boolean`},

		// Values.
		{"bad id", with(grantObj(), "id", "q 1"), `field "id": "q 1" is not an id`},
		{"empty id", with(grantObj(), "id", ""), `field "id": "" is not an id`},
		{"long id", with(grantObj(), "id", long), `is not an id`},
		{"unknown type", with(grantObj(), "type", "loan"), `=type "loan": unknown event type`},
		{"type of the debt side", with(grantObj(), "type", "bond"), `=type "bond": unknown event type`},
		{"bad date", with(grantObj(), "date", "2023-02-29"), `=field "date": date "2023-02-29": not a calendar date`},
		{"date with time", with(grantObj(), "date", "2023-03-01T00:00"), `field "date": date "2023-03-01T00:00": want YYYY-MM-DD`},
		{"bad kind", with(grantObj(), "kind", "Special"), `=field "kind": "Special" is not one of general, special, refinancing`},
		{"limit kind refinancing", with(limitObj(), "kind", "refinancing"), `=field "kind": "refinancing" is not one of general, special`},
		{"bad code", with(grantObj(), "to", "65 23"), `=field "to": "65 23" is not a code (1-32 of 0-9 A-Z a-z _ . -)`},
		{"empty from", with(grantObj(), "from", ""), `field "from": "" is not a code`},
		{"empty parent", with(unitObj(), "parent", ""), `field "parent": "" is not a code`},
		{"amount with exponent", with(grantObj(), "amount", Number("1e9")), `field "amount": amount "1e9": want yuan`},
		{"negative amount", with(grantObj(), "amount", Number("-1")), `field "amount": amount "-1"`},
		{"amount too precise", with(grantObj(), "amount", Number("1.234")), `field "amount": amount "1.234"`},
		{"amount above 10^15", with(limitObj(), "amount", "10000001亿"), `above 10^15 yuan`},
		{"year float", with(grantObj(), "year", Number("2023.0")), `=field "year": "2023.0" is not a whole number`},
		{"year exponent", with(grantObj(), "year", Number("2.023e3")), `is not a whole number`},
		{"year negative", with(grantObj(), "year", Number("-2023")), `is not a whole number`},
		{"year empty string", with(grantObj(), "year", ""), `=field "year": "" is not a whole number`},
		{"year with space", with(grantObj(), "year", " 2023"), `is not a whole number`},
		{"year zero", with(grantObj(), "year", Number("0")), `=field "year": 0 is not within 1-9999`},
		{"year 10000", with(grantObj(), "year", "10000"), `=field "year": 10000 is not within 1-9999`},
		{"year huge", with(grantObj(), "year", Number("99999999999999999999")), `is not a whole number`},

		// Text.
		{"blank name", with(unitObj(), "name", "  "), `=field name: must not be blank`},
		{"full-width blank name", with(unitObj(), "name", "\u3000"), `must not be blank`},
		{"empty name", with(unitObj(), "name", ""), `must not be blank`},
		{"name with tab", with(unitObj(), "name", "昌吉\t市"), `=field name: control character U+0009`},
		{"name 201 characters", with(unitObj(), "name", strings.Repeat("州", 201)), `201 characters, at most 200`},
		{"name invalid utf-8", with(unitObj(), "name", "\xff"), `not valid UTF-8`},
		{"memo with NEL", with(grantObj(), "memo", "a\u0085b"), `=field memo: control character U+0085`},
		{"doc too long", with(grantObj(), "doc", strings.Repeat("a", 201)), `=field doc: 201 characters, at most 200`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Decode(tt.obj, Types())
			require.Error(t, err)
			assert.Nil(t, ev)
			if strings.HasPrefix(tt.err, "=") {
				assert.Equal(t, tt.err[1:], err.Error())
			} else {
				assert.Contains(t, err.Error(), tt.err)
			}
		})
	}
}

func TestDecodeGrant(t *testing.T) {
	ev, err := Decode(with(grantObj(), "doc", "新财预〔2023〕12号", "memo", "第一批"), Types())
	require.NoError(t, err)
	assert.Equal(t, Header{ID: "q-2023-1", Type: "quota", Date: d("2023-03-01"), Doc: "新财预〔2023〕12号", Memo: "第一批"}, ev.Header)
	g, ok := ev.Body.(*Grant)
	require.True(t, ok, "body is %T", ev.Body)
	assert.Equal(t, 2023, g.Year)
	assert.Equal(t, General, g.Kind)
	assert.Equal(t, "6523", g.To)
	assert.Equal(t, "", g.From, "no from: the superior")
	assert.True(t, g.Amount.Equal(dec("1390000000")), "amount %s", g.Amount)
}

// TestDecodeAccepts: forms SPEC §2 and §4 allow.
func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		obj   map[string]any
		check func(t *testing.T, ev *Event)
	}{
		{"amount as number", with(grantObj(), "amount", Number("13.9")), func(t *testing.T, ev *Event) {
			assert.Equal(t, "13.90", FormatAmount(ev.Body.(*Grant).Amount))
		}},
		{"amount as zero", with(grantObj(), "amount", Number("0")), func(t *testing.T, ev *Event) {
			assert.True(t, ev.Body.(*Grant).Amount.IsZero())
		}},
		{"amount in 万 as string", with(grantObj(), "amount", "139000万"), func(t *testing.T, ev *Event) {
			assert.Equal(t, "1390000000.00", FormatAmount(ev.Body.(*Grant).Amount))
		}},
		{"year as string", with(grantObj(), "year", "2023"), func(t *testing.T, ev *Event) {
			assert.Equal(t, 2023, ev.Body.(*Grant).Year)
		}},
		{"year with leading zero", with(grantObj(), "year", "02024"), func(t *testing.T, ev *Event) {
			assert.Equal(t, 2024, ev.Body.(*Grant).Year)
		}},
		{"year 1 and 9999", with(grantObj(), "year", Number("9999")), func(t *testing.T, ev *Event) {
			assert.Equal(t, 9999, ev.Body.(*Grant).Year)
		}},
		{"year independent of date", with(grantObj(), "year", Number("2024"), "date", "2023-12-20"), func(t *testing.T, ev *Event) {
			assert.Equal(t, 2024, ev.Body.(*Grant).Year)
			assert.Equal(t, d("2023-12-20"), ev.Date)
		}},
		{"null from is absent", with(grantObj(), "from", nil), func(t *testing.T, ev *Event) {
			assert.Equal(t, "", ev.Body.(*Grant).From)
		}},
		{"from given", with(grantObj(), "from", "6523", "to", "652301"), func(t *testing.T, ev *Event) {
			assert.Equal(t, "6523", ev.Body.(*Grant).From)
		}},
		{"null doc and memo are absent", with(grantObj(), "doc", nil, "memo", nil), func(t *testing.T, ev *Event) {
			assert.Equal(t, "", ev.Doc)
			assert.Equal(t, "", ev.Memo)
		}},
		{"blank memo allowed", with(grantObj(), "memo", "  "), func(t *testing.T, ev *Event) {
			assert.Equal(t, "  ", ev.Memo)
		}},
		{"refinancing kind", with(grantObj(), "kind", "refinancing"), func(t *testing.T, ev *Event) {
			assert.Equal(t, Refinancing, ev.Body.(*Grant).Kind)
		}},
		{"unit root, parent null", with(unitObj(), "parent", nil, "code", "6523"), func(t *testing.T, ev *Event) {
			assert.Equal(t, &Registration{Code: "6523", Name: "昌吉市"}, ev.Body)
		}},
		{"unit child", unitObj(), func(t *testing.T, ev *Event) {
			assert.Equal(t, &Registration{Code: "652301", Name: "昌吉市", Parent: "6523"}, ev.Body)
		}},
		{"unit name of 200 characters", with(unitObj(), "name", strings.Repeat("州", 200)), func(t *testing.T, ev *Event) {
			assert.Equal(t, strings.Repeat("州", 200), ev.Body.(*Registration).Name)
		}},
		{"limit", limitObj(), func(t *testing.T, ev *Event) {
			l := ev.Body.(*OpeningLimit)
			assert.Equal(t, "6523", l.Unit)
			assert.Equal(t, Special, l.Kind)
			assert.Equal(t, "100.50", FormatAmount(l.Amount))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := Decode(tt.obj, Types())
			require.NoError(t, err)
			tt.check(t, ev)
		})
	}
}

// TestDecodeDeterministic: with several unknown fields the message does not
// depend on map order.
func TestDecodeDeterministic(t *testing.T) {
	obj := with(grantObj(), "zeta", 1, "alpha", 2, "mid", 3)
	for i := 0; i < 20; i++ {
		_, err := Decode(obj, Types())
		require.EqualError(t, err, `unknown field "alpha"`, "map order must not change the message")
	}
}

// canonOf decodes obj and returns its canonical body.
func canonOf(t *testing.T, obj map[string]any) string {
	t.Helper()
	ev, err := Decode(obj, Types())
	require.NoError(t, err)
	return string(CanonicalBody(ev.Body))
}

func TestCanonicalBodyEquality(t *testing.T) {
	base := canonOf(t, grantObj())
	assert.Equal(t, `{"amount":"1390000000.00","kind":"general","to":"6523","year":2023}`, base)

	same := []map[string]any{
		with(grantObj(), "amount", "1390000000.00"),
		with(grantObj(), "amount", "1390000000"),
		with(grantObj(), "amount", Number("1390000000.0")),
		with(grantObj(), "amount", "139000万"),
		with(grantObj(), "amount", "13.90亿"),
		with(grantObj(), "year", "2023"),
		with(grantObj(), "year", "02023"),
		with(grantObj(), "amount", "1390000000.00", "year", "2023"),
		with(grantObj(), "from", nil),
		// Header fields are not the body.
		with(grantObj(), "doc", "新财预〔2023〕12号", "memo", "x", "date", "2024-01-01", "id", "other"),
	}
	for i, obj := range same {
		assert.Equal(t, base, canonOf(t, obj), "variant %d", i)
	}

	different := []map[string]any{
		with(grantObj(), "amount", "1390000000.01"),
		with(grantObj(), "year", "2024"),
		with(grantObj(), "kind", "special"),
		with(grantObj(), "to", "6524"),
		with(grantObj(), "from", "6500"),
	}
	for i, obj := range different {
		assert.NotEqual(t, base, canonOf(t, obj), "variant %d", i)
	}

	// Byte equality, as the journal compares.
	a := CanonicalBody(&Grant{Year: 2023, Kind: General, To: "6523", Amount: dec("13.9").Mul(yi)})
	b := CanonicalBody(&Grant{Year: 2023, Kind: General, To: "6523", Amount: dec("1390000000.00")})
	assert.Equal(t, a, b)

	// Units and limits.
	assert.Equal(t, `{"code":"652301","name":"昌吉市","parent":"6523"}`, canonOf(t, unitObj()))
	assert.Equal(t, canonOf(t, with(unitObj(), "parent", deleteKey)), canonOf(t, with(unitObj(), "parent", nil)))
	assert.Equal(t, `{"amount":"100.50","kind":"special","unit":"6523"}`, canonOf(t, limitObj()))
	assert.Equal(t, canonOf(t, limitObj()), canonOf(t, with(limitObj(), "amount", "100.5")))
	assert.Equal(t, canonOf(t, limitObj()), canonOf(t, with(limitObj(), "amount", "0.01005万")))
}

func TestCanon(t *testing.T) {
	var c Canon
	c.Str("z", "末")
	c.Str("empty", "") // left out, as absent
	c.Amount("amount", dec("13.9").Mul(yi))
	c.Rate("rate", dec("3.3"))
	c.Int("year", 2023)
	c.Bool("matched", true)
	c.Raw("list", `[{"a":1}]`)
	c.Str("quote", `a"b\c`)
	got := string(c.JSON())
	assert.Equal(t, `{"amount":"1390000000.00","list":[{"a":1}],"matched":true,"quote":"a\"b\\c","rate":"3.3000","year":2023,"z":"末"}`, got)
	assert.True(t, json.Valid([]byte(got)))

	// Rates compare by value.
	var r1, r2 Canon
	r1.Rate("rate", dec("3.3"))
	r2.Rate("rate", dec("3.30"))
	assert.Equal(t, r1.JSON(), r2.JSON())

	var empty Canon
	assert.Equal(t, "{}", string(empty.JSON()))
}

// TestCanonicalBodyIsJSON: the canonical body is stored as the entry's body
// and decoded again as JSON on replay, so it must be valid JSON that reads
// back to the same text, for every name CheckText accepts.
func TestCanonicalBodyIsJSON(t *testing.T) {
	tests := []struct {
		name string
		text string
		bug  string
	}{
		{"chinese", "昌吉回族自治州", ""},
		{"quotes and backslash", `a"b\c'd`, ""},
		{"html", "<a>&amp;", ""},
		{"nbsp", "a\u00a0b", ""},
		{"ideographic space", "昌吉\u3000州", ""},
		{"line separator", "a\u2028b", ""},
		{"zero width space", "a\u200bb", ""},
		{"bom inside", "a\ufeffb", ""},
		{"soft hyphen", "a\u00adb", ""},
		{"private use BMP", "a\ue000b", ""},
		{"emoji", "😀", ""},
		{"zwj emoji", "👨\u200d👩\u200d👧", ""},
		{"rare CJK (plane 2)", "𠀀𪚥", ""},
		{"flag of Scotland (tag characters)", "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
			`Canon.Str uses strconv.Quote, which writes non-printable runes above U+FFFF as \U000e0067 — not JSON; a unit/project name with such a rune (tag characters in flag emoji, plane-15/16 private use) passes CheckText but the import is refused with "entry "ID": body is not one JSON object"`},
		{"private use plane 15", "x\U000F0000", "same as above: \\U000f0000 is not a JSON escape"},
		{"musical format char", "a\U0001D173b", "same as above"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, CheckText("name", tt.text, true), "the name is valid text")
			body := CanonicalBody(&Registration{Code: "652301", Name: tt.text, Parent: "6523"})
			require.True(t, json.Valid(body), "not JSON: %s", body)
			var back map[string]string
			require.NoError(t, json.Unmarshal(body, &back))
			assert.Equal(t, map[string]string{"code": "652301", "name": tt.text, "parent": "6523"}, back)
		})
	}
}

// TestFields covers the helpers the debt side's decoders use.
func TestFields(t *testing.T) {
	t.Run("bool", func(t *testing.T) {
		tests := []struct {
			v    any
			want bool
			err  string
		}{
			{true, true, ""},
			{false, false, ""},
			{"true", false, `field "b": want true or false, got a string`},
			{"false", false, `field "b": want true or false, got a string`},
			{"TRUE", false, `field "b": want true or false, got a string`},
			{Number("1"), false, `field "b": want true or false, got a number`},
			{nil, false, `missing field "b"`},
		}
		for _, tt := range tests {
			f := NewFields(map[string]any{"b": tt.v})
			got := f.Bool("b")
			if tt.err != "" {
				assert.EqualError(t, f.Done(), tt.err, "%#v", tt.v)
				continue
			}
			require.NoError(t, f.Done(), "%#v", tt.v)
			assert.Equal(t, tt.want, got)
		}
	})
	t.Run("count", func(t *testing.T) {
		tests := []struct {
			v    any
			want int
			err  string
		}{
			{Number("0"), 0, ""},
			{Number("3"), 3, ""},
			{"3", 0, `field "c": want a whole number, got a string`},
			{true, 0, `field "c": want a whole number, got a boolean`},
			{Number("1.5"), 0, `field "c": "1.5" is not a whole number`},
			{Number("11"), 0, `field "c": 11 is not within 0-10`},
		}
		for _, tt := range tests {
			f := NewFields(map[string]any{"c": tt.v})
			got := f.Count("c", 10)
			if tt.err != "" {
				assert.EqualError(t, f.Done(), tt.err, "%#v", tt.v)
				continue
			}
			require.NoError(t, f.Done(), "%#v", tt.v)
			assert.Equal(t, tt.want, got)
		}
	})
	t.Run("objects", func(t *testing.T) {
		f := NewFields(map[string]any{})
		assert.Nil(t, f.Objects("steps"))
		require.NoError(t, f.Done())

		f = NewFields(map[string]any{"steps": nil})
		assert.Nil(t, f.Objects("steps"), "null is absent")
		require.NoError(t, f.Done())

		f = NewFields(map[string]any{"steps": []any{}})
		got := f.Objects("steps")
		assert.NotNil(t, got, "an empty list is not absent")
		assert.Empty(t, got)

		f = NewFields(map[string]any{"steps": []any{map[string]any{"a": "1"}, map[string]any{}}})
		assert.Len(t, f.Objects("steps"), 2)
		require.NoError(t, f.Done())

		f = NewFields(map[string]any{"steps": []any{map[string]any{}, "x"}})
		assert.Nil(t, f.Objects("steps"))
		assert.EqualError(t, f.Err(), `field "steps": item 2: want an object, got a string`)

		f = NewFields(map[string]any{"steps": "x"})
		assert.Nil(t, f.Objects("steps"))
		assert.EqualError(t, f.Err(), `field "steps": want an array, got a string`)
	})
	t.Run("rate", func(t *testing.T) {
		f := NewFields(map[string]any{"rate": Number("3.30"), "percent": "100"})
		assert.True(t, f.Rate("rate").Equal(dec("3.3")))
		assert.True(t, f.Rate("percent").Equal(dec("100")))
		require.NoError(t, f.Done())

		f = NewFields(map[string]any{"rate": Number("3.12345")})
		f.Rate("rate")
		assert.EqualError(t, f.Err(), `field rate "3.12345": want up to three digits and four decimals, e.g. 3.25`)

		f = NewFields(map[string]any{})
		f.Rate("rate")
		assert.EqualError(t, f.Err(), `missing field "rate"`)
	})
	t.Run("optional amount", func(t *testing.T) {
		f := NewFields(map[string]any{"fee": nil})
		assert.True(t, f.OptAmount("fee").IsZero())
		assert.True(t, f.OptAmount("other").IsZero())
		require.NoError(t, f.Done())

		f = NewFields(map[string]any{"fee": "1.5万"})
		assert.Equal(t, "15000.00", FormatAmount(f.OptAmount("fee")))
		require.NoError(t, f.Done())
	})
	t.Run("int bounds", func(t *testing.T) {
		f := NewFields(map[string]any{"month": "03"})
		assert.Equal(t, 3, f.Int("month", 1, 12))
		require.NoError(t, f.Done())
		f = NewFields(map[string]any{"month": Number("13")})
		f.Int("month", 1, 12)
		assert.EqualError(t, f.Err(), `field "month": 13 is not within 1-12`)
	})
	t.Run("first error kept", func(t *testing.T) {
		f := NewFields(map[string]any{"a": true, "extra": "x"})
		f.Code("a")
		f.Fail("second %d", 2)
		f.Code("missing")
		assert.EqualError(t, f.Done(), `field "a": want a string, got a boolean`)
	})
	t.Run("done names unknown nested fields", func(t *testing.T) {
		f := NewFields(map[string]any{"date": "2023-01-01", "percent": "50", "extra": "x"})
		f.Date("date")
		f.Rate("percent")
		assert.EqualError(t, f.Done(), `unknown field "extra"`)
	})
	t.Run("enum with no list accepts any string", func(t *testing.T) {
		f := NewFields(map[string]any{"type": "anything"})
		assert.Equal(t, "anything", f.Enum("type"))
		require.NoError(t, f.Done())
	})
}
