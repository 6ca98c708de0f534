package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/catalogpack"
	"github.com/iamref/iamref/builder/catalogpack/packfile"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/internal/parallel"
)

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1 // lint found what -fail-on fails on; write could not follow its spec exactly
	exitUsage    = 2 // a usage error, or input that cannot be read
)

// shippedPack is the catalog of content/ in catalogpack's encoding,
// brotli-compressed (builder/catalogpack/packfile); go run ./cmd/update
// rewrites it, TestEmbeddedCatalog checks it.
//
//go:embed catalog.pack.br
var shippedPack []byte

// usageError is a mistake in the command line: exit 2, with the usage.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// env is what a subcommand runs with.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

type command struct {
	name, args, summary string
	run                 func(env *env, args []string) (int, error)
}

var commands []command

func init() {
	commands = []command{
		{"analyze", "[-kind K] [-aws-managed] [-name N] FILE…", "what each policy allows and every finding: one iamref.policy.v1 JSON object a line", analyze},
		{"lint", "[-format text|json|sarif] [-fail-on error|warning|info] [-kind K] [-aws-managed] FILE…", "the findings, as FILE:LINE:COL: SEVERITY: CODE: message lines; exit 1 if any fails -fail-on", lint},
		{"expand", "[-format text|json] PATTERN…", "the catalog actions an action pattern matches, with access levels", expand},
		{"write", "[-spec FILE] [-action A]… [-level SERVICE=LEVELS]… [-arn TYPE=ARN]… [-var TYPE:VAR=VALUE]… [-format json|terraform|report]", "a least-privilege policy, as /write/ writes it", write},
		{"compare", "[-format text|json] [-kind K] A B", "what only A allows, only B, and both (each a document or an iamref.policy.v1 report)", compare},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: policy COMMAND [-content DIR] [flags] ARGS")
	fmt.Fprintln(w, "\nThe catalog is embedded; -content DIR analyses against the content directory DIR instead.")
	fmt.Fprintln(w, "A FILE of \"-\" is standard input, a directory the .json files under it. Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "\n  policy %s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nRun policy COMMAND -h for its flags; docs/policy.md says more.")
}

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(&env{ctx: ctx, stdin: os.Stdin, stdout: stdout, stderr: stderr}, args)
}

func runWith(e *env, args []string) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		usage(e.stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		code, err := c.run(e, args[1:])
		var ue usageError
		switch {
		case errors.Is(err, flag.ErrHelp):
			return exitOK
		case errors.As(err, &ue):
			fmt.Fprintf(e.stderr, "policy %s: %s\nusage: policy %s %s\n", c.name, ue.msg, c.name, c.args)
			return exitUsage
		case err != nil:
			fmt.Fprintf(e.stderr, "policy %s: %v\n", c.name, err)
			return exitUsage
		}
		return code
	}
	fmt.Fprintf(e.stderr, "policy: unknown command %q\n", args[0])
	usage(e.stderr)
	return exitUsage
}

// flags is a subcommand's flag set with the flags every one has.
type flags struct {
	*flag.FlagSet
	content *string
}

func newFlags(e *env, name string) *flags {
	fs := flag.NewFlagSet("policy "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &flags{FlagSet: fs}
	f.content = fs.String("content", "", "analyse against the catalog of this content directory instead of the embedded one")
	return f
}

// parse parses the flags; a flag error is a usage error (the flag package
// has printed it).
func (f *flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// engine is the policy engine of the embedded catalog or of -content.
func (f *flags) engine() (*policy.Engine, error) {
	c, err := loadCatalog(*f.content)
	if err != nil {
		return nil, err
	}
	return policy.NewEngine(c), nil
}

func loadCatalog(dir string) (*catalog.Catalog, error) {
	if dir != "" {
		c, err := catalog.Load(os.DirFS(dir))
		if err != nil {
			return nil, fmt.Errorf("loading the catalog of %s:\n%v", dir, err)
		}
		return c, nil
	}
	b, err := packfile.Decompress(shippedPack)
	if err != nil {
		return nil, fmt.Errorf("the embedded catalog: %v", err)
	}
	c, err := catalogpack.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("the embedded catalog: %v", err)
	}
	return c, nil
}

// kindFlag is -kind: identity, resource, scp, or guessed.
func kindFlag(f *flags) *string {
	return f.String("kind", "", "check every document as this kind of policy: identity, resource or scp (default: guessed from Principal)")
}

func parseKind(s string) (policy.Kind, error) {
	switch k := policy.Kind(strings.ToLower(s)); k {
	case "", policy.Identity, policy.Resource, policy.SCP:
		return k, nil
	}
	return "", usagef("-kind %q: want identity, resource or scp", s)
}

// input is one file to read.
type input struct {
	name string // as given; "-" for standard input
	src  []byte
	doc  []byte // what the engine analyses: src, or the document it wraps (unwrap)
}

// readInputs reads the files, "-" from standard input (once); a directory
// stands for the .json files under it, in path order.
func readInputs(e *env, names []string) ([]input, error) {
	var out []input
	stdin := false
	var files []string
	for _, n := range names {
		st, err := os.Stat(n)
		if n == "-" || err != nil || !st.IsDir() {
			files = append(files, n)
			continue
		}
		var found []string
		err = filepath.WalkDir(n, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".json") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no .json files", n)
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	for _, n := range files {
		var b []byte
		var err error
		if n == "-" {
			if stdin {
				return nil, usagef("standard input (-) given twice")
			}
			stdin = true
			b, err = io.ReadAll(e.stdin)
		} else {
			b, err = os.ReadFile(n)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, input{name: n, src: b})
	}
	return out, nil
}

// unwrap sets every input's document (policy.Unwrap: the one a wrapper
// such as get-policy-version's holds, or the file itself), on every core,
// and says, of every input that holds its policy document as a string
// (an SCP as Organizations' describe-policy prints it), that it must be
// decoded first: checked as it is, the wrapper would give findings of its
// own keys, and decoded here, the document's findings would not be at the
// file's lines.
func unwrap(ins []input) error {
	held := make([]*policy.HeldDocument, len(ins))
	parallel.Each(len(ins), func(i int) {
		ins[i].doc, held[i] = policy.Unwrap(ins[i].src)
	})
	var errs []error
	for i, h := range held {
		if h != nil {
			errs = append(errs, fmt.Errorf("%s:%d:%d: %s (jq -r .%s %s prints a JSON string's)",
				displayName(ins[i].name), h.At.Line, h.At.Col, h.Problem(), h.Path, ins[i].name))
		}
	}
	return errors.Join(errs...)
}

// multiFlag is a flag that may be given many times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// severities, most severe first.
var severities = []policy.Severity{policy.Error, policy.Warning, policy.Info}

func severityRank(s policy.Severity) int {
	for i, x := range severities {
		if x == s {
			return i
		}
	}
	return len(severities)
}
