package quota

import (
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"slices"
	"sort"

	"github.com/shopspring/decimal"
)

// Writer builds the compact binary form of cached state. The encoding is
// deterministic (callers write map entries in key order), so that `check`
// can compare a cached record with a replayed one byte for byte.
type Writer struct{ buf, scratch []byte }

// Bytes is what was written.
func (w *Writer) Bytes() []byte { return w.buf }

// Grow makes room for n more bytes: a record about as long as the one it
// replaces is then written without copying itself as it grows.
func (w *Writer) Grow(n int) { w.buf = slices.Grow(w.buf, n) }

func (w *Writer) Uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }
func (w *Writer) Int(v int64)   { w.buf = binary.AppendVarint(w.buf, v) }

func (w *Writer) Bool(v bool) {
	if v {
		w.Uint(1)
	} else {
		w.Uint(0)
	}
}

// Raw appends bytes a Reader spanned (see Rest) as they are.
func (w *Writer) Raw(b []byte) { w.buf = append(w.buf, b...) }

func (w *Writer) String(s string) {
	w.Uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// bigMarker flags an amount too large for a varint of fen.
const bigMarker = math.MaxUint64

var maxFen = big.NewInt(1 << 62)

// Amount writes an amount as a zigzag varint of fen, or as text when it is
// too large for that.
func (w *Writer) Amount(d decimal.Decimal) {
	if d.Exponent() != -2 {
		d = d.Round(2)
	}
	if c := d.Coefficient(); c.CmpAbs(maxFen) < 0 {
		v := c.Int64()
		w.Uint(uint64(v<<1) ^ uint64(v>>63))
		return
	}
	w.Uint(bigMarker)
	w.String(d.String())
}

// Series writes a series: its byte length, then its points, dates as
// deltas. The length lets a reader keep a series encoded until it is used.
func (w *Writer) Series(s *Series) {
	if raw := s.encoded(); raw != nil {
		w.Uint(uint64(len(raw)))
		w.buf = append(w.buf, raw...)
		return
	}
	body := Writer{buf: w.scratch[:0]}
	pts := s.points()
	body.Uint(uint64(len(pts)))
	prev := Date(0)
	for _, p := range pts {
		body.Uint(uint64(p.Date - prev))
		prev = p.Date
		if fen, ok := p.fen(); ok {
			body.Uint(uint64(fen<<1) ^ uint64(fen>>63))
		} else {
			body.Amount(p.Total())
		}
	}
	w.Uint(uint64(len(body.buf)))
	w.buf = append(w.buf, body.buf...)
	w.scratch = body.buf
}

// Reader reads what a Writer wrote; the first problem sticks.
type Reader struct {
	buf []byte
	err error
}

// NewReader reads b.
func NewReader(b []byte) *Reader { return &Reader{buf: b} }

// ErrDamaged is a cached record that does not decode.
var ErrDamaged = errors.New("damaged state record")

// Err is the first problem met, including bytes left over.
func (r *Reader) Err() error {
	if r.err == nil && len(r.buf) > 0 {
		return ErrDamaged
	}
	return r.err
}

// Fail marks the record damaged.
func (r *Reader) Fail() {
	if r.err == nil {
		r.err = ErrDamaged
	}
}

func (r *Reader) Uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.buf)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *Reader) Int() int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.buf)
	if n <= 0 {
		r.err = ErrDamaged
		return 0
	}
	r.buf = r.buf[n:]
	return v
}

func (r *Reader) Bool() bool { return r.Uint() == 1 }

// Rest is what is left to read: the bytes between two calls span what was
// read in between.
func (r *Reader) Rest() []byte { return r.buf }

// Len reads a count, refusing one larger than the bytes left could hold.
func (r *Reader) Len() int {
	n := r.Uint()
	if n > uint64(len(r.buf)) {
		r.err = ErrDamaged
		return 0
	}
	return int(n)
}

func (r *Reader) String() string {
	n := r.Len()
	if r.err != nil {
		return ""
	}
	s := string(r.buf[:n])
	r.buf = r.buf[n:]
	return s
}

// Bytes reads what String reads, without copying it: the slice is the
// record's own, valid while the record is.
func (r *Reader) Bytes() []byte {
	n := r.Len()
	if r.err != nil {
		return nil
	}
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

func (r *Reader) Amount() decimal.Decimal { return r.amountAfter(r.Uint()) }

// amountAfter is Amount when its first varint, v, has been read.
func (r *Reader) amountAfter(v uint64) decimal.Decimal {
	if v == bigMarker {
		d, err := decimal.NewFromString(r.String())
		if err != nil && r.err == nil {
			r.err = ErrDamaged
		}
		return d
	}
	return decimal.New(int64(v>>1)^-int64(v&1), -2)
}

// Series reads a series, left encoded until it is used (Series.load).
func (r *Reader) Series() Series {
	n := r.Len()
	if r.err != nil || n == 0 {
		return Series{}
	}
	body := r.buf[:n:n]
	r.buf = r.buf[n:]
	if len(body) == 1 && body[0] == 0 {
		return Series{} // no points
	}
	if n > math.MaxInt32 {
		r.Fail() // no series of any ledger nears 2 GB
		return Series{}
	}
	return encodedSeries(body)
}

// cachedHiBits bounds the totals a cache may hold: |total| < 2^(64+cachedHiBits) fen.
const cachedHiBits = 24

// points reads a series' body: its count, then its points.
func (r *Reader) points() []Point {
	n := r.Len()
	if r.err != nil || n == 0 {
		return nil
	}
	pts := make([]Point, 0, n)
	prev := Date(0)
	for i := 0; i < n && r.err == nil; i++ {
		prev += Date(r.Uint())
		// Totals in fen, nearly all of them, are read without a decimal.
		v := r.Uint()
		if fen := int64(v>>1) ^ -int64(v&1); v != bigMarker && fen < fenLimit && fen > -fenLimit {
			p := Point{Date: prev}
			p.setFen(fen)
			pts = append(pts, p)
		} else if p, ok := pointOf(prev, r.amountAfter(v)); ok && p.hi>>cachedHiBits == p.hi>>31 {
			pts = append(pts, p)
		} else {
			// Beyond what any ledger reaches, and too close to the 96-bit
			// edge for later sums: a damaged cache, refused here rather
			// than overflowing in a later Add.
			r.Fail()
		}
	}
	return pts
}

func sortSlice[T any](s []T, less func(a, b T) bool) {
	sort.Slice(s, func(i, j int) bool { return less(s[i], s[j]) })
}

// SortedKeys lists a map's keys in the order given, for deterministic
// encoding.
func SortedKeys[K comparable, V any](m map[K]V, less func(a, b K) bool) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return less(keys[i], keys[j]) })
	return keys
}
