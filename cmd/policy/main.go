// Command policy is iamref's policy engine on the command line: it checks
// policy documents against the AWS catalog, says what they allow, expands
// action patterns and writes least-privilege policies, as the site does.
//
//	go run ./cmd/policy lint policies/*.json
//	go run ./cmd/policy analyze -kind identity role.json
//	go run ./cmd/policy expand 's3:Get*'
//	go run ./cmd/policy write -action s3:GetObject -var s3:object:BucketName=reports
//	go run ./cmd/policy compare mine.json theirs.json
//
// It works from any directory: the catalog is embedded (the shipped
// content/, in builder/catalogpack's encoding); -content DIR uses another.
// A file named "-" is read from standard input. docs/policy.md documents
// every subcommand, its output and its exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
