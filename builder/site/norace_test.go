//go:build !race

package site

// raceEnabled tells that the tests run under the race detector.
const raceEnabled = false
