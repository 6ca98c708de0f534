package upstream

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// DefaultRegistry is the npm registry the packages are fetched from.
const DefaultRegistry = "https://registry.npmjs.org"

// Registry fetches packages from an npm registry by name: the package's
// metadata gives each version's tarball and its dist.integrity, the
// tarball's SHA-512, which every download is checked against.
type Registry struct {
	URL    string       // base URL; DefaultRegistry when empty
	Client *http.Client // http.DefaultClient when nil
}

// PackageVersion is one published version of a package.
type PackageVersion struct {
	Name, Version string
	Tarball       string // URL
	Integrity     string // "sha512-<base64>"
}

// maxMetadata and maxTarball bound what a registry may send.
const (
	maxMetadata = 64 << 20
	maxTarball  = 512 << 20
)

func (r *Registry) base() string {
	if r.URL == "" {
		return DefaultRegistry
	}
	return strings.TrimSuffix(r.URL, "/")
}

func (r *Registry) client() *http.Client {
	if r.Client != nil {
		return r.Client
	}
	return &http.Client{Timeout: 5 * time.Minute}
}

// get fetches a URL, failing on any status but 200.
func (r *Registry) get(ctx context.Context, u, accept string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	req.Header.Set("User-Agent", "iamref-update (+https://github.com/iamref/iamref)")
	resp, err := r.client().Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the registry answered %s", resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("the answer is larger than %d MB", limit>>20)
	}
	return data, nil
}

// Versions lists the published versions of a package, as its metadata
// names them (in no particular order).
func (r *Registry) Versions(ctx context.Context, name string) ([]PackageVersion, error) {
	u := r.base() + "/" + strings.Replace(url.PathEscape(name), "%40", "@", 1)
	data, err := r.get(ctx, u, "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8", maxMetadata)
	if err != nil {
		return nil, fmt.Errorf("%s: package metadata from %s: %w", name, u, err)
	}
	var doc struct {
		Name     string `json:"name"`
		Versions map[string]struct {
			Dist struct {
				Tarball   string `json:"tarball"`
				Integrity string `json:"integrity"`
			} `json:"dist"`
		} `json:"versions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: package metadata from %s: not the JSON of a package: %w", name, u, err)
	}
	if doc.Name != name || len(doc.Versions) == 0 {
		return nil, fmt.Errorf("%s: package metadata from %s names package %q with %d versions", name, u, doc.Name, len(doc.Versions))
	}
	out := make([]PackageVersion, 0, len(doc.Versions))
	for v, d := range doc.Versions {
		out = append(out, PackageVersion{Name: name, Version: v, Tarball: d.Dist.Tarball, Integrity: d.Dist.Integrity})
	}
	return out, nil
}

// Download fetches a version's tarball and checks it against its
// dist.integrity.
func (r *Registry) Download(ctx context.Context, pv PackageVersion) ([]byte, error) {
	file := path.Base(pv.Tarball)
	if !strings.HasPrefix(pv.Integrity, "sha512-") {
		return nil, fmt.Errorf("%s %s: the registry gives no sha512 dist.integrity for %s (%q), so it cannot be checked", pv.Name, pv.Version, file, pv.Integrity)
	}
	data, err := r.get(ctx, pv.Tarball, "", maxTarball)
	if err != nil {
		return nil, fmt.Errorf("%s %s: downloading %s: %w", pv.Name, pv.Version, pv.Tarball, err)
	}
	if got := Integrity(data); got != pv.Integrity {
		return nil, fmt.Errorf("%s %s: %s: integrity mismatch: the download's sha512 is %s, the registry's dist.integrity %s", pv.Name, pv.Version, file, got, pv.Integrity)
	}
	return data, nil
}

// Integrity is the Subresource Integrity string of data as npm writes
// dist.integrity: "sha512-" and the base64 of its SHA-512.
func Integrity(data []byte) string {
	sum := sha512.Sum512(data)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}
