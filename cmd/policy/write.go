package main

import (
	"fmt"
	"strings"

	"github.com/iamref/iamref/builder/catalog"
	"github.com/iamref/iamref/builder/leastprivilege"
	"github.com/iamref/iamref/builder/policy"
	"github.com/iamref/iamref/builder/yamlpos"
)

func write(e *env, args []string) (int, error) {
	f := newFlags(e, "write")
	specFile := f.String("spec", "", "read the spec from this YAML or JSON file (- for standard input); the flags below add to it")
	var actions, levels, excludes, arns, vars, deps multiFlag
	f.Var(&actions, "action", "an action or pattern to allow (repeatable; commas separate several)")
	f.Var(&levels, "level", "SERVICE=LEVEL,LEVEL: every action of the service at these access levels; SERVICE alone: all of them (repeatable)")
	f.Var(&excludes, "exclude", "a pattern of actions to leave out (repeatable)")
	f.Var(&arns, "arn", "TYPE=ARN: an ARN of resource type TYPE (prefix:type, e.g. s3:bucket) as written (repeatable)")
	f.Var(&vars, "var", "TYPE:VARIABLE=VALUE: a value of a variable of TYPE's ARN format, e.g. s3:object:BucketName=reports (repeatable; missing ones are *)")
	f.Var(&deps, "dependent", "include this dependent action of the chosen ones (repeatable)")
	allDeps := f.Bool("all-dependent", false, "include every dependent action of the chosen ones")
	name := f.String("name", "", "the Terraform data source's name (default policy)")
	format := f.String("format", "json", "output: json (the policy document), terraform (an aws_iam_policy_document data source) or report (iamref.write.v1: the policy, its resources, dependent actions and verification)")
	f.Usage = func() {
		fmt.Fprintln(e.stderr, "usage: policy write [flags]\n\nWrites the least-privilege policy for the chosen actions, grouped by resource ARNs, and checks it with the\npolicy engine. Exit 0: it allows exactly the chosen actions; 1: something in the spec could not be followed,\nor the policy allows more or less (said on standard error); 2: a usage error.")
		f.PrintDefaults()
	}
	if err := f.parse(args); err != nil {
		return 0, err
	}
	switch *format {
	case "json", "terraform", "report":
	default:
		return 0, usagef("-format %q: want json, terraform or report", *format)
	}
	if f.NArg() > 0 {
		return 0, usagef("unexpected arguments %q: actions are given with -action", f.Args())
	}
	var spec leastprivilege.Spec
	if *specFile != "" {
		ins, err := readInputs(e, []string{*specFile})
		if err != nil {
			return 0, err
		}
		if spec, err = parseSpec(displayName(*specFile), ins[0].src); err != nil {
			return 0, err
		}
	}
	for _, a := range actions {
		for _, x := range strings.Split(a, ",") {
			if x = strings.TrimSpace(x); x != "" {
				spec.Actions = append(spec.Actions, x)
			}
		}
	}
	for _, l := range levels {
		svc, lv, _ := strings.Cut(l, "=")
		sl := leastprivilege.ServiceLevels{Service: strings.TrimSpace(svc)}
		if sl.Service == "" {
			return 0, usagef("-level %q: want SERVICE=LEVEL,LEVEL", l)
		}
		for _, x := range strings.Split(lv, ",") {
			if x = strings.TrimSpace(x); x != "" {
				sl.Levels = append(sl.Levels, catalog.AccessLevel(x))
			}
		}
		spec.Levels = append(spec.Levels, sl)
	}
	spec.Exclude = append(spec.Exclude, excludes...)
	resource := func(typ string) *leastprivilege.Resource {
		for i := range spec.Resources {
			if spec.Resources[i].Type == typ {
				return &spec.Resources[i]
			}
		}
		spec.Resources = append(spec.Resources, leastprivilege.Resource{Type: typ})
		return &spec.Resources[len(spec.Resources)-1]
	}
	for _, a := range arns {
		typ, arn, ok := strings.Cut(a, "=")
		if !ok || typ == "" || arn == "" {
			return 0, usagef("-arn %q: want TYPE=ARN, e.g. s3:bucket=arn:aws:s3:::reports", a)
		}
		r := resource(typ)
		r.ARNs = append(r.ARNs, arn)
	}
	for _, v := range vars {
		lhs, val, ok := strings.Cut(v, "=")
		i := strings.LastIndex(lhs, ":")
		if !ok || i <= 0 || !strings.Contains(lhs[:i], ":") || i == len(lhs)-1 {
			return 0, usagef("-var %q: want TYPE:VARIABLE=VALUE, e.g. s3:object:BucketName=reports", v)
		}
		r := resource(lhs[:i])
		if r.Values == nil {
			r.Values = map[string]string{}
		}
		r.Values[lhs[i+1:]] = val
	}
	spec.Dependent = append(spec.Dependent, deps...)
	spec.AllDependent = spec.AllDependent || *allDeps
	if *name != "" {
		spec.Name = *name
	}
	if len(spec.Actions) == 0 && len(spec.Levels) == 0 {
		return 0, usagef("no actions chosen: give -action, -level or -spec")
	}
	eng, err := f.engine()
	if err != nil {
		return 0, err
	}
	p := leastprivilege.Write(eng, spec)
	var out []byte
	switch *format {
	case "json":
		out = p.JSON
	case "terraform":
		out = p.Terraform
	case "report":
		out = leastprivilege.Encode(p, eng.Catalog().Snapshot)
	}
	if _, err := e.stdout.Write(out); err != nil {
		return 0, err
	}
	return writeSummary(e, p), nil
}

// parseSpec decodes a spec strictly: an unknown key or a value of the
// wrong kind is an error at its line and column.
func parseSpec(file string, src []byte) (leastprivilege.Spec, error) {
	var spec leastprivilege.Spec
	n, errs := yamlpos.Parse(file, src, 1)
	if err := errs.Err(); err != nil {
		return spec, err
	}
	if err := yamlpos.Decode(file, n, &spec).Err(); err != nil {
		return spec, err
	}
	return spec, nil
}

// writeSummary says on standard error what could not be followed, what
// the verification found, and the dependent actions left out; it returns
// the exit code.
func writeSummary(e *env, p *leastprivilege.Policy) int {
	code := exitOK
	for _, pr := range p.Problems {
		fmt.Fprintf(e.stderr, "policy write: %s\n", pr)
		code = exitFindings
	}
	v := p.Verification
	for _, x := range v.Extra {
		fmt.Fprintf(e.stderr, "policy write: the policy also allows %s: %s\n", x.Action.ID(), x.Reason)
		code = exitFindings
	}
	for _, a := range v.Missing {
		fmt.Fprintf(e.stderr, "policy write: the policy does not allow %s\n", a.ID())
		code = exitFindings
	}
	for _, x := range v.Findings {
		if x.Severity == policy.Info {
			continue // in -format report
		}
		fmt.Fprintf(e.stderr, "policy write: policy:%d:%d: %s: %s: %s\n", x.Line, x.Col, x.Severity, x.Code, x.Message)
	}
	for _, d := range p.Dependent {
		if d.Included {
			continue
		}
		var of []string
		for _, a := range d.Of {
			of = append(of, a.ID())
		}
		if d.Action == nil {
			fmt.Fprintf(e.stderr, "policy write: note: %s may need %s, which the catalog lacks\n", strings.Join(of, ", "), d.Name)
			continue
		}
		fmt.Fprintf(e.stderr, "policy write: note: %s may need %s (-dependent %s includes it)\n", strings.Join(of, ", "), d.Name, d.Name)
	}
	if v.Exact {
		fmt.Fprintf(e.stderr, "policy write: the policy allows exactly the %d chosen actions\n", len(p.Actions))
	}
	return code
}
