package debt

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
)

// Snapshot encodes the book for the ledger's state cache. Decoding it must
// give a book that answers every query as a replay of the journal would;
// `check` proves that by comparing the two encodings.
func (b *Book) Snapshot() ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(b); err != nil {
		return nil, fmt.Errorf("encoding the state cache: %w", err)
	}
	return buf.Bytes(), nil
}

// Restore decodes a snapshot.
func Restore(blob []byte) (b *Book, err error) {
	defer func() {
		// gob trusts its input's lengths; a damaged cache must be an error.
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("state cache is damaged: %v", r)
		}
	}()
	b = New()
	if err := gob.NewDecoder(bytes.NewReader(blob)).Decode(b); err != nil {
		return nil, fmt.Errorf("state cache is damaged: %w", err)
	}
	b.Quota.SetExposure(b)
	return b, nil
}

// Fingerprint is a canonical encoding of the book (maps in key order,
// amounts normalised), so that two books holding the same figures compare
// equal byte for byte whatever their history in memory.
func (b *Book) Fingerprint() ([]byte, error) { return json.Marshal(b) }

// Map keys are written as text for the fingerprint.
func (k HoldingKey) MarshalText() ([]byte, error) { return []byte(k.Bond + "@" + k.Unit), nil }
func (k UseKey) MarshalText() ([]byte, error)     { return []byte(k.Bond + "@" + k.Project), nil }
func (k PlanKey) MarshalText() ([]byte, error)    { return []byte(k.Unit + "@" + k.Period.String()), nil }
func (k BudgetKey) MarshalText() ([]byte, error) {
	return []byte(fmt.Sprintf("%s@%d@%s", k.Unit, k.Year, k.Item)), nil
}
