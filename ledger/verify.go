package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Anchor is a journal head kept outside the file: Verify(anchor) also
// confirms that entry Seq still has Hash, which catches a chain rewritten
// consistently from some entry on.
type Anchor struct {
	Seq  uint64
	Hash [32]byte
}

// ParseAnchor reads "SEQ:HEX64", the form FormatHead prints.
func ParseAnchor(s string) (*Anchor, error) {
	seqText, hashText, ok := strings.Cut(s, ":")
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if !ok || err != nil || len(hashText) != 64 {
		return nil, fmt.Errorf("anchor %q: want SEQ:HASH, a sequence number and 64 hex digits, as printed by close or backup", s)
	}
	var a Anchor
	if _, err := hex.Decode(a.Hash[:], []byte(hashText)); err != nil {
		return nil, fmt.Errorf("anchor %q: hash is not 64 hex digits", s)
	}
	a.Seq = seq
	return &a, nil
}

// FormatHead prints a journal head as "SEQ:HEX64" (lowercase hex).
func FormatHead(seq uint64, hash [32]byte) string {
	return strconv.FormatUint(seq, 10) + ":" + hex.EncodeToString(hash[:])
}

// ChainError names the first entry at which the journal does not hold.
type ChainError struct {
	Seq    uint64
	Reason string
}

func (e *ChainError) Error() string { return fmt.Sprintf("entry %d: %s", e.Seq, e.Reason) }

const (
	reasonAnchor    = "hash does not match the anchor (chain rewritten?)"
	reasonTruncated = "not in the journal (truncated?)"
)

// Verify walks the whole journal in one read transaction and checks that
// the sequence numbers run 1..N without a gap, that each entry is well
// formed and its stored hash is SHA-256 of the previous hash and its
// canonical encoding, that the ids index maps exactly every entry's id to
// its seq, that the stored head is the last entry, and, given an anchor,
// that entry anchor.Seq has anchor.Hash. It returns nil, a *ChainError
// naming the first bad entry, or an *Error when the file cannot be read
// at all.
func (l *Ledger) Verify(anchor *Anchor) error {
	v := verifier{l: l}
	err := l.view(nil, func(tx *bolt.Tx) error {
		j, ids, _, _, err := l.buckets(tx)
		if err != nil {
			return err
		}
		for _, name := range [][]byte{bucketJournal, bucketIDs} {
			if err := l.paths.whole(tx, name); err != nil {
				return l.corrupt(err.Error())
			}
		}
		if err := v.walkJournal(j, anchor); err != nil {
			return err
		}
		seq, hash, err := l.readHead(tx)
		if err != nil {
			return err
		}
		if err := v.checkHead(seq, hash, anchor); err != nil {
			return err
		}
		if err := v.checkIDs(ids); err != nil {
			return err
		}
		if l.headerDamage != nil {
			// The chain read is sound; whether it is the last one only an
			// anchor (checked above, if given) can say.
			msg := fmt.Sprintf("%v; the head read through it is %s", l.headerDamage, FormatHead(seq, hash))
			if anchor != nil {
				msg += fmt.Sprintf(", and holds the anchor's entry %d", anchor.Seq)
			}
			return l.corrupt(msg)
		}
		return nil
	})
	var d *Error
	if errors.As(err, &d) && d.Code == Corrupt && v.walking {
		// A damaged page met while walking the journal belongs to the
		// entry being read: name it, like any other break in the chain.
		return &ChainError{Seq: v.n + 1, Reason: "unreadable (" + d.Msg + ")"}
	}
	return err
}

// verifier carries what the journal walk learnt to the later checks.
type verifier struct {
	l       *Ledger
	walking bool
	n       uint64   // entries walked and found good
	last    [32]byte // hash of entry n
	idBytes []byte   // ids of entries 1..n, concatenated
	idEnd   []int    // idEnd[s-1] is where entry s's id ends in idBytes
}

func (v *verifier) id(seq uint64) []byte {
	lo := 0
	if seq > 1 {
		lo = v.idEnd[seq-2]
	}
	return v.idBytes[lo:v.idEnd[seq-1]]
}

func (v *verifier) walkJournal(j *bolt.Bucket, anchor *Anchor) error {
	v.walking = true
	var scratch []byte
	c := j.Cursor()
	for k, val := c.First(); k != nil; k, val = c.Next() {
		seq := v.n + 1
		if len(k) != 8 {
			return &ChainError{seq, fmt.Sprintf("journal key %s is not a sequence number", quoteShort(k))}
		}
		if got := binary.BigEndian.Uint64(k); got != seq {
			return &ChainError{seq, fmt.Sprintf("missing (the journal goes on with entry %d)", got)}
		}
		if len(val) < len(v.last) {
			return &ChainError{seq, "stored value too short"}
		}
		rec := val[len(v.last):]
		sp, err := parseStored(rec)
		if err != nil {
			return &ChainError{seq, "unreadable: " + err.Error()}
		}
		c := viewStored(rec, &sp)
		scratch = append(scratch[:0], v.last[:]...)
		scratch = c.appendCanonical(scratch, seq)
		if sum := sha256.Sum256(scratch); !bytes.Equal(sum[:], val[:len(sum)]) {
			return &ChainError{seq, "hash does not match its content and the previous hash (entry altered?)"}
		}
		copy(v.last[:], val)
		if anchor != nil && anchor.Seq == seq && anchor.Hash != v.last {
			return &ChainError{seq, reasonAnchor}
		}
		v.idBytes = append(v.idBytes, c.ID...)
		v.idEnd = append(v.idEnd, len(v.idBytes))
		v.n = seq
	}
	v.walking = false
	return nil
}

// checkHead compares the stored head with the journal's last entry, and the
// anchor with what the journal holds.
func (v *verifier) checkHead(seq uint64, hash [32]byte, anchor *Anchor) error {
	switch {
	case seq > v.n:
		return &ChainError{v.n + 1, fmt.Sprintf("%s: the head records entry %d", reasonTruncated, seq)}
	case seq < v.n:
		return &ChainError{seq + 1, fmt.Sprintf("beyond the recorded head (entry %d)", seq)}
	case hash != v.last:
		return &ChainError{seq, "hash differs from the recorded head"}
	}
	if anchor == nil {
		return nil
	}
	if anchor.Seq > v.n {
		return &ChainError{anchor.Seq, reasonTruncated}
	}
	if anchor.Seq == 0 && anchor.Hash != [32]byte{} {
		return &ChainError{0, reasonAnchor}
	}
	return nil
}

// checkIDs checks that the ids index maps every entry's id to its seq and
// holds nothing else. It walks the index in key order once, against the
// ids the journal walk collected, rather than looking each id up (a
// random B-tree descent per entry); of several problems it reports the
// one with the lowest seq.
func (v *verifier) checkIDs(ids *bolt.Bucket) error {
	var worst *ChainError
	report := func(seq uint64, reason string) {
		if worst == nil || seq < worst.Seq {
			worst = &ChainError{seq, reason}
		}
	}
	seen := make([]bool, v.n+1)
	c := ids.Cursor()
	for k, val := c.First(); k != nil; k, val = c.Next() {
		if len(val) != 8 {
			return v.l.corrupt(fmt.Sprintf("id index: bad value for %s", quoteShort(k)))
		}
		seq := binary.BigEndian.Uint64(val)
		switch {
		case seq == 0 || seq > v.n:
			report(seq, fmt.Sprintf("%s, yet the id index maps %s to it", reasonTruncated, quoteShort(k)))
		case !bytes.Equal(v.id(seq), k):
			report(seq, fmt.Sprintf("the id index maps %s to this entry, whose id is %s", quoteShort(k), quoteShort(v.id(seq))))
		default:
			seen[seq] = true
		}
	}
	for seq := uint64(1); seq <= v.n; seq++ {
		if !seen[seq] {
			report(seq, fmt.Sprintf("id %s is missing from the id index", quoteShort(v.id(seq))))
			break
		}
	}
	if worst != nil {
		return worst
	}
	return nil
}
