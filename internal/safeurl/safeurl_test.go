package safeurl

import "testing"

func TestCheck(t *testing.T) {
	for u, want := range map[string]string{
		"https://docs.aws.amazon.com/": "", "http://x": "", "HTTPS://X": "", "/chime/": "", "../x": "", "#top": "",
		"${APIReferenceDocPage}API_Search.html": "", "API_ListSpaces.html": "", "xxx<link>.html": "", "": "",
		"mailto:a@b": "mailto", "javascript:alert(1)": "javascript", " JaVa\tScRiPt:alert(1)": "javascript",
		"\x00javascript:x": "javascript", "data:text/html,x": "data", "vbscript:x": "vbscript", "file:///etc/passwd": "file",
		"1http:x": "", "a-b.c+d:x": "a-b.c+d",
	} {
		if got := Check(u, "http", "https"); got != want {
			t.Errorf("Check(%q) = %q, want %q", u, got, want)
		}
	}
	if got := Check("mailto:a@b", "http", "https", "mailto"); got != "" {
		t.Errorf("mailto allowed: %q", got)
	}
}
