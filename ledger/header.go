package ledger

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
)

// bbolt keeps two header (meta) pages and writes them in turn; opening a
// file, it takes the newer valid one and silently falls back to the other
// when one is damaged. That fallback is meant for a write torn by power
// loss; a killed process cannot tear it (the kernel finishes the write).
// Damage to the newer header would otherwise show the ledger as it was
// one write earlier (an empty ledger, after a single import) with verify
// content. So every open requires both headers to be sound, but verify's
// and backup's (Options.HeaderDamageOK): one to tell, with an anchor,
// whether the head read is the last, the other to copy what is read into
// a sound file. The fields are bbolt's (internal/common/meta.go).
const (
	metaMagic      = 0xED0CDAED
	metaVersion    = 2
	metaChecksumAt = metaTxidAt + 8 // after magic … txid
)

// checkHeaders checks both header pages of the file.
func checkHeaders(f *os.File, pageSize int) error {
	var meta [metaChecksumAt + 8]byte
	for page := int64(0); page < 2; page++ {
		if _, err := f.ReadAt(meta[:], page*int64(pageSize)); err != nil {
			return fmt.Errorf("header page %d: %v", page, err)
		}
		sum := fnv.New64a()
		sum.Write(meta[pageHeaderSize:metaChecksumAt])
		if binary.NativeEndian.Uint32(meta[pageHeaderSize:]) != metaMagic ||
			binary.NativeEndian.Uint32(meta[pageHeaderSize+4:]) != metaVersion ||
			binary.NativeEndian.Uint64(meta[metaChecksumAt:]) != sum.Sum64() {
			return fmt.Errorf("header page %d is damaged: the file is read through header page %d, which holds the last write unless the damaged page held a later one (compare the head with an anchor: debtledger verify --anchor; debtledger backup --out writes a sound copy of what is read)", page, 1-page)
		}
	}
	return nil
}
