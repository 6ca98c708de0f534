// Package static holds the site's stylesheet, scripts and other assets.
package static

import "embed"

// FS is the embedded static tree.
//
//go:embed css js img
var FS embed.FS
