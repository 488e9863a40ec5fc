package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

func importCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "append the events of a JSONL file (- for stdin) in one transaction",
		UsageText: "debtledger import events.jsonl\ncat events.jsonl | debtledger import -",
		ArgsUsage: "FILE.jsonl",
		Description: "Every line is checked against the ledger as the lines before it left it; if any line is\n" +
			"refused, nothing of the file is written. Lines whose id is already in the ledger with the\n" +
			"same content are skipped and counted as duplicates.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "check every line but write nothing"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return badInput("import: want one FILE.jsonl (or - for stdin)")
			}
			name := c.Args().First()
			open := func() (io.ReadCloser, int64, error) { return openFile(name) }
			if name == "-" {
				// Standard input is read once, into a private temporary
				// file: a file can be checked read-only and read again if
				// another writer comes in between, so an import from a
				// pipe holds the ledger no longer than one from a file.
				spooled, size, err := spool(e.stdin)
				if err != nil {
					return err
				}
				defer spooled.Close()
				open = func() (io.ReadCloser, int64, error) {
					if _, err := spooled.Seek(0, io.SeekStart); err != nil {
						return nil, 0, badInput("-: cannot read standard input again: %v", err)
					}
					return unclosed{spooled}, size, nil
				}
			}
			in, size, err := open()
			if err != nil {
				return err
			}
			defer in.Close()
			lines := lineCount(in, size)
			// The first reading is the file already open; a second one
			// (another writer came in between) opens it again.
			first := true
			events := func(batch *ledger.Batch, yield func(pending) error) error {
				var r io.Reader = in
				if !first {
					again, _, err := open()
					if err != nil {
						return err
					}
					defer again.Close()
					r = again
				}
				first = false
				if bar := e.progress(size); bar != nil {
					pr := progressbar.NewReader(r, bar)
					r = &pr
					defer bar.Finish()
				}
				actor, at := e.stampOf(c)
				batch.Reserve(lines)
				return decodeLines(r, name, actor, at)(batch, yield)
			}
			// An import allocates much and keeps most of it to the end:
			// a lazy collector within the limit of importLimit keeps it
			// within 1.5 GiB (a first 1M-line file is a fifth faster
			// than with 1 GiB and GOGC 300: 9.5 s, 11.8 s).
			defer tuneCollector(c.String("db"), 600, importLimit)()
			res, err := e.writeEvents(c, events, c.Bool("dry-run"))
			if err != nil {
				return err
			}
			verb := "written"
			if c.Bool("dry-run") {
				verb = "would be written (dry run)"
			}
			fmt.Fprintf(e.stdout, "%d entries %s, %d duplicates skipped\n", res.written, verb, res.duplicates)
			return nil
		},
	}
}

// unclosed is the spooled standard input, read again by a second
// reading: the import closes it at its end, not each reading.
type unclosed struct{ *os.File }

func (unclosed) Close() error { return nil }

// lineCount is how many lines of an import file are not blank (the
// decoder skips those), read ahead of the import (from the page cache, a
// few tens of milliseconds for a million lines), so that the batch can make
// room for them at once: a file of blank lines reserves nothing. 0 if the
// file cannot be read at an offset.
func lineCount(in io.Reader, size int64) int {
	f, ok := in.(io.ReaderAt)
	if !ok {
		return 0
	}
	buf := make([]byte, 1<<20)
	n, content := 0, false // content: the line so far is not blank
	for off := int64(0); off < size; {
		k, err := f.ReadAt(buf, off)
		off += int64(k)
		for rest := buf[:k]; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			line := rest
			if i >= 0 {
				line = rest[:i]
			}
			if !content && len(bytes.Trim(line, " \t\r")) > 0 {
				content = true
			}
			if i < 0 {
				break
			}
			if content {
				n++
			}
			content, rest = false, rest[i+1:]
		}
		if err != nil {
			break
		}
	}
	if content {
		n++ // a last line without its newline
	}
	return n
}

// decodeLines decodes an import file and encodes its entries (recorded by
// actor at at) in a goroutine of its own, ahead of the single writer that
// checks and appends, so that on two cores parsing and checking overlap.
// Events arrive in file order; the first error stops the stream.
func decodeLines(r io.Reader, name, actor, at string) eventSource {
	return func(batch *ledger.Batch, yield func(pending) error) error {
		type chunk struct {
			items []pending
			err   error
		}
		encoder, err := batch.NewEncoder()
		if err != nil {
			return err
		}
		// Room for 16,384 lines between the parser and the writer: a file
		// comes in runs (a month's on-lendings, then its spending…) that
		// cost one side more than the other, and with 2,048 each waited
		// on the other for 0.7–0.9 s per 1M (stream 4.14 → 4.05 s).
		ch := make(chan chunk, 64)
		// Chunks the writer is done with go back to the parser: a million
		// lines would otherwise allocate a quarter of a gigabyte of them.
		free := make(chan []pending, 66)
		done := make(chan struct{})   // the writer stopped reading
		exited := make(chan struct{}) // the encoder is closed
		defer func() {
			// The encoder's view of the ledger ends before the batch does,
			// when the writer stops early too.
			close(done)
			<-exited
		}()
		go func() {
			defer close(exited)
			defer encoder.Close()
			defer close(ch)
			dec := ledger.NewDecoder(r, name)
			dec.ReuseFields()
			items := make([]pending, 0, 256)
			types := debt.EventTypes()
			var members []quota.Member // reused: decoding keeps none of it
			var entry ledger.Entry     // reused: Encode keeps none of it
			send := func(c chunk) bool {
				select {
				case ch <- c:
					return true
				case <-done:
					return false
				}
			}
			for {
				line, err := dec.Next()
				if errors.Is(err, io.EOF) {
					send(chunk{items: items})
					return
				}
				if err != nil {
					send(chunk{items: items, err: badInput("%v", err)})
					return
				}
				members = membersOf(line.Fields, members[:0])
				ev, err := quota.DecodeMembers(members, types)
				if err != nil {
					send(chunk{items: items, err: badInput("%s: line %d: %v", name, line.No, err)})
					return
				}
				body := quota.CanonicalBody(ev.Body)
				entry = entryOf(ev, body, actor, at)
				enc, err := encoder.Encode(&entry)
				var damaged *ledger.Error
				if errors.As(err, &damaged) {
					send(chunk{items: items, err: err}) // the ledger's fault, not the line's
					return
				}
				if err != nil {
					send(chunk{items: items, err: badInput("%s: line %d: %v", name, line.No, err)})
					return
				}
				items = append(items, pending{ev: ev, file: name, line: line.No, body: body, enc: enc})
				if len(items) == cap(items) {
					if !send(chunk{items: items}) {
						return
					}
					select {
					case items = <-free:
					default:
						items = make([]pending, 0, 256)
					}
				}
			}
		}()
		for c := range ch {
			for _, p := range c.items {
				if err := yield(p); err != nil {
					return err
				}
			}
			if c.err != nil {
				return c.err
			}
			select {
			case free <- c.items[:0]:
			default:
			}
		}
		return nil
	}
}

// openFile opens an import file.
func openFile(name string) (io.ReadCloser, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, badInput("%s: cannot read: %v", name, errors.Unwrap(err))
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		return nil, 0, badInput("%s: not a file", name)
	}
	return f, st.Size(), nil
}

// spool copies r into a new temporary file, readable by its owner only,
// and returns it open, with its size. The file's name is removed at once:
// the copy lives only as long as the process holds it, so nothing is left
// behind however the import ends (Ctrl-C, SIGTERM or SIGKILL included).
func spool(r io.Reader) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "debtledger-import-*.jsonl")
	if err != nil {
		return nil, 0, badInput("-: cannot keep standard input: %v", err)
	}
	os.Remove(f.Name())
	size, err := io.Copy(f, r)
	if err != nil {
		f.Close()
		return nil, 0, badInput("-: cannot keep standard input: %v", err)
	}
	return f, size, nil
}

// progress is a bar on a terminal, nil elsewhere (pipes, CI, tests).
func (e *env) progress(size int64) *progressbar.ProgressBar {
	f, ok := e.stderr.(*os.File)
	if !ok || size <= 0 || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.DefaultBytes(size, "importing")
}
