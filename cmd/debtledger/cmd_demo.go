package main

import "github.com/urfave/cli/v2"

func demoCommand(e *env) *cli.Command {
	return &cli.Command{Name: "demo", Usage: "build the Changji 2023 H1 scenario into a fresh ledger and print its report",
		Action: func(c *cli.Context) error { return badInput("demo: not yet") }}
}
