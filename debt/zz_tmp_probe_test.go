package debt

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestZZProbe(t *testing.T) {
	b := smallBook(t)
	r := b.Report("6523", day(t, "2023-01-01"), day(t, "2023-06-30"))
	fmt.Println(r.Prose("zh", b))
	fmt.Println(r.Prose("en", b))
	r2 := b.Report("652301", day(t, "2023-03-01"), day(t, "2023-03-15"))
	fmt.Println(r2.Prose("zh", b))
	for _, v := range []any{b.ProjectsReport("", "", "", day(t, "2023-06-30")), b.ProjectsReport("652301", "B2023G01", "", day(t, "2023-06-30")).ByUnit(), b.ProjectsReport("", "", "", day(t, "2023-06-30")).BySector(),
		b.HiddenReport("6523", 2023, day(t, "2023-06-30")), b.Execution("6523", 2023, day(t, "2023-06-30")), b.QuotaStatus("6523", 2023, day(t, "2023-06-30")), b.QuotaStatus("652301", 2023, day(t, "2023-06-30")),
		b.Balance("652302", day(t, "2023-06-30"), "bond"), b.Schedule(ScheduleQuery{Unit: "652302", AsOf: day(t, "2031-01-01")})} {
		raw, _ := json.MarshalIndent(v, "", " ")
		fmt.Println(string(raw))
	}
}
