package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/debtledger/debtledger/ledger"
	"github.com/urfave/cli/v2"
)

// Exit codes of SPEC §6.
const (
	exitOK       = 0
	exitProblem  = 1 // check, verify or reconcile found a problem
	exitBadInput = 2 // bad input, a refused event, an unknown unit, a locked or missing ledger
)

// exitError carries an exit code and one line for a person.
type exitError struct {
	code  int
	msg   string
	cause error
}

func (e *exitError) Error() string { return e.msg }
func (e *exitError) Unwrap() error { return e.cause }

func fail(code int, format string, args ...any) error {
	return &exitError{code: code, msg: fmt.Sprintf(format, args...)}
}

// badInput is the common exit-2 error.
func badInput(format string, args ...any) error { return fail(exitBadInput, format, args...) }

// ledgerFault is badInput for what went wrong reading or writing a
// ledger (see namingLedger).
func ledgerFault(l *ledger.Ledger, err error) error { return badInput("%s", namingLedger(l, err)) }

// namingLedger is err's message naming the ledger once: the ledger's own
// errors name it already.
func namingLedger(l *ledger.Ledger, err error) string {
	var le *ledger.Error
	if errors.As(err, &le) {
		return err.Error()
	}
	return l.Path() + ": " + err.Error()
}

// ledgerInput is badInput for a command's flags: SPEC §6 has every exit-2
// line name a file, here the ledger the command was to read.
func ledgerInput(c *cli.Context, format string, args ...any) error {
	return badInput("%s: "+format, append([]any{c.String("db")}, args...)...)
}

// need refuses a command run without one of its required flags. The flags
// are not urfave/cli's Required, which prints the whole help on stdout
// before the error; here it is one line on stderr, exit 2.
func need(c *cli.Context, flags ...string) error {
	for _, f := range flags {
		if c.String(f) == "" {
			return ledgerInput(c, "%s: --%s is required (see debtledger %s --help)", c.Command.Name, f, c.Command.FullName())
		}
	}
	return nil
}

// problem is exit 1 with a message; the command already printed its findings.
func problem(format string, args ...any) error { return fail(exitProblem, format, args...) }

// Global flags, accepted before or after the command name.
var (
	dbFlag       = &cli.StringFlag{Name: "db", Usage: "the bbolt ledger `PATH`", Value: "./debtledger.db", EnvVars: []string{"DEBTLEDGER_DB"}}
	actorFlag    = &cli.StringFlag{Name: "actor", Usage: "who records; stored on every entry (default $USER, or unknown)", EnvVars: []string{"DEBTLEDGER_ACTOR"}}
	formatFlag   = &cli.StringFlag{Name: "format", Usage: "query output: table, json or csv", Value: "table"}
	yuanUnitFlag = &cli.StringFlag{Name: "yuan-unit", Usage: "table amounts in yuan (元), wan (万元) or yi (亿元)", Value: "yuan"}
	langFlag     = &cli.StringFlag{Name: "lang", Usage: "labels and prose: en or zh", Value: "en", EnvVars: []string{"DEBTLEDGER_LANG"}}
	globalFlags  = []cli.Flag{dbFlag, actorFlag, formatFlag, yuanUnitFlag, langFlag}
)

// env is what a command needs from the outside world, injected for tests.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// lockTimeout is how long to wait for a ledger another process holds.
	lockTimeout time.Duration
	// betweenPhases, when set (by tests), runs after a write is prepared
	// and before the ledger is opened to commit it: where another writer
	// can come in.
	betweenPhases func()
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:                 "debtledger",
		Usage:                "a tamper-evident ledger of government debt (债务台账)",
		Description:          "Records quotas, limits, bonds, on-lending (转贷), repayments, projects and hidden debt in an\nappend-only, hash-chained journal, and proves every rule of the contract with `check`.\n\nExample:\n  debtledger --db changji.db init --root 6523 --name 昌吉州\n  debtledger --db changji.db import events.jsonl\n  debtledger --db changji.db balance --as-of 2023-06-30 --by unit --yuan-unit yi",
		Flags:                globalFlags,
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		Reader:               e.stdin,
		EnableBashCompletion: true,
		HideHelpCommand:      true,
		ExitErrHandler:       func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return badInput("%v (see debtledger --help)", err) // a global flag's
		},
		Before: func(c *cli.Context) error {
			switch c.String("format") {
			case "table", "json", "csv":
			default:
				return ledgerInput(c, "--format %q: want table, json or csv", c.String("format"))
			}
			switch c.String("yuan-unit") {
			case "yuan", "wan", "yi":
			default:
				return ledgerInput(c, "--yuan-unit %q: want yuan, wan or yi", c.String("yuan-unit"))
			}
			switch c.String("lang") {
			case "en", "zh":
			default:
				return ledgerInput(c, "--lang %q: want en or zh", c.String("lang"))
			}
			return nil
		},
		Commands: commands(e),
	}
	for _, c := range app.Commands {
		quietUsageErrors(c, "")
	}
	app.CommandNotFound = func(c *cli.Context, name string) {
		fmt.Fprintf(e.stderr, "debtledger: no command %q (see debtledger --help)\n", name)
		notFound = true
	}
	return app
}

// quietUsageErrors makes a bad flag one line on stderr and exit 2, rather
// than urfave/cli's help text followed by the error; and refuses arguments
// to a command that takes none (ArgsUsage says which take some), which
// urfave/cli would ignore.
// parent is the names of the commands above c ("" at the top).
func quietUsageErrors(c *cli.Command, parent string) {
	name := strings.TrimSpace(parent + " " + c.Name)
	c.OnUsageError = func(ctx *cli.Context, err error, _ bool) error {
		return badInput("%v (see debtledger %s --help)", err, name)
	}
	if action := c.Action; action != nil && c.ArgsUsage == "" {
		c.Action = func(ctx *cli.Context) error {
			if ctx.NArg() > 0 {
				return ledgerInput(ctx, "%s: unexpected argument %q (see debtledger %s --help)", name, ctx.Args().First(), name)
			}
			return action(ctx)
		}
	}
	for _, sub := range c.Subcommands {
		quietUsageErrors(sub, name)
	}
}

// notFound records an unknown command: urfave/cli reports it without error.
var notFound bool

func commands(e *env) []*cli.Command {
	return []*cli.Command{
		initCommand(e), importCommand(e), recordCommand(e), reverseCommand(e), closeCommand(e),
		unitCommand(e), bondCommand(e), journalCommand(e), verifyCommand(e), checkCommand(e),
		balanceCommand(e), quotaCommand(e), scheduleCommand(e), projectsCommand(e), hiddenCommand(e),
		reportCommand(e), statementCommand(e), reconcileCommand(e), backupCommand(e), demoCommand(e), generateCommand(e),
	}
}

// run is main without os.Exit, so that tests can call it in process.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, lockTimeout: lockTimeout()}
	return e.run(args)
}

func (e *env) run(args []string) (code int) {
	defer func() {
		// No input may show a Go stack trace; a fault still gets one line.
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "debtledger: internal error: %v\n", r)
			code = exitBadInput
		}
	}()
	notFound = false
	err := newApp(e).Run(hoistGlobalFlags(args))
	if notFound {
		return exitBadInput
	}
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(e.stderr, ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(e.stderr, oneLine(err.Error()))
	return exitBadInput
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ") }

// hoistGlobalFlags moves global flags written after the command name to the
// front, so that `debtledger balance --db x` works as `debtledger --db x
// balance` does.
func hoistGlobalFlags(args []string) []string {
	if len(args) == 0 {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range globalFlags {
		for _, n := range f.Names() {
			takesValue["--"+n] = true
			takesValue["-"+n] = true
		}
	}
	var globals, rest []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, _, hasValue := strings.Cut(a, "=")
		if takesValue[name] {
			if hasValue {
				globals = append(globals, a)
			} else if i+1 < len(args) {
				globals = append(globals, a, args[i+1])
				i++
			} else {
				rest = append(rest, a)
			}
			continue
		}
		rest = append(rest, a)
	}
	return append(append([]string{args[0]}, globals...), flagsFirst(rest)...)
}

// commandsWithSubcommands have a second command word before their flags.
var commandsWithSubcommands = map[string]bool{"record": true, "unit": true, "bond": true}

// boolFlags take no value.
var boolFlags = map[string]bool{"--force": true, "--record": true, "--dry-run": true, "--help": true, "-h": true}

// flagsFirst moves a command's flags ahead of its positional arguments:
// urfave/cli stops reading flags at the first argument, and `debtledger
// bond show B2023R01 --as-of 2023-03-31` should work as written.
func flagsFirst(rest []string) []string {
	n := 0
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		n = 1
		if commandsWithSubcommands[rest[0]] && len(rest) > 1 && !strings.HasPrefix(rest[1], "-") {
			n = 2
		}
	}
	out := append([]string(nil), rest[:n]...)
	var positional []string
	for i := n; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--":
			positional = append(positional, rest[i+1:]...)
			i = len(rest)
		case a == "-" || !strings.HasPrefix(a, "-"):
			positional = append(positional, a)
		case strings.Contains(a, "=") || boolFlags[a] || i+1 == len(rest):
			out = append(out, a)
		default:
			out = append(out, a, rest[i+1])
			i++
		}
	}
	if len(positional) > 0 {
		out = append(out, "--")
		out = append(out, positional...)
	}
	return out
}

func lockTimeout() time.Duration {
	// Tests shorten the wait of SPEC §1; users get the 5 seconds.
	if d, err := time.ParseDuration(os.Getenv("DEBTLEDGER_LOCK_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return 5 * time.Second
}
