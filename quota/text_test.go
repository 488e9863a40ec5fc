package quota

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidCode(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"6523", true},
		{"652301", true},
		{"a", true},
		{"Z", true},
		{"0", true},
		{"23XJ-01_a.b", true},
		{"_", true},
		{".", true},
		{"-", true},
		{"TOTAL", true}, // refused only as a bond code, by the debt side
		{strings.Repeat("x", 32), true},
		{strings.Repeat("x", 33), false},
		{"", false},
		{"a:b", false}, // ':' is for ids only
		{"a b", false},
		{" a", false},
		{"a ", false},
		{"a\t", false},
		{"a/b", false},
		{"a+b", false},
		{"a@b", false},
		{"昌吉", false},
		{"６５２３", false}, // full-width digits
		{"é", false},
		{"a\x00", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValidCode(tt.in), "ValidCode(%q)", tt.in)
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"q1", true},
		{"2023:quota:6523", true},
		{"a-b_c.d:e", true},
		{":", true},
		{strings.Repeat("x", 64), true},
		{strings.Repeat("x", 65), false},
		{strings.Repeat("x", 33), true}, // ids are longer than codes
		{"", false},
		{"a b", false},
		{"a/b", false},
		{"a#1", false},
		{"id，1", false},
		{"编号1", false},
		{"a\n", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValidID(tt.in), "ValidID(%q)", tt.in)
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		notBlank bool
		err      string
	}{
		{"chinese name", "昌吉回族自治州", true, ""},
		{"doc number", "新财预〔2023〕12号", false, ""},
		{"200 ascii", strings.Repeat("a", 200), true, ""},
		{"200 chinese", strings.Repeat("州", 200), true, ""}, // 600 bytes, 200 code points
		{"200 emoji", strings.Repeat("😀", 200), true, ""},
		{"201 ascii", strings.Repeat("a", 201), true, "201 characters, at most 200"},
		{"201 chinese", strings.Repeat("州", 201), false, "201 characters, at most 200"},
		{"empty optional", "", false, ""},
		{"blank optional", "   ", false, ""},
		{"inner spaces", "昌吉 州本级", true, ""},
		{"full-width space inside", "昌吉\u3000州", true, ""},
		{"nbsp inside", "a\u00a0b", true, ""},
		{"zero width joiner", "👨\u200d👩", true, ""}, // Cf, not Cc

		{"empty name", "", true, "must not be blank"},
		{"blank name", "   ", true, "must not be blank"},
		{"full-width space only", "\u3000\u3000", true, "must not be blank"},
		{"nbsp only", "\u00a0", true, "must not be blank"},
		{"mixed white space", " \u3000\u2003 ", true, "must not be blank"},

		{"tab", "a\tb", false, "control character U+0009"},
		{"newline", "a\nb", false, "control character U+000A"},
		{"carriage return", "a\r", false, "control character U+000D"},
		{"nul", "a\x00b", false, "control character U+0000"},
		{"escape", "\x1b[31m", false, "control character U+001B"},
		{"delete", "a\x7f", false, "control character U+007F"},
		{"NEL", "a\u0085b", false, "control character U+0085"},
		{"C1 end", "a\u009fb", false, "control character U+009F"},
		{"tab in a name", "\t", true, "control character U+0009"},

		{"invalid utf-8", "a\xffb", false, "not valid UTF-8"},
		{"truncated utf-8", "州"[:2], false, "not valid UTF-8"},
		{"encoded surrogate", "\xed\xa0\x80", false, "not valid UTF-8"},
		{"overlong", "\xc0\xaf", false, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckText("name", tt.in, tt.notBlank)
			if tt.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
			assert.True(t, strings.HasPrefix(err.Error(), "name: "), "error names the field: %q", err)
		})
	}
}
