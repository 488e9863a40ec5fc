package main

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain lets the scripts run `debtledger` as a real process: testscript
// re-executes this test binary under that name.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"debtledger": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
		"holdlock":   holdLock,
	})
}

// TestScripts runs every workflow in testdata/script, each in a fresh
// directory with its own ledger file.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("DEBTLEDGER_ACTOR", "script")
			env.Setenv("DEBTLEDGER_LOCK_TIMEOUT", "300ms")
			env.Setenv("TZ", "Asia/Shanghai")
			return nil
		},
		Cmds: scriptCommands,
	})
}
