package jsonpos

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
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
	})
}
