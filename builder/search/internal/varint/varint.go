// Package varint reads and writes what the index files are made of:
// unsigned varints and byte strings prefixed with their length as one.
package varint

import "encoding/binary"

// Decoder reads from a byte slice. After the first read that does not
// fit, every read returns zero values and OK reports false.
type Decoder struct {
	b   []byte
	bad bool
}

// NewDecoder returns a decoder of b. What it returns are slices of b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Uvarint reads an unsigned varint.
func (d *Decoder) Uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Varint reads a signed (zig-zag) varint.
func (d *Decoder) Varint() int64 {
	if d.bad {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.bad = true
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Bytes reads the next n bytes, as a slice of the input whose capacity
// ends with them.
func (d *Decoder) Bytes(n uint64) []byte {
	if d.bad {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.bad = true
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// Prefixed reads a byte string written by AppendPrefixed.
func (d *Decoder) Prefixed() []byte { return d.Bytes(d.Uvarint()) }

// Len returns the number of bytes not read yet.
func (d *Decoder) Len() int { return len(d.b) }

// OK reports whether every read so far fitted.
func (d *Decoder) OK() bool { return !d.bad }

// AppendPrefixed appends s with its length before it.
func AppendPrefixed[S ~string | ~[]byte](b []byte, s S) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
