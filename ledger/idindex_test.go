package ledger

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIDIndex fills the table past several growths, with every id's tag
// forced equal in one case: ids sharing hash bits must still each be found,
// and ids never added never found.
func TestIDIndex(t *testing.T) {
	for _, sameTag := range []bool{false, true} {
		t.Run(fmt.Sprintf("sameTag=%v", sameTag), func(t *testing.T) {
			x := newIDIndex(0)
			var ids []string
			tagOf := func(id string) uint32 {
				if sameTag {
					return 7
				}
				return x.tagOf(id)
			}
			find := func(id string) (int, bool, int) {
				return x.find(tagOf(id), func(i int) bool { return ids[i] == id })
			}
			const n = 3000
			for i := range n {
				id := fmt.Sprintf("id-%d", i*7919%n)
				_, found, free := find(id)
				require.False(t, found, id)
				x.put(free, tagOf(id), len(ids))
				ids = append(ids, id)
			}
			assert.Greater(t, len(x.slots), 2*n-1, "grown to stay at most half full")
			for want, id := range ids {
				got, found, _ := find(id)
				require.True(t, found, id)
				assert.Equal(t, want, got, id)
			}
			for _, absent := range []string{"", "id-", "id-3000", "x"} {
				_, found, _ := find(absent)
				assert.False(t, found, absent)
			}
		})
	}
}
