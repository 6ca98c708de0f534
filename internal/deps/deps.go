package deps
import (
	_ "github.com/yuin/goldmark"
	_ "github.com/yuin/goldmark/extension"
	_ "github.com/alecthomas/chroma/v2"
	_ "github.com/alecthomas/chroma/v2/formatters/html"
	_ "github.com/blevesearch/bleve/v2/index/upsidedown"
	_ "github.com/blevesearch/bleve/v2/search/query"
	_ "github.com/blevesearch/bleve/v2/mapping"
	_ "github.com/chromedp/chromedp"
	_ "golang.org/x/net/html"
	_ "gopkg.in/yaml.v3"
	_ "github.com/andybalholm/brotli"
	_ "golang.org/x/tools/txtar"
	_ "golang.org/x/sync/errgroup"
)
