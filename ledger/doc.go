// Package ledger is debtledger's journal: an append-only, hash-chained
// sequence of entries in one bbolt file, with an index by id and a cached
// blob of derived state. It knows nothing about debt: an entry's Body is an
// opaque JSON object, stored and returned byte for byte.
//
// # Entries and the chain
//
// Entry n (n = 1, 2, …) carries its id, type, business date, document
// number, memo, body, actor and recorded-at time. Its hash is
//
//	Hash(n) = SHA-256(Hash(n-1) || Encode(n)),  Hash(0) = 32 zero bytes
//
// where Encode is a canonical JSON object of all those fields and the
// sequence number (see Entry.Encode). FormatHead prints a head as SEQ:HEX;
// kept outside the file, it is an Anchor for Verify.
//
// # File layout (format "debtledger-journal/1")
//
//	journal  8-byte big-endian seq -> Hash(seq) || stored fields
//	ids      id bytes             -> 8-byte big-endian seq
//	meta     "format"             -> "debtledger-journal/1"
//	         "head"               -> 8-byte seq || 32-byte hash of the last entry
//	state    "blob", "seq"        -> derived state and the head seq it matches
//
// The stored fields are each a uvarint length and the raw bytes, in the
// order actor, date, doc, id, memo, recorded_at, type, body (entry.go). The
// previous hash is not repeated: it is the previous value's first 32 bytes.
// Verify rebuilds each canonical encoding from the stored fields, so a
// changed byte anywhere breaks the chain at that entry.
//
// # Invariants
//
//   - Entries are only ever appended; nothing edits or deletes one.
//   - Sequence numbers run 1..N without a gap; meta/head is entry N.
//   - Every entry's hash recomputes from the previous hash and its content.
//   - Ids are unique; the ids bucket maps exactly the entries' ids to their
//     seqs.
//   - One Update is one bbolt transaction: all of it is written, or none.
//   - A file opened ReadOnly is never written.
//
// Verify checks all of these but the last two, which bbolt provides.
//
// # Cost
//
// One Update is one bbolt transaction, held in memory until it commits: a
// million appends take about 4 s and 1 GB here, and the file about 330
// bytes an entry. Within a batch, ids that arrive in ascending order are
// indexed for free; others go through a hash map and a sort at commit.
// Scan and Verify read a million entries in about a second.
//
// # Caveats
//
// bbolt locks the whole file: one writer, or any number of readers, at a
// time; Open waits up to Options.Timeout and then reports Locked. Inside
// Update, do not call the same Ledger's Update (it would wait for itself).
// A Batch is valid only inside its Update. A damaged file is reported as an
// error, never a panic: reads run with faults on the memory map turned
// into panics and recovered (see guard in store.go). The one leak: if
// opening for writing panics on a damaged freelist page (which a read-only
// open, tried first, does not read), bbolt's memory map of the file, and
// with it the file's lock, stays until the process exits.
package ledger
