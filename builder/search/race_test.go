//go:build race

package search_test

// raceEnabled tells that the tests run under the race detector, which
// makes the index of the whole catalog take a minute or more.
const raceEnabled = true
