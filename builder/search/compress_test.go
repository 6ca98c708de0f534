package search

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"github.com/andybalholm/brotli"
)

// TestBrotliSmallWindow checks compressBrotli against brotli's encoder
// with the 16 MiB window it declares: the same bytes, for data that fits
// each window from the smallest up, at the index's and the engine's
// qualities, and the data back from a decoder.
func TestBrotliSmallWindow(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"iam", "s3:GetObject", "Allow", "Resource", "arn:aws:", "Condition", "\"Effect\"", "kms", "*", "{", "}", "\n"}
	text := func(n int) []byte {
		var b bytes.Buffer
		for b.Len() < n {
			b.WriteString(words[rng.Intn(len(words))])
			if rng.Intn(4) == 0 {
				fmt.Fprintf(&b, "%d", rng.Intn(100000))
			}
		}
		return b.Bytes()[:n]
	}
	cases := []struct {
		size, quality int
	}{
		{0, 11}, {1, 11}, {17000, 11}, {17000, 9}, {1<<19 - 16, 9}, {1<<19 - 15, 9}, {1<<20 + 5000, 9},
	}
	if testing.Short() {
		cases = cases[:4]
	}
	for _, c := range cases {
		data := text(c.size)
		var got, want bytes.Buffer
		if err := compressBrotli(&got, data, c.quality); err != nil {
			t.Fatal(err)
		}
		bw := brotli.NewWriterOptions(&want, brotli.WriterOptions{Quality: c.quality, LGWin: brotliWindow})
		bw.Write(data)
		if err := bw.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%d bytes at quality %d: %d bytes compressed, the 16 MiB encoder's %d differ", c.size, c.quality, got.Len(), want.Len())
		}
		back, err := io.ReadAll(brotli.NewReader(bytes.NewReader(got.Bytes())))
		if err != nil || !bytes.Equal(back, data) {
			t.Errorf("%d bytes at quality %d: decoded %d bytes, %v", c.size, c.quality, len(back), err)
		}
	}
}

// BenchmarkCompressWasmExec compresses a file of wasm_exec.js's size as
// the site does (quality 11): the bytes allocated are the encoder's.
func BenchmarkCompressWasmExec(b *testing.B) {
	data := bytes.Repeat([]byte("const go = new Go(); WebAssembly.instantiate(buf, go.importObject);\n"), 17000/68)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Compress(data); err != nil {
			b.Fatal(err)
		}
	}
}
