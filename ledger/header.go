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
	metaFreelistAt  = pageHeaderSize + 4*4 + 16 // after magic, version, page size, flags, root bucket
	metaHighWaterAt = metaFreelistAt + 8
	metaTxidAt      = metaHighWaterAt + 8
	metaChecksumAt  = metaTxidAt + 8
	metaMagic       = 0xED0CDAED
	metaVersion     = 2
)

// metaPage is what the ledger reads of one of bbolt's header pages.
type metaPage struct {
	sound                     bool // magic, version and checksum hold
	freelist, highWater, txid uint64
}

// readMetas reads both header pages of the file.
func readMetas(f *os.File, pageSize int) (metas [2]metaPage, err error) {
	var meta [metaChecksumAt + 8]byte
	for page := range metas {
		if _, err := f.ReadAt(meta[:], int64(page)*int64(pageSize)); err != nil {
			return metas, fmt.Errorf("header page %d: %v", page, err)
		}
		sum := fnv.New64a()
		sum.Write(meta[pageHeaderSize:metaChecksumAt])
		metas[page] = metaPage{
			sound: binary.NativeEndian.Uint32(meta[pageHeaderSize:]) == metaMagic &&
				binary.NativeEndian.Uint32(meta[pageHeaderSize+4:]) == metaVersion &&
				binary.NativeEndian.Uint64(meta[metaChecksumAt:]) == sum.Sum64(),
			freelist:  binary.NativeEndian.Uint64(meta[metaFreelistAt:]),
			highWater: binary.NativeEndian.Uint64(meta[metaHighWaterAt:]),
			txid:      binary.NativeEndian.Uint64(meta[metaTxidAt:]),
		}
	}
	return metas, nil
}

// checkHeaders checks both header pages of the file.
func checkHeaders(f *os.File, pageSize int) error {
	metas, err := readMetas(f, pageSize)
	if err != nil {
		return err
	}
	for page, m := range metas {
		if !m.sound {
			return fmt.Errorf("header page %d is damaged: the file is read through header page %d, which holds the last write unless the damaged page held a later one (compare the head with an anchor: debtledger verify --anchor; debtledger backup --out writes a sound copy of what is read)", page, 1-page)
		}
	}
	return nil
}
