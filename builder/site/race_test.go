//go:build race

package site

// raceEnabled tells that the tests run under the race detector, which
// makes a build of real content with every managed policy take minutes.
const raceEnabled = true
