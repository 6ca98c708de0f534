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
