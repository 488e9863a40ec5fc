package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/debtledger/debtledger/debt"
	"github.com/debtledger/debtledger/ledger"
	"github.com/debtledger/debtledger/quota"
	"github.com/urfave/cli/v2"
)

// eventForm describes one event type for `record`: its fields (SPEC §4, "?"
// marks optional ones) and an example.
type eventForm struct {
	name, usage, example string
	fields               []string
}

var eventForms = []eventForm{
	{"unit", "register a unit under its parent", "--code 652301 --name 昌吉市 --parent 6523", []string{"code", "name", "parent?"}},
	{"limit", "a unit's opening debt limit (migration)", "--unit 652301 --kind general --amount 10亿", []string{"unit", "kind", "amount"}},
	{"quota", "new-debt quota or refinancing scale for a year", "--year 2023 --kind general --to 652301 --from 6523 --amount 4亿", []string{"year", "kind", "to", "from?", "amount"}},
	{"bond", "register a bond; --date is its value date", "--date 2023-05-10 --code B2023S01 --name 2023年专项债券（三期） --kind special --purpose new --maturity 2043-05-10 --rate 3.10 --interest semiannual --amortization 2039-05-10:25,2040-05-10:25,2041-05-10:25,2043-05-10:25", []string{"code", "name", "kind", "purpose", "maturity", "rate", "interest", "amortization?"}},
	{"opening", "principal a unit already owed when the ledger began", "--bond B2019G01 --unit 652301 --principal 5亿", []string{"bond", "unit", "principal"}},
	{"onlend", "on-lending (转贷) of a bond from the superior or a parent", "--bond B2023G01 --from 6523 --to 652301 --amount 4亿", []string{"bond", "to", "from?", "amount"}},
	{"repay", "principal, interest and fees repaid", "--bond B2018G02 --unit 652301 --principal 2亿 --interest 0 --source refinancing --refinancing-bond B2023R01", []string{"bond", "unit", "principal", "interest", "fee?", "source", "refinancing_bond?"}},
	{"project", "register a project funded by new bonds", "--code P001 --name 城区道路改造 --unit 652301 --sector 交通 --kind general", []string{"code", "name", "unit", "sector", "kind"}},
	{"allocate", "allocate new bond funds to a project", "--bond B2023G01 --project P001 --amount 3亿", []string{"bond", "project", "amount"}},
	{"spend", "bond funds a project paid out", "--project P001 --bond B2023G01 --amount 1亿", []string{"project", "bond", "amount"}},
	{"hidden_stock", "recognised hidden debt of a unit", "--unit 652302 --amount 4亿", []string{"unit", "amount"}},
	{"hidden_plan", "planned hidden-debt resolution for a month", "--unit 652302 --year 2023 --month 3 --amount 1亿", []string{"unit", "year", "month", "amount"}},
	{"hidden_resolve", "hidden debt resolved", "--unit 652302 --amount 8000万 --method fiscal_funds", []string{"unit", "amount", "method"}},
	{"budget", "a year's budget for debt service or hidden-debt resolution", "--unit 6523 --year 2023 --item debt_service --amount 5亿", []string{"unit", "year", "item", "amount"}},
	{"reverse", "cancel an entry from this date on (红字冲销)", "--entry ol-2023G01-652301 --reason 金额录入错误", []string{"entry", "reason"}},
	{"close", "close a month and every earlier one", "--period 2023-06", []string{"period"}},
	{"reconciled", "the outcome of a reconciliation", "--unit 652301 --period 2023-03 --scope own --matched true --differences 0 --statement-sha256 <hex>", []string{"unit", "period", "scope", "matched", "differences", "statement_sha256"}},
}

func recordCommand(e *env) *cli.Command {
	cmd := &cli.Command{
		Name:      "record",
		Usage:     "record one event of any type from flags",
		UsageText: "debtledger record onlend --date 2023-02-25 --bond B2023G01 --from 6523 --to 652301 --amount 4亿",
	}
	for _, form := range eventForms {
		cmd.Subcommands = append(cmd.Subcommands, e.recordSubcommand(form))
	}
	return cmd
}

func (e *env) recordSubcommand(form eventForm) *cli.Command {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "id", Usage: "idempotency key (default: generated)"},
		&cli.StringFlag{Name: "date", Usage: "business date YYYY-MM-DD (default: today)"},
		&cli.StringFlag{Name: "doc", Usage: "document number (文号), e.g. 新财预〔2023〕12号"},
		&cli.StringFlag{Name: "memo", Usage: "free text"},
	}
	for _, f := range form.fields {
		name, optional := strings.CutSuffix(f, "?")
		usage := "required"
		if optional {
			usage = "optional"
		}
		flags = append(flags, &cli.StringFlag{Name: flagName(name), Usage: usage})
	}
	return &cli.Command{
		Name:      form.name,
		Usage:     form.usage,
		UsageText: "debtledger record " + form.name + " " + form.example,
		Flags:     flags,
		Action: func(c *cli.Context) error {
			obj := map[string]any{"type": form.name, "id": c.String("id"), "date": c.String("date")}
			if obj["id"] == "" {
				obj["id"] = fmt.Sprintf("%s-%s", form.name, e.now().UTC().Format("20060102T150405.000000000"))
			}
			if obj["date"] == "" {
				obj["date"] = e.today().String()
			}
			for _, k := range []string{"doc", "memo"} {
				if c.IsSet(k) {
					obj[k] = c.String(k)
				}
			}
			for _, f := range form.fields {
				name, _ := strings.CutSuffix(f, "?")
				if !c.IsSet(flagName(name)) {
					continue
				}
				v := c.String(flagName(name))
				if name == "amortization" {
					steps, err := parseAmortization(v)
					if err != nil {
						return badInput("record bond: --amortization: %v", err)
					}
					obj[name] = steps
					continue
				}
				obj[name] = flagValue(name, v)
			}
			return e.recordOne(c, obj, e.stdout)
		},
	}
}

// flagValue is a field's flag text as the JSON value an import line would
// give: a bool or a count is not a string there (SPEC §4); text that is
// neither stays a string, for the event's own check to refuse.
func flagValue(field, v string) any {
	switch field {
	case "matched":
		if v == "true" || v == "false" {
			return v == "true"
		}
	case "differences":
		if v != "" && strings.Trim(v, "0123456789") == "" {
			return quota.Number(v)
		}
	}
	return v
}

// recordOne writes one event and prints its entry and the journal head on
// out.
func (e *env) recordOne(c *cli.Context, obj map[string]any, out io.Writer) error {
	db := c.String("db")
	ev, err := debt.Decode(obj)
	if err != nil {
		return badInput("%s: %v", db, err)
	}
	res, err := e.writeEvents(c, func(_ *ledger.Batch, yield func(pending) error) error {
		return yield(pending{ev: ev, where: db})
	}, false)
	if err != nil {
		return err
	}
	if res.written == 0 {
		fmt.Fprintf(out, "duplicate: %s is already recorded with the same content\n", ev.ID)
	} else {
		fmt.Fprintf(out, "recorded %s as entry %d\n", ev.ID, res.headSeq)
	}
	fmt.Fprintf(out, "head %s\n", ledger.FormatHead(res.headSeq, res.headHash))
	return nil
}

func flagName(field string) string { return strings.ReplaceAll(field, "_", "-") }

// parseAmortization reads "2039-05-10:25,2040-05-10:75".
func parseAmortization(s string) ([]any, error) {
	var steps []any
	for _, part := range strings.Split(s, ",") {
		date, pct, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, fmt.Errorf("%q: want DATE:PERCENT", part)
		}
		steps = append(steps, map[string]any{"date": date, "percent": quota.Number(pct)})
	}
	return steps, nil
}

func reverseCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "reverse",
		Usage:     "cancel an entry's effect from --date on (红字冲销)",
		UsageText: "debtledger reverse --entry ol-2023G01-652301 --reason 金额录入错误 --date 2023-03-01",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "entry", Usage: "id of the entry to cancel (required)"},
			&cli.StringFlag{Name: "reason", Usage: "why (required)"},
			&cli.StringFlag{Name: "date", Usage: "business date (default: today)"},
			&cli.StringFlag{Name: "id", Usage: "idempotency key (default: generated)"},
			&cli.StringFlag{Name: "doc", Usage: "document number"},
		},
		Action: func(c *cli.Context) error {
			if err := need(c, "entry", "reason"); err != nil {
				return err
			}
			obj := map[string]any{"type": "reverse", "id": c.String("id"), "date": c.String("date"),
				"entry": c.String("entry"), "reason": c.String("reason")}
			if obj["id"] == "" {
				obj["id"] = "reverse-" + c.String("entry")
			}
			if obj["date"] == "" {
				obj["date"] = e.today().String()
			}
			if c.IsSet("doc") {
				obj["doc"] = c.String("doc")
			}
			return e.recordOne(c, obj, e.stdout)
		},
	}
}

func closeCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "close",
		Usage:     "close a month and every earlier one; prints the journal head to keep as an anchor",
		UsageText: "debtledger close --period 2023-06 --date 2023-07-05",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "period", Usage: "YYYY-MM (required)"},
			&cli.StringFlag{Name: "date", Usage: "business date, on or after the period's last day (default: today)"},
			&cli.StringFlag{Name: "id", Usage: "idempotency key (default: close-PERIOD)"},
		},
		Action: func(c *cli.Context) error {
			if err := need(c, "period"); err != nil {
				return err
			}
			obj := map[string]any{"type": "close", "id": c.String("id"), "date": c.String("date"), "period": c.String("period")}
			if obj["id"] == "" {
				obj["id"] = "close-" + c.String("period")
			}
			if obj["date"] == "" {
				obj["date"] = e.today().String()
			}
			return e.recordOne(c, obj, e.stdout)
		},
	}
}
