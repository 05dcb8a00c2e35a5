package release_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govm-dev/govm/internal/testutil/fakegodev"
	"github.com/govm-dev/govm/internal/testutil/tempdir"
	"github.com/govm-dev/govm/pkg/release"
)

func TestOpen(t *testing.T) {
	dir := tempdir.New(t)
	proxy := &scripted{name: "proxy https://proxy.example"}
	factory := func() (release.Source, error) { return proxy, nil }
	for _, tc := range []struct {
		name    string
		spec    string
		opts    release.OpenOptions
		want    string // Name() of the result
		wantErr string
	}{
		{name: "empty is auto", spec: "", want: "go.dev"},
		{name: "auto with proxy", spec: "auto", opts: release.OpenOptions{ProxyFactory: factory}, want: "proxy https://proxy.example, then go.dev"},
		{name: "auto with mirror", spec: "auto", opts: release.OpenOptions{Mirror: dir, ProxyFactory: factory}, want: "mirror " + dir},
		{name: "auto, proxy off", spec: "auto", opts: release.OpenOptions{ProxyFactory: func() (release.Source, error) {
			return nil, fmt.Errorf("GOPROXY=off: %w", release.ErrUnavailable)
		}}, want: "go.dev"},
		{name: "auto, proxy misconfigured", spec: "auto", opts: release.OpenOptions{ProxyFactory: func() (release.Source, error) {
			return nil, errors.New("GOSUMDB key is invalid")
		}}, wantErr: "GOSUMDB key is invalid"},
		{name: "proxy", spec: "proxy", opts: release.OpenOptions{Mirror: dir, ProxyFactory: factory}, want: "proxy https://proxy.example"},
		{name: "proxy without factory", spec: "proxy", wantErr: "no module proxy"},
		{name: "godev ignores proxy and mirror", spec: "godev", opts: release.OpenOptions{Mirror: dir, ProxyFactory: factory}, want: "go.dev"},
		{name: "godev URL override", spec: "godev", opts: release.OpenOptions{GoDev: release.GoDevOptions{IndexURL: "https://golang.google.cn/dl/"}},
			want: "go.dev https://golang.google.cn/dl/?mode=json&include=all"},
		{name: "directory", spec: dir, want: "mirror " + dir},
		{name: "https", spec: "https://mirror.example.com/go/", want: "mirror https://mirror.example.com/go/"},
		{name: "file URL", spec: release.FileURL(dir), want: "mirror " + release.FileURL(dir)},
		{name: "typo", spec: "godve", wantErr: `"godve" is not auto, proxy, godev, an existing directory`},
		{name: "missing directory", spec: filepath.Join(dir, "nope"), wantErr: "UNC path, a file:// URL or an http(s) URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := release.Open(tc.spec, tc.opts)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to say %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src.Name() != tc.want {
				t.Errorf("Name = %q, want %q", src.Name(), tc.want)
			}
		})
	}
}

func TestOpenWiresClientCacheAndWarn(t *testing.T) {
	rels, archives := fakegodev.Fixture([]string{"go1.22.5"}, platforms)
	s := fakegodev.New(t, rels, archives)
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	cache := release.NewIndexCache(tempdir.New(t), time.Hour, func() time.Time { return now })
	var warns []string
	opts := release.OpenOptions{
		Client: s.Client(),
		Cache:  cache,
		Warn:   func(m string) { warns = append(warns, m) },
		GoDev:  release.GoDevOptions{IndexURL: s.IndexURL(), DownloadBase: s.DownloadBase()},
	}
	open := func() release.Source {
		src, err := release.Open("godev", opts)
		if err != nil {
			t.Fatal(err)
		}
		return src
	}
	if _, err := open().List(context.Background()); err != nil {
		t.Fatal(err)
	}
	now = now.Add(72 * time.Hour)
	s.FailNext("/", 1, 503)
	if _, err := open().List(context.Background()); err != nil {
		t.Fatalf("with a cached index and go.dev down: %v", err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "cached 3 days ago") {
		t.Errorf("warnings = %q", warns)
	}
	if s.Hits("/") != 2 {
		t.Errorf("index requests = %d, want 2", s.Hits("/"))
	}
}

func TestOpenAutoWarnsWhenProxyIsLeftOut(t *testing.T) {
	var warns []string
	src, err := release.Open("auto", release.OpenOptions{
		Warn: func(m string) { warns = append(warns, m) },
		ProxyFactory: func() (release.Source, error) {
			return nil, fmt.Errorf("GOPROXY=off: %w", release.ErrUnavailable)
		},
	})
	if err != nil || src.Name() != "go.dev" {
		t.Fatalf("Open = %v, %v", src, err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "GOPROXY=off") {
		t.Errorf("warnings = %q, want the reason the proxy is not used", warns)
	}
}
