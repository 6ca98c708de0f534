package jsonpos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"unicode/utf8"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      Pos
	}{
		{"missing comma in array", "[\n  \"a\"\n  \"b\"\n]", Pos{3, 3}},
		{"missing comma in object", "{\"a\": 1\n \"b\": 2}", Pos{2, 2}},
		{"trailing comma", "[1,]", Pos{1, 4}},
		{"unterminated", "{\"a\": \"x", Pos{1, 9}},
		{"bad literal", "[tru]", Pos{1, 2}},
		{"garbage after", "{} x", Pos{1, 4}},
		{"empty", "", Pos{1, 1}},
		{"missing colon", "{\"a\" 1}", Pos{1, 6}},
		{"column counts characters", "[\"é\" 1]", Pos{1, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			se, ok := err.(*SyntaxError)
			if !ok {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tt.src, err)
			}
			if se.Pos != tt.want {
				t.Errorf("Parse(%q) error at %v, want %v (%s)", tt.src, se.Pos, tt.want, se.Msg)
			}
		})
	}
}

func TestParsePositionsAndOrder(t *testing.T) {
	src := "{\n  \"b\": [1, \"x\"],\n  \"a\": {\"k\": true},\n  \"b\": null\n}"
	v, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range v.Members {
		keys = append(keys, m.Key)
	}
	if want := []string{"b", "a", "b"}; !reflect.DeepEqual(keys, want) {
		t.Errorf("keys = %v, want %v (source order, duplicates kept)", keys, want)
	}
	if got := v.Members[1].KeyPos; got != (Pos{3, 3}) {
		t.Errorf("key a at %v, want 3:3", got)
	}
	if got := v.Get("b").Items[1]; got.Kind != String || got.Str != "x" || got.Pos != (Pos{2, 12}) {
		t.Errorf("b[1] = %+v", got)
	}
	if v.Get("missing") != nil {
		t.Error("Get(missing) != nil")
	}
}

func TestStrings(t *testing.T) {
	tests := map[string]string{
		`"plain"`:           "plain",
		`"a\"b\\c\/d"`:      `a"b\c/d`,
		`"\n\t\r\b\f"`:      "\n\t\r\b\f",
		`"\u00e9\u20ac"`:    "é€",
		`"\ud83d\ude00"`:    "😀",
		`"${aws:username}"`: "${aws:username}",
	}
	for src, want := range tests {
		v, err := Parse([]byte(src))
		if err != nil {
			t.Errorf("Parse(%s): %v", src, err)
			continue
		}
		if v.Str != want {
			t.Errorf("Parse(%s) = %q, want %q", src, v.Str, want)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	src := make([]byte, 0, 2*(MaxDepth+10))
	for i := 0; i < MaxDepth+10; i++ {
		src = append(src, '[')
	}
	if _, err := Parse(src); err == nil {
		t.Fatal("deeply nested input parsed without error")
	}
}

// toAny converts the tree to what encoding/json would produce (last duplicate wins).
func toAny(v *Value) any {
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Bool
	case Number:
		return json.Number(v.Str)
	case String:
		return v.Str
	case Array:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = toAny(it)
		}
		return out
	default:
		out := map[string]any{}
		for _, m := range v.Members {
			out[m.Key] = toAny(m.Value)
		}
		return out
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,-0,"x\u0041"],"b":{"c":null,"d":true}}`, `[`, `{"a" 1}`, `"\ud800"`, `[1,]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := Parse(b)
		if (err == nil) != json.Valid(b) {
			t.Fatalf("Parse error %v, but json.Valid = %v for %q", err, json.Valid(b), b)
		}
		if err != nil {
			if se, ok := err.(*SyntaxError); !ok || se.Pos.Line < 1 || se.Pos.Col < 1 {
				t.Fatalf("error %v is not a positioned SyntaxError", err)
			}
			return
		}
		var want any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json rejects valid %q: %v", b, err)
		}
		if !reflect.DeepEqual(toAny(v), want) {
			t.Fatalf("Parse(%q) = %#v, encoding/json = %#v", b, toAny(v), want)
		}
		checkSpans(t, b, v)
		checkSkipping(t, b, v)
	})
}

// checkSkipping parses src again skipping every object at depth 1 that
// Parse gave as v: the tree is v's, with those objects Skipped and
// nothing else different.
func checkSkipping(t *testing.T, src []byte, v *Value) {
	t.Helper()
	ends := map[int]int{}
	var walk func(v *Value, depth int)
	walk = func(v *Value, depth int) {
		if depth == 1 && v.Kind == Object {
			ends[v.Off] = v.End
		}
		for _, it := range v.Items {
			walk(it, depth+1)
		}
		for _, m := range v.Members {
			walk(m.Value, depth+1)
		}
	}
	walk(v, 0)
	w, err := ParseSkipping(src, func(depth, off int) int {
		if depth == 1 {
			return ends[off]
		}
		return 0
	})
	if err != nil {
		t.Fatalf("ParseSkipping(%q): %v", src, err)
	}
	var same func(v, w *Value, depth int)
	same = func(v, w *Value, depth int) {
		if w.Skipped {
			if depth != 1 || v.Kind != Object || w.Kind != Object || w.Pos != v.Pos || w.Off != v.Off || w.End != v.End || w.Members != nil {
				t.Fatalf("ParseSkipping(%q) skipped %+v for %+v", src, w, v)
			}
			return
		}
		if v.Kind != w.Kind || v.Pos != w.Pos || v.Off != w.Off || v.End != w.End || v.Str != w.Str || v.Bool != w.Bool || len(v.Items) != len(w.Items) || len(v.Members) != len(w.Members) {
			t.Fatalf("ParseSkipping(%q) gave %+v for %+v", src, w, v)
		}
		for i := range v.Items {
			same(v.Items[i], w.Items[i], depth+1)
		}
		for i := range v.Members {
			if v.Members[i].Key != w.Members[i].Key || v.Members[i].KeyPos != w.Members[i].KeyPos {
				t.Fatalf("ParseSkipping(%q) gave member %+v for %+v", src, w.Members[i], v.Members[i])
			}
			same(v.Members[i].Value, w.Members[i].Value, depth+1)
		}
	}
	same(v, w, 0)
}

func TestParseSkipping(t *testing.T) {
	for _, src := range []string{
		"{\"a\": {\"b\": [1,\n 2]}, \"c\": [{\"d\":\n\"é\"}, {}],\n \"e\": \"x\"}",
		"[{\"a\": \"}\\\"{\"},\n\t{\"b\": {}}, 3]",
	} {
		v, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		checkSkipping(t, []byte(src), v)
	}
	// An error after a skipped object is where Parse puts it.
	src := []byte("{\"a\": {\"b\":\n 1}, \"c\": é}")
	_, want := Parse(src)
	_, got := ParseSkipping(src, func(depth, off int) int {
		if depth == 1 {
			return off + 9
		}
		return 0
	})
	if want == nil || got == nil || got.Error() != want.Error() {
		t.Errorf("ParseSkipping error %v, Parse %v", got, want)
	}
}

// checkSpans checks that every value's bytes, src[Off:End], parse on their
// own to the same value, and that Off stands at its position.
func checkSpans(t *testing.T, src []byte, v *Value) {
	t.Helper()
	if v.Off < 0 || v.Off > v.End || v.End > len(src) {
		t.Fatalf("value at %v spans [%d:%d] of %d bytes", v.Pos, v.Off, v.End, len(src))
	}
	w, err := Parse(src[v.Off:v.End])
	if err != nil || !reflect.DeepEqual(toAny(w), toAny(v)) {
		t.Fatalf("value at %v: its bytes %q parse to %v, %v", v.Pos, src[v.Off:v.End], w, err)
	}
	line := 1 + bytes.Count(src[:v.Off], []byte{'\n'})
	col := 1 + utf8.RuneCount(src[bytes.LastIndexByte(src[:v.Off], '\n')+1:v.Off])
	if (Pos{line, col}) != v.Pos {
		t.Fatalf("value at %v starts at byte %d, which is %d:%d", v.Pos, v.Off, line, col)
	}
	for _, it := range v.Items {
		checkSpans(t, src, it)
	}
	for _, m := range v.Members {
		checkSpans(t, src, m.Value)
	}
}

func TestSpans(t *testing.T) {
	src := []byte("{\n  \"b\": [1, \"x\u00e9\", -2.5e3],\n  \"é\": {\"k\": true, \"n\": null},\t\"z\": \"日本\"\n}  ")
	v, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if v.Off != 0 || v.End != len(src)-2 {
		t.Errorf("the root spans [%d:%d], want [0:%d]", v.Off, v.End, len(src)-2)
	}
	checkSpans(t, src, v)
}

// TestLongLine checks columns far into one line, across multi-byte
// characters and after positions were taken on earlier lines: the column
// is counted on from the last position, so the counts must still add up.
func TestLongLine(t *testing.T) {
	const n = 20000
	var b bytes.Buffer
	b.WriteString("[\"x\",\n")
	for i := 0; i < n; i++ {
		b.WriteString(`"é",`) // 4 characters, 5 bytes
	}
	b.WriteString("1]")
	v, err := Parse(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.Items[n+1].Pos, (Pos{2, 4*n + 1}); got != want {
		t.Errorf("last item at %v, want %v", got, want)
	}
	if got, want := v.Items[1].Pos, (Pos{2, 1}); got != want {
		t.Errorf("first item of line 2 at %v, want %v", got, want)
	}
	b.Truncate(b.Len() - 1) // drop the closing bracket
	b.WriteString(" 2]")
	_, err = Parse(b.Bytes())
	se, ok := err.(*SyntaxError)
	if !ok || se.Pos != (Pos{2, 4*n + 3}) {
		t.Errorf("error = %v, want a syntax error at 2:%d", err, 4*n+3)
	}
}

// BenchmarkLongLine parses a 2 MB document written on one line, as
// compact JSON is: linear time (a column counted from the line's start at
// every value made this quadratic, minutes for a 9 MB file).
func BenchmarkLongLine(b *testing.B) {
	var src bytes.Buffer
	src.WriteString("[")
	for i := 0; i < 100000; i++ {
		if i > 0 {
			src.WriteString(",")
		}
		src.WriteString(`{"a":"é","b":[1,2]}`)
	}
	src.WriteString("]")
	b.SetBytes(int64(src.Len()))
	for i := 0; i < b.N; i++ {
		if _, err := Parse(src.Bytes()); err != nil {
			b.Fatal(err)
		}
	}
}
