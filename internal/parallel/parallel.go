// Package parallel runs independent pieces of a build on every core.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Each calls fn(0) … fn(n-1), on as many goroutines as there are cores,
// each taking the next index when done with one, and returns when all
// calls have returned. fn must be safe to call concurrently; results go
// into slots indexed by i, so their order does not depend on scheduling.
func Each(n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}
