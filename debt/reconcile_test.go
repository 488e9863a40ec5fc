package debt_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/debtledger/debtledger/debt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompare(t *testing.T) {
	row := stmtRow
	b1 := row("B1", "general", "new", "0", "100", "0", "0", "0", "100")
	b2 := row("B2", "special", "refinancing", "50", "0", "0", "10", "1.5", "40")
	total := row("TOTAL", "", "", "50", "100", "0", "10", "1.5", "140")
	zeroTotal := row("TOTAL", "", "", "0", "0", "0", "0", "0", "0")
	type D = debt.Difference
	tests := []struct {
		name              string
		ledger, statement []debt.StatementRow
		want              []D
	}{
		{
			name:      "identical",
			ledger:    []debt.StatementRow{b1, b2, total},
			statement: []debt.StatementRow{b1, b2, total},
			want:      []D{},
		},
		{
			name:      "equal by value, rows in another order",
			ledger:    []debt.StatementRow{b1, b2, total},
			statement: []debt.StatementRow{b2, row("B1", "general", "new", "0.00", "100.0", "0", "0", "0", "100.00"), total},
			want:      []D{},
		},
		{
			name:      "empty month on both sides",
			ledger:    []debt.StatementRow{zeroTotal},
			statement: []debt.StatementRow{zeroTotal},
			want:      []D{},
		},
		{
			name:      "bond missing from the statement",
			ledger:    []debt.StatementRow{b1, b2, total},
			statement: []debt.StatementRow{b2, row("TOTAL", "", "", "50", "0", "0", "10", "1.5", "40")},
			want: []D{
				{Bond: "B1", Field: "row", Ledger: "present", Statement: "absent"},
				{Bond: "TOTAL", Field: "received", Ledger: "100.00", Statement: "0.00"},
				{Bond: "TOTAL", Field: "closing_principal", Ledger: "140.00", Statement: "40.00"},
			},
		},
		{
			name:      "bond missing from the ledger",
			ledger:    []debt.StatementRow{b2, row("TOTAL", "", "", "50", "0", "0", "10", "1.5", "40")},
			statement: []debt.StatementRow{b1, b2, total},
			want: []D{
				{Bond: "B1", Field: "row", Ledger: "absent", Statement: "present"},
				{Bond: "TOTAL", Field: "received", Ledger: "0.00", Statement: "100.00"},
				{Bond: "TOTAL", Field: "closing_principal", Ledger: "40.00", Statement: "140.00"},
			},
		},
		{
			name:      "all-zero statement row for a bond the ledger has no row for",
			ledger:    []debt.StatementRow{b1, b2, total},
			statement: []debt.StatementRow{row("A0", "general", "new", "0", "0", "0", "0", "0", "0"), b1, b2, row("B3", "special", "new", "0.00", "-0", "0", "0", "0", "0"), total},
			want:      []D{},
		},
		{
			name:      "all-zero ledger row missing from the statement is a difference",
			ledger:    []debt.StatementRow{row("A0", "general", "new", "0", "0", "0", "0", "0", "0"), zeroTotal},
			statement: []debt.StatementRow{zeroTotal},
			want:      []D{{Bond: "A0", Field: "row", Ledger: "present", Statement: "absent"}},
		},
		{
			name:      "a statement-only row with one non-zero figure counts",
			ledger:    []debt.StatementRow{zeroTotal},
			statement: []debt.StatementRow{row("A0", "general", "new", "0", "0", "0", "0", "0.01", "0"), row("TOTAL", "", "", "0", "0", "0", "0", "0.01", "0")},
			want: []D{
				{Bond: "A0", Field: "row", Ledger: "absent", Statement: "present"},
				{Bond: "TOTAL", Field: "interest_paid", Ledger: "0.00", Statement: "0.01"},
			},
		},
		{
			name:   "every field of a bond, in column order",
			ledger: []debt.StatementRow{b1, total},
			statement: []debt.StatementRow{
				row("B1", "special", "refinancing", "1", "-100", "2", "3", "4", "5.5"),
				total,
			},
			want: []D{
				{Bond: "B1", Field: "kind", Ledger: "general", Statement: "special"},
				{Bond: "B1", Field: "purpose", Ledger: "new", Statement: "refinancing"},
				{Bond: "B1", Field: "opening_principal", Ledger: "0.00", Statement: "1.00"},
				{Bond: "B1", Field: "received", Ledger: "100.00", Statement: "-100.00"},
				{Bond: "B1", Field: "passed_down", Ledger: "0.00", Statement: "2.00"},
				{Bond: "B1", Field: "principal_repaid", Ledger: "0.00", Statement: "3.00"},
				{Bond: "B1", Field: "interest_paid", Ledger: "0.00", Statement: "4.00"},
				{Bond: "B1", Field: "closing_principal", Ledger: "100.00", Statement: "5.50"},
			},
		},
		{
			name:      "only the TOTAL row differs",
			ledger:    []debt.StatementRow{b1, b2, total},
			statement: []debt.StatementRow{b1, b2, row("TOTAL", "", "", "50.01", "100", "0", "10", "1.5", "140")},
			want:      []D{{Bond: "TOTAL", Field: "opening_principal", Ledger: "50.00", Statement: "50.01"}},
		},
		{
			name:      "TOTAL on one side only",
			ledger:    []debt.StatementRow{zeroTotal},
			statement: nil,
			want:      []D{{Bond: "TOTAL", Field: "row", Ledger: "present", Statement: "absent"}},
		},
		{
			name: "ordering: bytewise codes, TOTAL last, then columns",
			ledger: []debt.StatementRow{
				row("b", "general", "new", "0", "1", "0", "0", "0", "1"),
				row("9", "general", "new", "0", "1", "0", "0", "0", "1"),
				row("B", "general", "new", "0", "1", "0", "0", "0", "1"),
				row("10", "general", "new", "0", "1", "0", "0", "0", "1"),
				row("TOTAL", "", "", "0", "4", "0", "0", "0", "4"),
			},
			statement: []debt.StatementRow{
				row("TOTAL", "", "", "0", "4", "0", "0", "0", "5"),
				row("b", "general", "new", "0", "1", "0", "0", "0", "2"),
				row("A", "general", "new", "0", "0", "0", "0", "0", "1"),
				row("10", "special", "new", "0", "2", "0", "0", "0", "1"),
				row("9", "general", "new", "0", "1", "0", "0", "0", "1"),
			},
			want: []D{
				{Bond: "10", Field: "kind", Ledger: "general", Statement: "special"},
				{Bond: "10", Field: "received", Ledger: "1.00", Statement: "2.00"},
				{Bond: "A", Field: "row", Ledger: "absent", Statement: "present"},
				{Bond: "B", Field: "row", Ledger: "present", Statement: "absent"},
				{Bond: "b", Field: "closing_principal", Ledger: "1.00", Statement: "2.00"},
				{Bond: "TOTAL", Field: "closing_principal", Ledger: "4.00", Statement: "5.00"},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := debt.Compare(tc.ledger, tc.statement)
			require.NotNil(t, got)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDifferenceJSON(t *testing.T) {
	b, err := json.Marshal(debt.Compare(nil, nil))
	require.NoError(t, err)
	assert.JSONEq(t, `[]`, string(b))

	b, err = json.Marshal(debt.Difference{Bond: "B1", Field: "row", Ledger: "present", Statement: "absent"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"bond":"B1","field":"row","ledger":"present","statement":"absent"}`, string(b))
}

// A statement read back from a file compares equal to the rows written.
func TestCompareAfterRoundTrip(t *testing.T) {
	for name, rows := range stmtSamples() {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, debt.WriteStatementXLSX(&b, rows))
			got, err := debt.ReadStatement(&b, "r.xlsx")
			require.NoError(t, err)
			assert.Empty(t, debt.Compare(rows, got))
		})
	}
}
