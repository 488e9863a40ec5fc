package debt

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

// This file writes and reads monthly statement files (SPEC §5 "statement
// and reconcile"): CSV or XLSX with the StatementHeader columns, one row
// per bond and a final TOTAL row.
//
// Reading is forgiving where spreadsheet programs are: a UTF-8 byte-order
// mark, CRLF line ends, quoted fields, white space around a cell, empty
// rows (all cells empty, wherever they are), numeric XLSX cells (an amount
// is the cell's decimal value rounded half away from zero to the fen; a
// bond code is its digits), a `-` sign on amounts, and any name for the
// first sheet. It is strict about everything else; every error is a
// *StatementError naming the file and the row (the header is row 1).

// StatementSheet is the name of the sheet WriteStatementXLSX writes.
const StatementSheet = "对账单"

// Limits that keep a hostile or broken file cheap to refuse.
const (
	stmtMaxFileBytes = 32 << 20 // a statement is a few kilobytes
	stmtMaxUnzipped  = 64 << 20 // total uncompressed size of an XLSX
	stmtMaxRows      = 100_000  // a row per bond the unit holds: thousands at most
	// stmtMaxSheetXML bounds a sheet's (and the shared strings') XML.
	stmtMaxSheetXML = 8 << 20
)

// StatementError is a malformed statement file: "NAME: row N: MSG". Row is
// the 1-based row (header = 1; for CSV the line on which the record
// starts); 0 means the file as a whole (not a CSV or XLSX file, not a
// workbook), and then the message reads "NAME: MSG".
type StatementError struct {
	File string
	Row  int
	Msg  string
}

func (e *StatementError) Error() string {
	if e.Row <= 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s: row %d: %s", e.File, e.Row, e.Msg)
}

// WriteStatementCSV writes the header and rows: LF line ends, no quoting,
// amounts as yuan with two decimals (SPEC §2). A text field that would
// need quoting (a comma, quote or line break) is refused rather than
// written ambiguously.
func WriteStatementCSV(w io.Writer, rows []StatementRow) error {
	var b bytes.Buffer
	b.WriteString(strings.Join(StatementHeader, ","))
	b.WriteByte('\n')
	for i := range rows {
		r := &rows[i]
		for _, s := range []string{r.Bond, r.Kind, r.Purpose} {
			if strings.ContainsAny(s, ",\"\r\n") {
				return fmt.Errorf("statement row %d: %q cannot be written to CSV without quoting", i+2, s)
			}
		}
		b.WriteString(r.Bond)
		b.WriteByte(',')
		b.WriteString(r.Kind)
		b.WriteByte(',')
		b.WriteString(r.Purpose)
		for _, a := range r.Amounts() {
			b.WriteByte(',')
			b.WriteString(quota.FormatAmount(a))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteStatementXLSX writes one sheet named StatementSheet: the header row
// and the rows. Bond codes, kinds and purposes are text cells (so a code
// like 2023001 stays text). Amounts are numeric cells whose stored value is
// the exact decimal text with two decimals (e.g. <v>1390000000.00</v>, via
// SetCellDefault): no float64 is involved, and the cells are formatted
// #,##0.00. (A spreadsheet program that re-saves the file stores doubles,
// exact to 15 significant digits, i.e. for amounts below 10^13 yuan.)
func WriteStatementXLSX(w io.Writer, rows []StatementRow) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	sheet := StatementSheet
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	cell := func(col, row int) string {
		name, _ := excelize.CoordinatesToCellName(col, row)
		return name
	}
	for c, h := range StatementHeader {
		if err := f.SetCellStr(sheet, cell(c+1, 1), h); err != nil {
			return err
		}
	}
	for i := range rows {
		r := &rows[i]
		row := i + 2
		for c, s := range []string{r.Bond, r.Kind, r.Purpose} {
			if s == "" {
				continue // the TOTAL row's kind and purpose: no cell at all
			}
			if err := f.SetCellStr(sheet, cell(c+1, row), s); err != nil {
				return err
			}
		}
		for c, a := range r.Amounts() {
			if err := f.SetCellDefault(sheet, cell(c+4, row), quota.FormatAmount(a)); err != nil {
				return err
			}
		}
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := f.SetCellStyle(sheet, cell(4, 2), cell(len(StatementHeader), len(rows)+1), money); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "C", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "D", "I", 20); err != nil {
		return err
	}
	// excelize leaves the sheet's declared used range at A1; readers that
	// stream a sheet (openpyxl read-only, many ETL tools) trust it.
	if err := f.SetSheetDimension(sheet, cell(1, 1)+":"+cell(len(StatementHeader), len(rows)+1)); err != nil {
		return err
	}
	return f.Write(w)
}

// ReadStatement reads a statement file sent back by a county. The format
// is chosen by content: an XLSX workbook starts with "PK\x03\x04",
// anything else is read as CSV. name is used in errors. The rows returned
// include the TOTAL row, last.
func ReadStatement(r io.Reader, name string) ([]StatementRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, stmtMaxFileBytes+1))
	if err != nil {
		return nil, &StatementError{File: name, Msg: "cannot read: " + err.Error()}
	}
	if len(data) > stmtMaxFileBytes {
		return nil, &StatementError{File: name, Msg: fmt.Sprintf("larger than %d MiB: not a statement", stmtMaxFileBytes>>20)}
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return stmtReadXLSX(data, name)
	case bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")):
		return nil, &StatementError{File: name, Msg: "an Excel 97-2003 (.xls) or password-protected workbook: save it as .xlsx or as CSV (UTF-8)"}
	case bytes.HasPrefix(data, []byte("\xFF\xFE")) || bytes.HasPrefix(data, []byte("\xFE\xFF")):
		return nil, &StatementError{File: name, Msg: "UTF-16 text: save it as CSV (UTF-8) or .xlsx"}
	case bytes.HasPrefix(data, []byte("PK")):
		return nil, &StatementError{File: name, Msg: "not an XLSX workbook (a zip file that does not start with a local file header)"}
	}
	return stmtReadCSV(data, name)
}

// stmtCell is one cell as read: its text and, for XLSX, whether the cell
// is numeric (its text then is the stored number, e.g. "2.0E8").
type stmtCell struct {
	text    string
	numeric bool
}

// stmtReader checks rows one at a time and accumulates the statement.
type stmtReader struct {
	file    string
	rows    []StatementRow
	seen    map[string]int // bond code -> row it was on
	total   int            // row of TOTAL, 0 before it
	last    int            // last non-empty row
	started bool           // header checked
}

func (s *stmtReader) errorf(row int, format string, args ...any) error {
	return &StatementError{File: s.file, Row: row, Msg: fmt.Sprintf(format, args...)}
}

// add takes row number n with its cells (already trimmed). XLSX rows may
// be shorter than the header (empty trailing cells are not stored); CSV
// rows must have exactly the header's columns.
func (s *stmtReader) add(n int, cells []stmtCell, exactWidth bool) error {
	empty := true
	for _, c := range cells {
		if c.text != "" {
			empty = false
			break
		}
	}
	if !s.started {
		s.started = true
		s.last = n
		return s.header(n, cells)
	}
	if empty {
		return nil
	}
	s.last = n
	if s.total != 0 {
		return s.errorf(n, "a row after the TOTAL row (row %d): TOTAL must be the last row", s.total)
	}
	width := len(StatementHeader)
	if exactWidth && len(cells) != width || len(cells) > width {
		return s.errorf(n, "%d columns, want %d (%s)", len(cells), width, strings.Join(StatementHeader, ","))
	}
	for len(cells) < width {
		cells = append(cells, stmtCell{})
	}
	row := StatementRow{Kind: cells[1].text, Purpose: cells[2].text}
	bond, err := stmtBond(cells[0])
	if err != nil {
		return s.errorf(n, "%v", err)
	}
	row.Bond = bond
	if bond == TotalBond {
		if row.Kind != "" || row.Purpose != "" {
			return s.errorf(n, "TOTAL row: kind and purpose must be empty, got %s and %s", quota.Quoted(row.Kind), quota.Quoted(row.Purpose))
		}
	} else {
		if first, dup := s.seen[bond]; dup {
			return s.errorf(n, "bond %s: duplicate row (first on row %d)", bond, first)
		}
		if row.Kind != "general" && row.Kind != "special" {
			return s.errorf(n, "bond %s: kind %s: want general or special", bond, quota.Quoted(row.Kind))
		}
		if row.Purpose != "new" && row.Purpose != "refinancing" {
			return s.errorf(n, "bond %s: purpose %s: want new or refinancing", bond, quota.Quoted(row.Purpose))
		}
	}
	amounts := []*decimal.Decimal{&row.OpeningPrincipal, &row.Received, &row.PassedDown, &row.PrincipalRepaid, &row.InterestPaid, &row.ClosingPrincipal}
	for i, dst := range amounts {
		d, err := stmtAmount(cells[3+i])
		if err != nil {
			return s.errorf(n, "bond %s: %s: %v", bond, StatementHeader[3+i], err)
		}
		*dst = d
	}
	if bond == TotalBond {
		s.total = n
		if err := s.checkTotal(n, &row); err != nil {
			return err
		}
	} else {
		s.seen[bond] = n
	}
	s.rows = append(s.rows, row)
	return nil
}

func (s *stmtReader) header(n int, cells []stmtCell) error {
	got := make([]string, len(cells))
	for i, c := range cells {
		got[i] = c.text
	}
	if len(got) > 0 {
		got[0] = strings.TrimSpace(strings.TrimPrefix(got[0], "\uFEFF"))
	}
	ok := len(got) == len(StatementHeader)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i] == StatementHeader[i]
	}
	if !ok {
		return s.errorf(n, "header must be %q, got %s", strings.Join(StatementHeader, ","), quota.Quoted(strings.Join(got, ",")))
	}
	return nil
}

func (s *stmtReader) checkTotal(n int, total *StatementRow) error {
	sums := make([]decimal.Decimal, len(StatementHeader)-3)
	for i := range s.rows {
		for j, a := range s.rows[i].Amounts() {
			sums[j] = sums[j].Add(a)
		}
	}
	for j, a := range total.Amounts() {
		if !a.Equal(sums[j]) {
			return s.errorf(n, "TOTAL %s is %s but the bond rows sum to %s", StatementHeader[3+j], quota.FormatAmount(a), quota.FormatAmount(sums[j]))
		}
	}
	return nil
}

func (s *stmtReader) finish() ([]StatementRow, error) {
	if !s.started {
		return nil, s.errorf(1, "empty file: want the header %q", strings.Join(StatementHeader, ","))
	}
	if s.total == 0 {
		return nil, s.errorf(s.last+1, "no TOTAL row: the last row must have bond TOTAL")
	}
	return s.rows, nil
}

// stmtBond reads the bond column: a code of SPEC §2 or TOTAL. A numeric
// cell is a code typed into a spreadsheet that turned it into a number:
// its digits ("2.023001E6" is 2023001).
func stmtBond(c stmtCell) (string, error) {
	code := c.text
	if c.numeric {
		d, err := stmtNumber(c.text)
		if err != nil {
			return "", fmt.Errorf("bond code: numeric cell %s: %v", quota.Quoted(c.text), err)
		}
		if d.Equal(d.Truncate(0)) {
			code = d.Truncate(0).String()
		} else {
			code = d.String()
		}
	}
	if code == "" {
		return "", errors.New("bond code is empty")
	}
	if code != TotalBond && !quota.ValidCode(code) {
		return "", fmt.Errorf("bond code %s: want 1-32 characters of [0-9A-Za-z_.-]", quota.Quoted(code))
	}
	return code, nil
}

// stmtAmount reads an amount column. Text: an optional '-' and an amount
// of SPEC §2 (quota.ParseAmount). A numeric cell: its decimal value,
// rounded half away from zero to the fen.
func stmtAmount(c stmtCell) (decimal.Decimal, error) {
	if c.text == "" {
		return decimal.Decimal{}, errors.New("missing amount")
	}
	if c.numeric {
		d, err := stmtNumber(c.text)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("numeric cell %s: %v", quota.Quoted(c.text), err)
		}
		d = d.Round(2)
		if d.Abs().GreaterThan(decimal.New(1, 15)) {
			return decimal.Decimal{}, fmt.Errorf("numeric cell %s: above 10^15 yuan", quota.Quoted(c.text))
		}
		return d, nil
	}
	text, neg := strings.CutPrefix(c.text, "-")
	d, err := quota.ParseAmount(text)
	if err != nil {
		if neg {
			// Show the cell as written, not the text after the sign.
			msg := strings.Replace(err.Error(), strconv.Quote(text), strconv.Quote(c.text), 1)
			return decimal.Decimal{}, fmt.Errorf("%s (one leading '-' is allowed)", msg)
		}
		return decimal.Decimal{}, err
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

// stmtNumber parses the stored text of a numeric XLSX cell: a decimal
// with an optional sign and exponent ("200000000", "2.0E8",
// "1234.5600000001"). The length and exponent are bounded before any
// arithmetic so that "1E999999999" costs nothing.
func stmtNumber(s string) (decimal.Decimal, error) {
	mant, exp, hasExp := strings.Cut(strings.ToUpper(s), "E")
	mant = strings.TrimPrefix(strings.TrimPrefix(mant, "-"), "+")
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := func(t string) bool {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return false
			}
		}
		return true
	}
	if intPart+frac == "" || !digits(intPart) || !digits(frac) {
		return decimal.Decimal{}, errors.New("not a number")
	}
	if len(intPart)+len(frac) > 40 {
		return decimal.Decimal{}, errors.New("too many digits")
	}
	if hasExp {
		e := strings.TrimPrefix(strings.TrimPrefix(exp, "-"), "+")
		if e == "" || !digits(e) {
			return decimal.Decimal{}, errors.New("not a number")
		}
		if v, err := strconv.Atoi(e); err != nil || v > 40 {
			return decimal.Decimal{}, errors.New("exponent out of range")
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, errors.New("not a number")
	}
	return d, nil
}

func stmtReadCSV(data []byte, name string) ([]StatementRow, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1 // checked per row, with the row in the message
	cr.LazyQuotes = false
	s := &stmtReader{file: name, seen: map[string]int{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, s.errorf(pe.StartLine, "not valid CSV: %v", pe.Err)
			}
			return nil, s.errorf(0, "not valid CSV: %v", err)
		}
		line, _ := cr.FieldPos(0)
		cells := make([]stmtCell, len(rec))
		for i, f := range rec {
			cells[i] = stmtCell{text: strings.TrimSpace(f)}
		}
		if err := s.add(line, cells, true); err != nil {
			return nil, err
		}
	}
	return s.finish()
}

// stmtXLSXPartSizes refuses a workbook whose sheets or shared strings are
// larger than a statement's. Reading a cell's type makes excelize load the
// whole sheet into memory, at some 35 bytes per byte of XML: a 50 KB file
// whose rows carry thousands of empty cells took 1.7 GB. A statement of
// ten thousand bonds is about 3 MB of sheet XML.
func stmtXLSXPartSizes(data []byte, name string) error {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil // excelize says what is wrong with it
	}
	for _, part := range z.File {
		if (strings.HasPrefix(part.Name, "xl/worksheets/") || part.Name == "xl/sharedStrings.xml") &&
			part.UncompressedSize64 > stmtMaxSheetXML {
			return &StatementError{File: name, Msg: fmt.Sprintf("%s is %d MB unzipped, more than a statement (at most %d MB)",
				part.Name, part.UncompressedSize64>>20, stmtMaxSheetXML>>20)}
		}
	}
	return nil
}

func stmtReadXLSX(data []byte, name string) (rows []StatementRow, err error) {
	// excelize parses untrusted XML and zip structures; whatever goes wrong
	// inside it is reported as a bad file, never a panic.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, &StatementError{File: name, Msg: fmt.Sprintf("not a readable XLSX workbook (%v)", p)}
		}
	}()
	notWorkbook := func(err error) error {
		return &StatementError{File: name, Msg: "not a readable XLSX workbook: " + err.Error()}
	}
	if err := stmtXLSXPartSizes(data, name); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue:      true,
		UnzipSizeLimit:    stmtMaxUnzipped,
		UnzipXMLSizeLimit: stmtMaxUnzipped,
	})
	if err != nil {
		return nil, notWorkbook(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, notWorkbook(errors.New("no worksheet"))
	}
	sheet := sheets[0]
	s := &stmtReader{file: name, seen: map[string]int{}}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, notWorkbook(err)
	}
	defer it.Close()
	for n := 1; it.Next(); n++ {
		if n > stmtMaxRows {
			return nil, s.errorf(n, "more than %d rows", stmtMaxRows)
		}
		vals, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, s.errorf(n, "cannot read the row: %v", err)
		}
		// Cells past the last non-empty one carry nothing.
		for len(vals) > 0 && strings.TrimSpace(vals[len(vals)-1]) == "" {
			vals = vals[:len(vals)-1]
		}
		cells := make([]stmtCell, len(vals))
		for i, v := range vals {
			cells[i].text = strings.TrimSpace(v)
			if cells[i].text == "" || i >= len(StatementHeader) || i == 1 || i == 2 {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(i+1, n)
			if err != nil {
				return nil, s.errorf(n, "cannot read the row: %v", err)
			}
			t, err := f.GetCellType(sheet, ref)
			if err != nil {
				return nil, s.errorf(n, "cannot read cell %s: %v", ref, err)
			}
			switch t {
			case excelize.CellTypeUnset, excelize.CellTypeNumber:
				cells[i].numeric = true
			case excelize.CellTypeBool, excelize.CellTypeDate, excelize.CellTypeError:
				return nil, s.errorf(n, "cell %s (%s): %s is not text or a number", ref, StatementHeader[i], quota.Quoted(cells[i].text))
			}
		}
		if err := s.add(n, cells, false); err != nil {
			return nil, err
		}
	}
	if err := it.Error(); err != nil {
		return nil, notWorkbook(err)
	}
	return s.finish()
}
