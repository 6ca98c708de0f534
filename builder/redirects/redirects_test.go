package redirects

import "testing"

func TestRedirectMatching(t *testing.T) {
	table := NewTable(Parse([]byte(`# comment
/a/b /x/ 301
/a/* /star/:splat
/p/:id/q /id/:id/ 302
/a/b /never/
`)))
	for p, want := range map[string]string{"/a/b": "/x/", "/a/b/": "/x/", "/a/c/d/": "/star/c/d/", "/a/c": "/star/c", "/p/7/q": "/id/7/", "/z": ""} {
		r, ok := table.Match(p)
		if got := r.To; !ok && want != "" || ok && got != want {
			t.Errorf("match(%s) = %q %v, want %q", p, got, ok, want)
		}
	}
	if r, _ := table.Match("/p/1/q"); r.Status != 302 {
		t.Errorf("status = %d", r.Status)
	}
}

// TestLowerAliasesAmbiguous: names that differ only in letter case keep
// their own pages, and their shared lower-case form redirects nowhere.
func TestLowerAliasesAmbiguous(t *testing.T) {
	rs := NewSet(func(string) bool { return false })
	rs.LowerAliases([]string{"/conditions/x_MaxTunnel/", "/conditions/x_maxTunnel/", "/conditions/x_Other/"})
	if r := rs.Rules(); len(r) != 1 || r[0].From != "/conditions/x_other" || r[0].To != "/conditions/x_Other/" {
		t.Errorf("rules = %+v", r)
	}
}
