package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/policyreport"
	"github.com/iamref/iamref/internal/parallel"
)

// checked is one document's analysis.
type checked struct {
	in input
	a  *policy.Analysis
}

// docFlags are the flags of the commands that analyse documents.
type docFlags struct {
	*flags
	kind       *string
	awsManaged *bool
}

func newDocFlags(e *env, name string) *docFlags {
	f := &docFlags{flags: newFlags(e, name)}
	f.kind = kindFlag(f.flags)
	f.awsManaged = f.Bool("aws-managed", false, "the documents are AWS managed policies: the customer size quota does not apply (as the site checks them)")
	return f
}

func (f *docFlags) options() (policy.Options, error) {
	k, err := parseKind(*f.kind)
	return policy.Options{Kind: k, AWSManaged: *f.awsManaged}, err
}

// analyzeAll reads and analyses the files, on every core, in their order.
func analyzeAll(e *env, f *docFlags, names []string) ([]checked, *catalog.Catalog, error) {
	opts, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	if len(names) == 0 {
		return nil, nil, usagef("no files (give - for standard input)")
	}
	ins, err := readInputs(e, names)
	if err != nil {
		return nil, nil, err
	}
	if err := unwrap(ins); err != nil {
		return nil, nil, err
	}
	eng, err := f.engine()
	if err != nil {
		return nil, nil, err
	}
	out := make([]checked, len(ins))
	parallel.Each(len(ins), func(i int) {
		out[i] = checked{ins[i], eng.Analyze(ins[i].doc, opts)}
	})
	return out, eng.Catalog(), e.ctx.Err()
}

func analyze(e *env, args []string) (int, error) {
	f := newDocFlags(e, "analyze")
	name := f.String("name", "", "the report's name (one file only; default: the file's name as given)")
	f.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: policy analyze [flags] FILE…\n\nPrints what each document allows and every finding, one iamref.policy.v1 JSON object a line.")
		f.PrintDefaults()
	}
	if err := f.parse(args); err != nil {
		return 0, err
	}
	if *name != "" && f.NArg() != 1 {
		return 0, usagef("-name names one file, and %d are given", f.NArg())
	}
	docs, cat, err := analyzeAll(e, f, f.Args())
	if err != nil {
		return 0, err
	}
	// A report too long to write (policyreport.MaxSize) is an error of
	// its document's; the others are written.
	var errs []error
	for _, d := range docs {
		n := d.in.name
		if *name != "" {
			n = *name
		}
		if o := policyreport.CheckSize(d.a, policyreport.MaxSize); o != nil {
			errs = append(errs, fmt.Errorf("%s:%d:%d: %v", displayName(d.in.name), o.Line, o.Col, o))
			continue
		}
		if _, err := e.stdout.Write(policyreport.Encode(policyreport.Subject{Kind: policyreport.Document, Name: n}, d.a, cat.Snapshot)); err != nil {
			return 0, err
		}
	}
	return exitOK, errors.Join(errs...)
}

func expand(e *env, args []string) (int, error) {
	f := newFlags(e, "expand")
	format := f.String("format", "text", "output: text (ACTION, tab, access level, a line each; the union of the patterns) or json (one iamref.expand.v1 object a pattern)")
	f.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: policy expand [flags] PATTERN…\n\nPrints the catalog actions the patterns match, as IAM matches them (case ignored, * and ?).")
		f.PrintDefaults()
	}
	if err := f.parse(args); err != nil {
		return 0, err
	}
	if *format != "text" && *format != "json" {
		return 0, usagef("-format %q: want text or json", *format)
	}
	if f.NArg() == 0 {
		return 0, usagef("no patterns")
	}
	eng, err := f.engine()
	if err != nil {
		return 0, err
	}
	code := exitOK
	seen := map[*catalog.Action]bool{}
	var union []*catalog.Action
	for _, p := range f.Args() {
		if *format == "json" {
			if _, err := e.stdout.Write(policyreport.EncodeExpansion(eng, p)); err != nil {
				return 0, err
			}
		}
		as := eng.Match(p)
		if len(as) == 0 {
			msg := fmt.Sprintf("policy expand: %q matches no action in the catalog", p)
			if s := eng.Suggest(p); len(s) > 0 {
				msg += "; did you mean " + strings.Join(s, " or ") + "?"
			}
			fmt.Fprintln(e.stderr, msg)
			code = exitFindings
		}
		for _, a := range as {
			if !seen[a] {
				seen[a] = true
				union = append(union, a)
			}
		}
	}
	if *format == "text" {
		sortActions(union)
		var b strings.Builder
		for _, a := range union {
			b.WriteString(a.ID() + "\t" + levelText(a) + "\n")
		}
		if _, err := fmt.Fprint(e.stdout, b.String()); err != nil {
			return 0, err
		}
	}
	return code, nil
}

// levelText is the access level iamref shows first, with the reference's
// when policy_sentry corrects it.
func levelText(a *catalog.Action) string {
	l := string(a.EffectiveLevel())
	if a.Override != nil && a.Override.Level != a.AccessLevel {
		l += " (reference: " + string(a.AccessLevel) + ")"
	}
	if l == "" {
		return "-"
	}
	return l
}

func sortActions(as []*catalog.Action) {
	slices.SortFunc(as, func(a, b *catalog.Action) int {
		if c := strings.Compare(a.Service.Prefix, b.Service.Prefix); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
}

func compare(e *env, args []string) (int, error) {
	f := newDocFlags(e, "compare")
	format := f.String("format", "text", "output: text or json (iamref.compare.v1)")
	f.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: policy compare [flags] A B\n\nPrints what only A allows, only B, and both. Each is a policy document or an iamref.policy.v1 report\n(such as /api/policies/<PolicyName>.json of the site), whose allowed list is taken as it is.")
		f.PrintDefaults()
	}
	if err := f.parse(args); err != nil {
		return 0, err
	}
	if *format != "text" && *format != "json" {
		return 0, usagef("-format %q: want text or json", *format)
	}
	if f.NArg() != 2 {
		return 0, usagef("want two files, A and B; %d given", f.NArg())
	}
	opts, err := f.options()
	if err != nil {
		return 0, err
	}
	ins, err := readInputs(e, f.Args())
	if err != nil {
		return 0, err
	}
	if err := unwrap(ins); err != nil {
		return 0, err
	}
	eng, err := f.engine()
	if err != nil {
		return 0, err
	}
	var sides [2]policyreport.Side
	for i, in := range ins {
		if sides[i], err = policyreport.DocumentOrReport(eng, in.name, in.doc, opts); err != nil {
			return 0, fmt.Errorf("%s: %v", in.name, err)
		}
	}
	out := policyreport.EncodeComparison(sides[0], sides[1], eng.Catalog().Snapshot)
	if *format == "text" {
		out, err = comparisonText(out)
		if err != nil {
			return 0, err
		}
	}
	_, err = e.stdout.Write(out)
	return exitOK, err
}

// comparisonText renders an iamref.compare.v1 comparison as text.
func comparisonText(js []byte) ([]byte, error) {
	type action struct {
		Action      string `json:"action"`
		AccessLevel string `json:"access_level"`
	}
	type side struct {
		Name    string `json:"name"`
		Source  string `json:"source"`
		Allowed int    `json:"allowed"`
		Errors  int    `json:"errors"`
	}
	var c struct {
		A, B  side
		OnlyA []action `json:"only_a"`
		OnlyB []action `json:"only_b"`
		Both  []action `json:"both"`
	}
	if err := json.Unmarshal(js, &c); err != nil {
		return nil, err
	}
	var b strings.Builder
	for _, s := range []struct {
		label string
		side  side
	}{{"A", c.A}, {"B", c.B}} {
		fmt.Fprintf(&b, "%s: %s (%s): allows %d actions", s.label, s.side.Name, s.side.Source, s.side.Allowed)
		if s.side.Errors > 0 {
			fmt.Fprintf(&b, "; %d errors (policy lint shows them)", s.side.Errors)
		}
		b.WriteByte('\n')
	}
	for _, l := range []struct {
		title string
		as    []action
	}{{"only A allows", c.OnlyA}, {"only B allows", c.OnlyB}, {"both allow", c.Both}} {
		fmt.Fprintf(&b, "\n%s (%d):\n", l.title, len(l.as))
		for _, a := range l.as {
			lvl := a.AccessLevel
			if lvl == "" {
				lvl = "-"
			}
			fmt.Fprintf(&b, "  %s\t%s\n", a.Action, lvl)
		}
	}
	return []byte(b.String()), nil
}
