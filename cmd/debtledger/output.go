package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/debtledger/debtledger/quota"
	"github.com/shopspring/decimal"
	"github.com/urfave/cli/v2"
)

// grid is a query's rows for table or CSV output. Amount cells are kept as
// decimals so that tables can show them in 万元 or 亿元 while CSV stays in
// yuan (SPEC §1).
type grid struct {
	header []string
	rows   [][]any // string, int, decimal.Decimal or quota.Money
}

func (g *grid) add(cells ...any) { g.rows = append(g.rows, cells) }

// print writes the grid as a table or CSV, per --format and --yuan-unit.
func (g *grid) print(c *cli.Context, w io.Writer) error {
	if c.String("format") == "csv" {
		fmt.Fprintln(w, strings.Join(g.header, ","))
		for _, r := range g.rows {
			cells := make([]string, len(r))
			for i, v := range r {
				cells[i] = csvText(cellText(v, "yuan"))
			}
			fmt.Fprintln(w, strings.Join(cells, ","))
		}
		return nil
	}
	unit := c.String("yuan-unit")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	header := append([]string(nil), g.header...)
	if c.String("lang") == "zh" {
		for i, h := range header {
			if zh, ok := zhLabels[h]; ok {
				header[i] = zh
			}
		}
	}
	if unit != "yuan" {
		for i := range header {
			if g.isAmountColumn(i) {
				header[i] += " (" + map[string]string{"wan": "万元", "yi": "亿元"}[unit] + ")"
			}
		}
	}
	fmt.Fprintln(tw, strings.Join(header, "\t")+"\t")
	for _, r := range g.rows {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = cellText(v, unit)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	return tw.Flush()
}

func (g *grid) isAmountColumn(i int) bool {
	for _, r := range g.rows {
		switch r[i].(type) {
		case decimal.Decimal, quota.Money:
			return true
		}
	}
	return false
}

func cellText(v any, unit string) string {
	switch x := v.(type) {
	case decimal.Decimal:
		return quota.FormatIn(x, unit)
	case quota.Money:
		return quota.FormatIn(x.Decimal, unit)
	case int:
		return fmt.Sprint(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// percentText shows a percent money value as "12.34%".
func percentText(p quota.Percent) string { return p.StringFixed(2) + "%" }

// zhLabels are table headers for --lang zh; CSV headers stay as they are,
// since programs read them.
var zhLabels = map[string]string{
	"scope": "范围", "unit": "单位", "name": "名称", "general": "一般债务", "special": "专项债务",
	"total": "合计", "bond": "债券", "kind": "类型", "purpose": "用途", "principal": "本金",
	"interest": "利息", "period": "期间", "figure": "项目", "amount": "金额", "received": "收到上级",
	"passed_down": "下达下级", "own": "本级", "used": "已使用", "remaining": "剩余", "limit": "限额",
	"balance": "余额", "project": "项目", "sector": "领域", "bonds": "债券", "allocated": "已安排",
	"spent": "已支出", "progress": "支出进度", "stock": "存量", "unresolved": "未化解", "planned": "计划化解",
	"resolved": "已化解", "vs plan": "计划完成率", "vs stock": "存量化解率", "field": "字段", "ledger": "台账",
	"statement": "对账单", "projects": "项目数", "debt service budget": "还本付息预算", "paid": "已还本付息",
	"resolution budget": "化解预算", "value date": "起息日", "maturity": "到期日", "rate": "利率",
	"outstanding": "余额", "holder": "持有单位", "unapplied proceeds": "未使用再融资资金",
}
