package preview

import "testing"

// BenchmarkSnapshotTree walks the shipped content as the watcher does on
// every tick.
func BenchmarkSnapshotTree(b *testing.B) {
	for i := 0; i < b.N; i++ {
		snapshotTree([]string{"../../content"})
	}
}
