package quota

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ValidCode reports whether s is a unit, bond or project code (SPEC §2).
func ValidCode(s string) bool { return validToken(s, 32, "_.-") }

// ValidID reports whether s is an entry id (SPEC §2).
func ValidID(s string) bool { return validToken(s, 64, "_.:-") }

func validToken(s string, max int, extra string) bool {
	if len(s) == 0 || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || strings.IndexByte(extra, c) >= 0) {
			return false
		}
	}
	return true
}

// CheckText enforces SPEC §2 on free text: valid UTF-8, at most 200 code
// points, no control characters, and (for names) not blank.
func CheckText(field, s string, notBlank bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s: not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(s); n > 200 {
		return fmt.Errorf("%s: %d characters, at most 200", field, n)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s: control character %U", field, r)
		}
	}
	if notBlank && strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s: must not be blank", field)
	}
	return nil
}

// Quoted quotes a value for a message, cut short so that a hostile
// megabyte-long value still gives one readable line.
func Quoted(s string) string {
	const most = 40
	n := utf8.RuneCountInString(s)
	if n <= most {
		return fmt.Sprintf("%q", s)
	}
	cut := 0 // the byte where the first most characters end
	for range most {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return fmt.Sprintf("%q… (%d characters)", s[:cut], n)
}
