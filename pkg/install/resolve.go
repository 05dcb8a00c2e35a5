package install

import (
	"context"
	"fmt"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// Available lists the versions src offers an archive of for goos/goarch,
// newest first. Releases without a file for the platform are left out, so a
// request never resolves to a version that cannot be installed here.
func Available(ctx context.Context, src release.Source, goos, goarch string) ([]goversion.Version, error) {
	rels, err := src.List(ctx)
	if err != nil {
		return nil, err
	}
	var vs []goversion.Version
	for _, r := range rels {
		v, err := goversion.Parse(r.Version)
		if err != nil {
			continue
		}
		for _, f := range r.Files {
			if f.OS == goos && f.Arch == goarch && (f.Kind == "archive" || f.Kind == "") {
				vs = append(vs, v)
				break
			}
		}
	}
	goversion.Sort(vs)
	return vs, nil
}

// Resolve turns a request into one release. A request naming an exact
// release needs no catalogue listing (so it works against a filtering proxy
// whose lists are partial); anything else is resolved against what src
// offers for the platform.
func Resolve(ctx context.Context, src release.Source, req goversion.Request, goos, goarch string, opts goversion.ResolveOptions) (goversion.Version, error) {
	if v, ok := req.Exact(); ok {
		return v, nil
	}
	vs, err := Available(ctx, src, goos, goarch)
	if err != nil {
		return goversion.Version{}, fmt.Errorf("resolve %q: %w", req, err)
	}
	if len(vs) == 0 {
		return goversion.Version{}, fmt.Errorf("resolve %q: %w: %s lists no release for %s/%s", req, release.ErrNotFound, src.Name(), goos, goarch)
	}
	return req.Resolve(vs, opts)
}
