package debt_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/debtledger/debtledger/debt"
	"github.com/shopspring/decimal"
)

// Seed corpora are committed under testdata/fuzz/FuzzReadStatement*/;
// the seeds added here are built by the code under test.

func FuzzReadStatementCSV(f *testing.F) {
	for _, rows := range stmtSamples() {
		var b bytes.Buffer
		if err := debt.WriteStatementCSV(&b, rows); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
		f.Add(append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(b.Bytes(), []byte("\n"), []byte("\r\n"))...))
	}
	f.Add([]byte(stmtHeaderLine + "\n" + `"B1","general","new","0","-13.9亿","0","0","0","-1390000000"` + "\nTOTAL,,,0,-1390000000.00,0,0,0,-13.9亿\n,,,,,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := debt.ReadStatement(bytes.NewReader(data), "fuzz.csv")
		stmtFuzzCheck(t, "fuzz.csv", rows, err)
	})
}

// stmtHandSheetXML is a first worksheet written by hand the way other
// programs write one: inline strings, a formula with its cached value, a
// formula string result, numbers in scientific notation, rows numbered
// with gaps. It goes with the shared strings of WriteStatementXLSX's
// output, whose first nine are the header.
const stmtHandSheetXML = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
	`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c><c r="I1" t="s"><v>8</v></c></row>` +
	`<row r="3"><c r="A3"><v>2.023001E6</v></c><c r="B3" t="inlineStr"><is><t>general</t></is></c><c r="C3" t="inlineStr"><is><t>new</t></is></c><c r="D3"><v>0</v></c><c r="E3"><v>2.0E8</v></c><c r="F3"><v>0</v></c><c r="G3"><v>0</v></c><c r="H3"><v>1234.5600000001</v></c><c r="I3"><v>200000000</v></c></row>` +
	`<row r="4"><c r="A4" t="inlineStr"><is><t>TOTAL</t></is></c><c r="D4"><v>0</v></c><c r="E4"><f>SUM(E3)</f><v>200000000</v></c><c r="F4"><v>0</v></c><c r="G4"><v>0</v></c><c r="H4" t="str"><v>1234.56</v></c><c r="I4"><v>200000000</v></c></row>` +
	`<row r="9"/></sheetData></worksheet>`

// FuzzReadStatementXLSX takes either a whole file (starting with "PK") or
// the XML of the first worksheet, which it packs into an otherwise valid
// workbook so that the fuzzer can reach excelize's cell parsing past the
// zip checksums.
func FuzzReadStatementXLSX(f *testing.F) {
	var base bytes.Buffer
	if err := debt.WriteStatementXLSX(&base, stmtSamples()["two bonds"]); err != nil {
		f.Fatal(err)
	}
	f.Add(base.Bytes())
	sheet, err := stmtZipMember(base.Bytes(), "xl/worksheets/sheet1.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sheet)
	f.Add([]byte(stmtHandSheetXML))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := data
		if !bytes.HasPrefix(data, []byte("PK")) {
			var err error
			if file, err = stmtZipReplace(base.Bytes(), "xl/worksheets/sheet1.xml", data); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := debt.ReadStatement(bytes.NewReader(file), "fuzz.xlsx")
		stmtFuzzCheck(t, "fuzz.xlsx", rows, err)
	})
}

// stmtFuzzCheck: an error is a *StatementError naming the file; a
// statement read is well formed and survives a CSV round trip.
func stmtFuzzCheck(t *testing.T, name string, rows []debt.StatementRow, err error) {
	if err != nil {
		var se *debt.StatementError
		if !errors.As(err, &se) || se.File != name || !strings.HasPrefix(err.Error(), name+": ") {
			t.Fatalf("error %T %q does not name the file", err, err)
		}
		if rows != nil {
			t.Fatalf("rows returned with an error")
		}
		return
	}
	if len(rows) == 0 || rows[len(rows)-1].Bond != debt.TotalBond {
		t.Fatalf("no TOTAL row last: %v", stmtText(rows))
	}
	seen := map[string]bool{}
	sums := make([]decimal.Decimal, 6)
	for _, r := range rows[:len(rows)-1] {
		if r.Bond == debt.TotalBond || seen[r.Bond] {
			t.Fatalf("bond %q twice", r.Bond)
		}
		seen[r.Bond] = true
		for i, a := range r.Amounts() {
			sums[i] = sums[i].Add(a)
		}
	}
	for i, a := range rows[len(rows)-1].Amounts() {
		if !a.Equal(sums[i]) {
			t.Fatalf("TOTAL column %d is %s, sum %s", i, a, sums[i])
		}
	}
	var b bytes.Buffer
	if err := debt.WriteStatementCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	again, err := debt.ReadStatement(&b, "again.csv")
	if err != nil {
		t.Fatalf("rewritten statement not readable: %v", err)
	}
	if d := debt.Compare(rows, again); len(d) != 0 {
		t.Fatalf("round trip differs: %v", d)
	}
}

func stmtZipMember(zipData []byte, name string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return nil, err
	}
	rc, err := zr.Open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// stmtZipReplace copies a zip, replacing one member's content.
func stmtZipReplace(zipData []byte, name string, content []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		w, err := zw.Create(zf.Name)
		if err != nil {
			return nil, err
		}
		if zf.Name == name {
			_, err = w.Write(content)
		} else {
			var rc io.ReadCloser
			if rc, err = zf.Open(); err == nil {
				_, err = io.Copy(w, rc)
				rc.Close()
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
