// Package templates holds the site's HTML templates: base.tmpl frames every
// page, partials/ holds shared pieces, and each <kind>.tmpl defines the
// "content" block of one page kind.
package templates

import "embed"

// FS is the embedded template tree.
//
//go:embed *.tmpl partials/*.tmpl
var FS embed.FS
