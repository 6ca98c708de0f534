package diag

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestError(t *testing.T) {
	for _, tt := range []struct {
		d    Diagnostic
		want string
	}{
		{Diagnostic{File: "a.json", Line: 3, Col: 7, Msg: "bad"}, "a.json:3:7: bad"},
		{Diagnostic{File: "a.json", Line: 3, Msg: "bad"}, "a.json:3: bad"},
		{Diagnostic{File: "a.json", Msg: "bad"}, "a.json: bad"},
		{Diagnostic{File: "a.json", Col: 7, Msg: "bad"}, "a.json: bad"}, // a column without a line says nothing
	} {
		if got := tt.d.Error(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestList(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("an empty list is an error")
	}
	l.Add("b.md", 1, 1, "second file")
	l.Add("a.json", 9, 2, "later %s", "line")
	l.Add("a.json", 2, 5, "first")
	l.Add("a.json", 2, 5, "same place, added after")
	err := l.Err()
	want := "a.json:2:5: first\na.json:2:5: same place, added after\na.json:9:2: later line\nb.md:1:1: second file\n(4 problems)"
	if err == nil || err.Error() != want {
		t.Errorf("got\n%v\nwant\n%s", err, want)
	}
	if one := (List{At("f", 1, 0, "x")}); one.Error() != "f:1: x" {
		t.Errorf("one diagnostic: %q", one.Error())
	}
}

func TestFrom(t *testing.T) {
	l := List{At("a", 1, 1, "x"), At("b", 2, 0, "y")}
	if got := From("f", fmt.Errorf("loading: %w", l)); len(got) != 2 || got[1] != l[1] {
		t.Errorf("wrapped list: %v", got)
	}
	d := At("a", 4, 2, "z")
	if got := From("f", d); len(got) != 1 || got[0] != d {
		t.Errorf("diagnostic: %v", got)
	}
	if got := From("f", fs.ErrNotExist); len(got) != 1 || got[0].Error() != "f: file does not exist" {
		t.Errorf("plain error: %v", got)
	}
	if From("f", nil) != nil {
		t.Error("nil error gave diagnostics")
	}
	var target List
	if !errors.As(l.Err(), &target) {
		t.Error("Err is not a List")
	}
}
