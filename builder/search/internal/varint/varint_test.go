package varint

import (
	"bytes"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var b []byte
	b = AppendPrefixed(b, "meeting")
	b = AppendPrefixed(b, []byte{})
	b = AppendPrefixed(b, bytes.Repeat([]byte{0xff}, 300))
	d := NewDecoder(b)
	if got := string(d.Prefixed()); got != "meeting" {
		t.Errorf("first = %q", got)
	}
	if got := d.Prefixed(); len(got) != 0 {
		t.Errorf("second = %q", got)
	}
	if got := d.Prefixed(); !bytes.Equal(got, bytes.Repeat([]byte{0xff}, 300)) || cap(got) != 300 {
		t.Errorf("third = %d bytes, capacity %d", len(got), cap(got))
	}
	if !d.OK() || d.Len() != 0 {
		t.Errorf("OK %v, %d left", d.OK(), d.Len())
	}
}

func TestShort(t *testing.T) {
	for _, b := range [][]byte{nil, {0x80}, {5, 'a', 'b'}} {
		d := NewDecoder(b)
		d.Prefixed()
		if d.OK() {
			t.Errorf("% x: read as a whole string", b)
		}
		if d.Uvarint() != 0 || d.Bytes(0) != nil || d.OK() {
			t.Errorf("% x: reads after a failure returned values", b)
		}
	}
}
