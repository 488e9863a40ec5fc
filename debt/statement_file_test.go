package debt_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/debtledger/debtledger/debt"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

const stmtHeaderLine = "bond,kind,purpose,opening_principal,received,passed_down,principal_repaid,interest_paid,closing_principal"

// stmtRow builds a row from the six amounts in header order.
func stmtRow(bond, kind, purpose string, amounts ...string) debt.StatementRow {
	if len(amounts) != 6 {
		panic("stmtRow wants six amounts")
	}
	d := make([]decimal.Decimal, 6)
	for i, a := range amounts {
		d[i] = decimal.RequireFromString(a)
	}
	return debt.StatementRow{Bond: bond, Kind: kind, Purpose: purpose,
		OpeningPrincipal: d[0], Received: d[1], PassedDown: d[2],
		PrincipalRepaid: d[3], InterestPaid: d[4], ClosingPrincipal: d[5]}
}

// stmtText renders rows so that equal values compare equal whatever the
// decimal's internal exponent.
func stmtText(rows []debt.StatementRow) []string {
	out := make([]string, len(rows))
	for i := range rows {
		r := &rows[i]
		s := []string{r.Bond, r.Kind, r.Purpose}
		for _, a := range r.Amounts() {
			s = append(s, a.StringFixed(2))
		}
		out[i] = strings.Join(s, ",")
	}
	return out
}

func stmtSamples() map[string][]debt.StatementRow {
	return map[string][]debt.StatementRow{
		"empty month": {stmtRow("TOTAL", "", "", "0", "0", "0", "0", "0", "0")},
		"two bonds": {
			stmtRow("2023001", "general", "new", "0", "1390000000", "390000000", "0", "0", "1000000000"),
			stmtRow("ZX2021-07", "special", "refinancing", "500000000.5", "0", "0", "100000000", "12345.67", "400000000.5"),
			stmtRow("TOTAL", "", "", "500000000.5", "1390000000", "390000000", "100000000", "12345.67", "1400000000.5"),
		},
		"reversal negatives": {
			stmtRow("B1", "general", "new", "-100.5", "-0.01", "0", "0", "0", "-100.51"),
			stmtRow("TOTAL", "", "", "-100.5", "-0.01", "0", "0", "0", "-100.51"),
		},
	}
}

func TestWriteStatementCSV(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, debt.WriteStatementCSV(&b, stmtSamples()["two bonds"]))
	assert.Equal(t, stmtHeaderLine+"\n"+
		"2023001,general,new,0.00,1390000000.00,390000000.00,0.00,0.00,1000000000.00\n"+
		"ZX2021-07,special,refinancing,500000000.50,0.00,0.00,100000000.00,12345.67,400000000.50\n"+
		"TOTAL,,,500000000.50,1390000000.00,390000000.00,100000000.00,12345.67,1400000000.50\n", b.String())

	b.Reset()
	require.NoError(t, debt.WriteStatementCSV(&b, stmtSamples()["empty month"]))
	assert.Equal(t, stmtHeaderLine+"\nTOTAL,,,0.00,0.00,0.00,0.00,0.00,0.00\n", b.String())

	err := debt.WriteStatementCSV(&b, []debt.StatementRow{stmtRow("a,b", "general", "new", "0", "0", "0", "0", "0", "0")})
	assert.Error(t, err, "a field needing quotes is refused")
}

func TestStatementRoundTrip(t *testing.T) {
	for name, rows := range stmtSamples() {
		t.Run(name+"/csv", func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, debt.WriteStatementCSV(&b, rows))
			got, err := debt.ReadStatement(&b, "s.csv")
			require.NoError(t, err)
			assert.Equal(t, stmtText(rows), stmtText(got))
		})
		t.Run(name+"/xlsx", func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, debt.WriteStatementXLSX(&b, rows))
			require.True(t, bytes.HasPrefix(b.Bytes(), []byte("PK\x03\x04")))
			got, err := debt.ReadStatement(bytes.NewReader(b.Bytes()), "s.xlsx")
			require.NoError(t, err)
			assert.Equal(t, stmtText(rows), stmtText(got))
		})
	}
}

func TestWriteStatementXLSXCells(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, debt.WriteStatementXLSX(&b, stmtSamples()["two bonds"]))
	f, err := excelize.OpenReader(&b, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{"对账单"}, f.GetSheetList())
	sheet := "对账单"

	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, strings.Split(stmtHeaderLine, ","), rows[0])
	dim, err := f.GetSheetDimension(sheet)
	require.NoError(t, err)
	assert.Equal(t, "A1:I4", dim, "the declared used range, which streaming readers trust")

	typ, err := f.GetCellType(sheet, "A2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeSharedString, typ, "bond code 2023001 is a text cell")
	v, err := f.GetCellValue(sheet, "A2")
	require.NoError(t, err)
	assert.Equal(t, "2023001", v)

	typ, err = f.GetCellType(sheet, "E2")
	require.NoError(t, err)
	assert.Equal(t, excelize.CellTypeUnset, typ, "amounts are numeric cells")
	v, err = f.GetCellValue(sheet, "E2", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "1390000000.00", v, "the exact decimal is stored")
	v, err = f.GetCellValue(sheet, "D3", excelize.Options{RawCellValue: true})
	require.NoError(t, err)
	assert.Equal(t, "500000000.50", v)
}

// stmtSpreadsheetXLSX builds a workbook the way a spreadsheet program saves
// a statement a county has edited: shared strings, numeric amount cells,
// bond codes turned into numbers, a Chinese sheet name, a second sheet,
// trailing empty rows.
func stmtSpreadsheetXLSX(t testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "对账单2023年3月"
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	_, err := f.NewSheet("说明")
	require.NoError(t, err)
	require.NoError(t, f.SetCellStr("说明", "A1", "bond"))

	header := strings.Split(stmtHeaderLine, ",")
	header[0] = " bond"
	header[8] = "closing_principal "
	for i, h := range header {
		require.NoError(t, f.SetCellStr(sheet, stmtRef(i+1, 1), h))
	}
	type cell struct {
		ref string
		v   any // int: SetCellInt; "#..." raw numeric text; string: text
	}
	set := func(c cell) {
		switch v := c.v.(type) {
		case int:
			require.NoError(t, f.SetCellInt(sheet, c.ref, int64(v)))
		case string:
			if raw, ok := strings.CutPrefix(v, "#"); ok {
				require.NoError(t, f.SetCellDefault(sheet, c.ref, raw))
			} else {
				require.NoError(t, f.SetCellStr(sheet, c.ref, v))
			}
		}
	}
	for _, c := range []cell{
		// A bond code typed as a number; amounts as numbers.
		{"A2", 2023001}, {"B2", "general"}, {"C2", "new"}, {"D2", 0}, {"E2", 200000000},
		{"F2", "#5E7"}, {"G2", 0}, {"H2", "#1234.5600000001"}, {"I2", 150000000},
		// A code stored in scientific notation; float artefacts.
		{"A3", "#2.023002E6"}, {"B3", "special"}, {"C3", "refinancing"}, {"D3", "#3.0E8"},
		{"E3", 0}, {"F3", 0}, {"G3", 100000000}, {"H3", "#4500.4999999999"}, {"I3", 200000000},
		// Text cells, with signs and a 亿 amount.
		{"A4", "ZX2023-05"}, {"B4", "general"}, {"C4", "new"}, {"D4", "0"}, {"E4", "-100.50"},
		{"F4", "0"}, {"G4", "0"}, {"H4", "0.01"}, {"I4", "-100.50"},
		{"A5", "TOTAL"}, {"D5", 300000000}, {"E5", "#199999899.5"}, {"F5", 50000000},
		{"G5", "1亿"}, {"H5", "#5735.065"}, {"I5", "#349999899.50"},
		// Trailing rows with nothing in them (white space counts as nothing).
		{"B8", " "},
	} {
		set(c)
	}
	require.NoError(t, f.SetRowHeight(sheet, 6, 30))
	style, err := f.NewStyle(&excelize.Style{NumFmt: 4})
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle(sheet, "A7", "I7", style))
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	return b.Bytes()
}

func stmtRef(col, row int) string {
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic(err)
	}
	return ref
}

func TestReadStatementSpreadsheetXLSX(t *testing.T) {
	data := stmtSpreadsheetXLSX(t)

	// It really is saved the way a spreadsheet program saves it.
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var shared bool
	for _, zf := range zr.File {
		shared = shared || zf.Name == "xl/sharedStrings.xml"
	}
	assert.True(t, shared, "text cells are shared strings")

	got, err := debt.ReadStatement(bytes.NewReader(data), "652301-2023-03.xlsx")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"2023001,general,new,0.00,200000000.00,50000000.00,0.00,1234.56,150000000.00",
		"2023002,special,refinancing,300000000.00,0.00,0.00,100000000.00,4500.50,200000000.00",
		"ZX2023-05,general,new,0.00,-100.50,0.00,0.00,0.01,-100.50",
		"TOTAL,,,300000000.00,199999899.50,50000000.00,100000000.00,5735.07,349999899.50",
	}, stmtText(got))
}

func TestReadStatementForgivingCSV(t *testing.T) {
	tests := []struct {
		name, data string
	}{
		{"BOM CRLF quotes", "\xEF\xBB\xBF" + `"bond","kind","purpose","opening_principal","received","passed_down","principal_repaid","interest_paid","closing_principal"` + "\r\n" +
			`"2023001","general","new","0","1390000000.00","0","0","0","1390000000"` + "\r\n" +
			`"TOTAL","","","0.00","1390000000","0","0","0","1390000000.00"` + "\r\n" +
			",,,,,,,,\r\n,,,,,,,,\r\n\r\n"},
		{"spaces and blank rows", " bond , kind,purpose,opening_principal,received,passed_down,principal_repaid,interest_paid,closing_principal\n" +
			"\n,,,,,,,,\n" +
			" 2023001 ,general, new ,0,13.9亿,0,0,0,139000万\n" +
			"TOTAL,,,0,1390000000,0,0,0,1390000000\n" +
			" , ,,,,,,,\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := debt.ReadStatement(strings.NewReader(tc.data), "s.csv")
			require.NoError(t, err)
			assert.Equal(t, []string{
				"2023001,general,new,0.00,1390000000.00,0.00,0.00,0.00,1390000000.00",
				"TOTAL,,,0.00,1390000000.00,0.00,0.00,0.00,1390000000.00",
			}, stmtText(got))
		})
	}
}

func TestReadStatementNumericCells(t *testing.T) {
	tests := []struct {
		raw, want, err string
	}{
		{raw: "200000000", want: "200000000.00"},
		{raw: "2.0E8", want: "200000000.00"},
		{raw: "2E+8", want: "200000000.00"},
		{raw: "1234.5600000001", want: "1234.56"},
		{raw: "1234.5649999999", want: "1234.56"},
		{raw: "0.005", want: "0.01"},
		{raw: "-0.005", want: "-0.01"},
		{raw: "-1390000000", want: "-1390000000.00"},
		{raw: "1.2345E-3", want: "0.00"},
		{raw: "1E15", want: "1000000000000000.00"},
		{raw: "1.01E15", err: "above 10^15 yuan"},
		{raw: "1E999999999", err: "exponent out of range"},
		{raw: "1" + strings.Repeat("0", 50), err: "too many digits"},
		{raw: "0x10", err: "not a number"},
		{raw: "Inf", err: "not a number"},
		{raw: "-0", want: "0.00"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			f := excelize.NewFile()
			defer f.Close()
			for i, h := range strings.Split(stmtHeaderLine, ",") {
				require.NoError(t, f.SetCellStr("Sheet1", stmtRef(i+1, 1), h))
			}
			for _, r := range []int{2, 3} {
				require.NoError(t, f.SetCellStr("Sheet1", stmtRef(1, r), map[int]string{2: "B1", 3: "TOTAL"}[r]))
				for c := 4; c <= 9; c++ {
					require.NoError(t, f.SetCellDefault("Sheet1", stmtRef(c, r), "0"))
				}
				require.NoError(t, f.SetCellDefault("Sheet1", stmtRef(8, r), tc.raw)) // interest_paid
			}
			require.NoError(t, f.SetCellStr("Sheet1", "B2", "general"))
			require.NoError(t, f.SetCellStr("Sheet1", "C2", "new"))
			var b bytes.Buffer
			require.NoError(t, f.Write(&b))
			got, err := debt.ReadStatement(&b, "n.xlsx")
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "n.xlsx: row 2: bond B1: interest_paid: numeric cell")
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, 2)
			assert.Equal(t, tc.want, got[0].InterestPaid.StringFixed(2))
		})
	}
}

func TestReadStatementCSVErrors(t *testing.T) {
	const h = stmtHeaderLine + "\n"
	const b1 = "B1,general,new,0,100,0,0,0,100\n"
	const total = "TOTAL,,,0,100,0,0,0,100\n"
	tests := []struct {
		name, data string
		row        int
		msg        string // the whole message after "c.csv: row N: "
	}{
		{"empty file", "", 1, `empty file: want the header "` + stmtHeaderLine + `"`},
		{"only blank lines", "\n\r\n\n", 1, "empty file"},
		{"short header", "bond,kind\n" + b1 + total, 1, `header must be "` + stmtHeaderLine + `", got "bond,kind"`},
		{"header out of order", "kind,bond,purpose,opening_principal,received,passed_down,principal_repaid,interest_paid,closing_principal\n" + b1 + total, 1, "header must be"},
		{"header in Chinese", "债券,类型,用途,期初余额,转贷收入,转贷下级,偿还本金,支付利息,期末余额\n" + b1 + total, 1, "header must be"},
		{"header with an extra column", stmtHeaderLine + ",memo\n" + b1 + total, 1, "header must be"},
		{"binary", "\x00\x01\x02\x03\xff\xfe\x00", 1, "header must be"},
		{"semicolons", strings.ReplaceAll(h+b1+total, ",", ";"), 1, "header must be"},
		{"amount with three decimals", h + "B1,general,new,0,100.001,0,0,0,100\n" + total, 2, `bond B1: received: amount "100.001": want yuan with at most two decimals, e.g. 1390000000.00 or 13.9亿`},
		{"amount with exponent", h + "B1,general,new,0,1e2,0,0,0,100\n" + total, 2, `bond B1: received: amount "1e2"`},
		{"amount with plus", h + "B1,general,new,0,+100,0,0,0,100\n" + total, 2, `bond B1: received: amount "+100": want yuan`},
		{"amount with two minus", h + "B1,general,new,0,--100,0,0,0,100\n" + total, 2, `bond B1: received: amount "--100": want yuan with at most two decimals, e.g. 1390000000.00 or 13.9亿 (one leading '-' is allowed)`},
		{"amount with separator", h + `B1,general,new,0,"1,000",0,0,0,100` + "\n" + total, 2, `bond B1: received: amount "1,000": want yuan`},
		{"amount missing", h + "B1,general,new,,100,0,0,0,100\n" + total, 2, "bond B1: opening_principal: missing amount"},
		{"amount too large", h + "B1,general,new,0,10000000000000000,0,0,0,100\n" + total, 2, `bond B1: received: amount "10000000000000000": above 10^15 yuan`},
		{"kind", h + "B1,General,new,0,100,0,0,0,100\n" + total, 2, `bond B1: kind "General": want general or special`},
		{"kind refinancing", h + "B1,refinancing,new,0,100,0,0,0,100\n" + total, 2, `bond B1: kind "refinancing": want general or special`},
		{"purpose", h + b1 + "B2,special,old,0,0,0,0,0,0\n" + total, 3, `bond B2: purpose "old": want new or refinancing`},
		{"purpose empty", h + "B1,general,,0,100,0,0,0,100\n" + total, 2, `bond B1: purpose "": want new or refinancing`},
		{"duplicate bond", h + b1 + "B2,general,new,0,0,0,0,0,0\n" + "B1,general,new,0,0,0,0,0,0\n" + total, 4, "bond B1: duplicate row (first on row 2)"},
		{"no TOTAL", h + b1 + "B2,general,new,0,0,0,0,0,0\n", 4, "no TOTAL row: the last row must have bond TOTAL"},
		{"no rows at all", h, 2, "no TOTAL row"},
		{"lower-case total", h + b1 + "total,,,0,100,0,0,0,100\n", 3, `bond total: kind "": want general or special`},
		{"row after TOTAL", h + b1 + total + ",,,,,,,,\nB2,general,new,0,0,0,0,0,0\n", 5, "a row after the TOTAL row (row 3): TOTAL must be the last row"},
		{"second TOTAL", h + b1 + total + total, 4, "a row after the TOTAL row (row 3)"},
		{"TOTAL not the sum", h + b1 + "B2,special,new,0,50,0,0,0,50\n" + total, 4, "TOTAL received is 100.00 but the bond rows sum to 150.00"},
		{"TOTAL not the sum of the last column", h + b1 + "TOTAL,,,0,100,0,0,0,100.01\n", 3, "TOTAL closing_principal is 100.01 but the bond rows sum to 100.00"},
		{"TOTAL with a kind", h + b1 + "TOTAL,general,,0,100,0,0,0,100\n", 3, `TOTAL row: kind and purpose must be empty, got "general" and ""`},
		{"too few columns", h + "B1,general,new,0,100,0,0,0\n" + total, 2, "8 columns, want 9 (" + stmtHeaderLine + ")"},
		{"too many columns", h + b1 + "TOTAL,,,0,100,0,0,0,100,\n", 3, "10 columns, want 9"},
		{"bad bond code", h + "ZX 2023,general,new,0,100,0,0,0,100\n" + total, 2, `bond code "ZX 2023": want 1-32 characters of [0-9A-Za-z_.-]`},
		{"empty bond code", h + ",general,new,0,100,0,0,0,100\n" + total, 2, "bond code is empty"},
		{"bare quote", h + `B1,gen"eral,new,0,100,0,0,0,100` + "\n" + total, 2, `not valid CSV: bare " in non-quoted-field`},
		{"unterminated quote", h + b1 + `"TOTAL,,,0,100,0,0,0,100` + "\n", 3, `not valid CSV: extraneous or missing " in quoted-field`},
		{"row numbers count blank lines (CRLF)", strings.ReplaceAll(h+"\n\n"+b1+"\nB2,general,new,0,x,0,0,0,0\n"+total, "\n", "\r\n"), 6, `bond B2: received: amount "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := debt.ReadStatement(strings.NewReader(tc.data), "c.csv")
			require.Error(t, err)
			assert.Nil(t, rows)
			var se *debt.StatementError
			require.True(t, errors.As(err, &se), "%T", err)
			assert.Equal(t, "c.csv", se.File)
			assert.Equal(t, tc.row, se.Row, err.Error())
			prefix := fmt.Sprintf("c.csv: row %d: ", tc.row)
			assert.True(t, strings.HasPrefix(err.Error(), prefix+tc.msg), "got %q, want prefix %q", err.Error(), prefix+tc.msg)
		})
	}
}

func TestReadStatementNotAStatement(t *testing.T) {
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	w, err := zw.Create("readme.txt")
	require.NoError(t, err)
	_, _ = w.Write([]byte("not a workbook"))
	require.NoError(t, zw.Close())

	tests := []struct {
		name string
		data []byte
		msg  string
	}{
		{"zip header then garbage", []byte("PK\x03\x04garbage that is not a zip"), "s.xlsx: not a readable XLSX workbook: "},
		{"zip that is not a workbook", z.Bytes(), "s.xlsx: not a readable XLSX workbook: "},
		{"truncated workbook", stmtSpreadsheetXLSX(t)[:2000], "s.xlsx: not a readable XLSX workbook: "},
		{"old xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"), "s.xlsx: an Excel 97-2003 (.xls) or password-protected workbook: save it as .xlsx or as CSV (UTF-8)"},
		{"utf-16", []byte("\xFF\xFEb\x00o\x00n\x00d\x00"), "s.xlsx: UTF-16 text: save it as CSV (UTF-8) or .xlsx"},
		{"empty zip", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), "s.xlsx: not an XLSX workbook"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := debt.ReadStatement(bytes.NewReader(tc.data), "s.xlsx")
			require.Error(t, err)
			assert.Nil(t, rows)
			var se *debt.StatementError
			require.True(t, errors.As(err, &se))
			assert.Equal(t, 0, se.Row)
			assert.True(t, strings.HasPrefix(err.Error(), tc.msg), "got %q", err.Error())
		})
	}
}

// stmtXLSX writes a workbook from rows of cells: a string is a text cell,
// "#..." a numeric cell with that stored text, a bool a boolean cell.
func stmtXLSX(t testing.TB, sheet string, rows [][]any) []byte {
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	for r, row := range rows {
		for c, v := range row {
			ref := stmtRef(c+1, r+1)
			switch v := v.(type) {
			case string:
				if raw, ok := strings.CutPrefix(v, "#"); ok {
					require.NoError(t, f.SetCellDefault(sheet, ref, raw))
				} else if v != "" {
					require.NoError(t, f.SetCellStr(sheet, ref, v))
				}
			case bool:
				require.NoError(t, f.SetCellBool(sheet, ref, v))
			}
		}
	}
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	return b.Bytes()
}

func TestReadStatementXLSXErrors(t *testing.T) {
	header := []any{}
	for _, h := range strings.Split(stmtHeaderLine, ",") {
		header = append(header, h)
	}
	b1 := []any{"B1", "general", "new", "#0", "#100", "#0", "#0", "#0", "#100"}
	total := []any{"TOTAL", "", "", "#0", "#100", "#0", "#0", "#0", "#100"}
	with := func(row []any, i int, v any) []any {
		out := append([]any(nil), row...)
		for len(out) <= i {
			out = append(out, "")
		}
		out[i] = v
		return out
	}
	tests := []struct {
		name string
		rows [][]any
		row  int
		msg  string
	}{
		{"empty sheet", nil, 1, "empty file"},
		{"header not in row 1", [][]any{{}, header, b1, total}, 1, `header must be "` + stmtHeaderLine + `", got ""`},
		{"wrong header", [][]any{header[:8], b1, total}, 1, "header must be"},
		{"bad text amount", [][]any{header, with(b1, 4, "1,000.00"), total}, 2, `bond B1: received: amount "1,000.00"`},
		{"boolean amount", [][]any{header, with(b1, 4, true), total}, 2, `cell E2 (received): "1" is not text or a number`},
		{"bad kind", [][]any{header, with(b1, 1, "一般债券"), total}, 2, `bond B1: kind "一般债券": want general or special`},
		{"bad purpose", [][]any{header, with(b1, 2, "#1"), total}, 2, `bond B1: purpose "1": want new or refinancing`},
		{"numeric duplicate of a text code", [][]any{header, with(b1, 0, "2023001"), with(with(b1, 0, "#2.023001E6"), 4, "#0"), with(total, 0, "TOTAL")}, 3, "bond 2023001: duplicate row (first on row 2)"},
		{"no TOTAL", [][]any{header, b1, {}, {}}, 3, "no TOTAL row"},
		{"row after TOTAL", [][]any{header, b1, total, {}, with(b1, 0, "B2")}, 5, "a row after the TOTAL row (row 3)"},
		{"TOTAL not the sum after rounding", [][]any{header, with(b1, 7, "#0.004"), with(total, 7, "#0.01")}, 3, "TOTAL interest_paid is 0.01 but the bond rows sum to 0.00"},
		{"a tenth column", [][]any{header, with(b1, 9, "note"), total}, 2, "10 columns, want 9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := stmtXLSX(t, "三月", tc.rows)
			rows, err := debt.ReadStatement(bytes.NewReader(data), "x.xlsx")
			require.Error(t, err)
			assert.Nil(t, rows)
			var se *debt.StatementError
			require.True(t, errors.As(err, &se))
			assert.Equal(t, tc.row, se.Row, err.Error())
			prefix := fmt.Sprintf("x.xlsx: row %d: ", tc.row)
			assert.True(t, strings.HasPrefix(err.Error(), prefix+tc.msg), "got %q, want prefix %q", err.Error(), prefix+tc.msg)
		})
	}
}

func TestStatementErrorFormat(t *testing.T) {
	assert.Equal(t, "a.csv: row 3: boom", (&debt.StatementError{File: "a.csv", Row: 3, Msg: "boom"}).Error())
	assert.Equal(t, "a.xlsx: boom", (&debt.StatementError{File: "a.xlsx", Msg: "boom"}).Error())
}

// A worksheet as other programs write it (see stmtHandSheetXML).
func TestReadStatementHandWrittenSheet(t *testing.T) {
	var base bytes.Buffer
	require.NoError(t, debt.WriteStatementXLSX(&base, stmtSamples()["two bonds"]))
	data, err := stmtZipReplace(base.Bytes(), "xl/worksheets/sheet1.xml", []byte(stmtHandSheetXML))
	require.NoError(t, err)
	got, err := debt.ReadStatement(bytes.NewReader(data), "h.xlsx")
	require.NoError(t, err)
	assert.Equal(t, []string{
		"2023001,general,new,0.00,200000000.00,0.00,0.00,1234.56,200000000.00",
		"TOTAL,,,0.00,200000000.00,0.00,0.00,1234.56,200000000.00",
	}, stmtText(got))
}

// TestReadStatementXLSXTooLarge: a workbook whose sheet XML is larger than
// any statement's is refused before excelize loads it (a few kilobytes of
// zip can hold tens of megabytes of cells, which excelize holds at some 35
// bytes per byte).
func TestReadStatementXLSXTooLarge(t *testing.T) {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create("xl/worksheets/sheet1.xml")
	require.NoError(t, err)
	_, err = w.Write(bytes.Repeat([]byte(" "), 9<<20))
	require.NoError(t, err)
	require.NoError(t, z.Close())
	require.Less(t, b.Len(), 100<<10, "small on disk")

	_, err = debt.ReadStatement(bytes.NewReader(b.Bytes()), "big.xlsx")
	require.EqualError(t, err, "big.xlsx: xl/worksheets/sheet1.xml is 9 MB unzipped, more than a statement (at most 8 MB)")
}

// TestStatementErrorsQuoteShort: a huge bad value is quoted shortened, so
// the error stays one readable line.
func TestStatementErrorsQuoteShort(t *testing.T) {
	long := strings.Repeat("B", 100_000)
	csv := stmtHeaderLine + "\n" + long + ",general,new,0,0,0,0,0,0\nTOTAL,,,0,0,0,0,0,0\n"
	_, err := debt.ReadStatement(strings.NewReader(csv), "st.csv")
	require.Error(t, err)
	assert.Less(t, len(err.Error()), 300, err.Error()[:min(300, len(err.Error()))])
	assert.Contains(t, err.Error(), "(100000 characters)")
}
