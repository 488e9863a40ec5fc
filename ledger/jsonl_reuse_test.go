package ledger

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// With ReuseFields every line still decodes to its own values; only the
// slice holding them is shared.
func TestDecoderReuseFields(t *testing.T) {
	var in strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&in, `{"id":"e%d","n":%d,"a":[{"d":"x%d"}]}`+"\n", i, i, i)
	}
	dec := NewDecoder(strings.NewReader(in.String()), "t")
	dec.ReuseFields()
	for i := 0; ; i++ {
		line, err := dec.Next()
		if errors.Is(err, io.EOF) {
			require.Equal(t, 50, i)
			return
		}
		require.NoError(t, err)
		id, _ := line.Get("id")
		n, _ := line.Get("n")
		a, _ := line.Get("a")
		require.Equal(t, fmt.Sprintf("e%d", i), id.Text)
		require.Equal(t, fmt.Sprint(i), n.Text)
		require.Equal(t, fmt.Sprintf("x%d", i), a.Items[0].Fields[0].Value.Text)
	}
}
