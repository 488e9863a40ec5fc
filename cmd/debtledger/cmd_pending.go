package main

import "github.com/urfave/cli/v2"

func quotaCommand(e *env) *cli.Command     { return &cli.Command{Name: "quota"} }
func balanceCommand(e *env) *cli.Command   { return &cli.Command{Name: "balance"} }
func scheduleCommand(e *env) *cli.Command  { return &cli.Command{Name: "schedule"} }
func projectsCommand(e *env) *cli.Command  { return &cli.Command{Name: "projects"} }
func hiddenCommand(e *env) *cli.Command    { return &cli.Command{Name: "hidden"} }
func reportCommand(e *env) *cli.Command    { return &cli.Command{Name: "report"} }
func statementCommand(e *env) *cli.Command { return &cli.Command{Name: "statement"} }
func reconcileCommand(e *env) *cli.Command { return &cli.Command{Name: "reconcile"} }
func demoCommand(e *env) *cli.Command      { return &cli.Command{Name: "demo"} }
