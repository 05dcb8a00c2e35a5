package release_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/govm-dev/govm/pkg/goversion"
	"github.com/govm-dev/govm/pkg/release"
)

// scripted is a Source whose answers the test sets.
type scripted struct {
	name        string
	releases    []release.Release
	listErr     error
	artifactErr error
	asked       int
}

func (s *scripted) Name() string { return s.name }

func (s *scripted) List(ctx context.Context) ([]release.Release, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.releases, s.listErr
}

func (s *scripted) Artifact(_ context.Context, v goversion.Version, goos, goarch string) (release.Artifact, error) {
	s.asked++
	if s.artifactErr != nil {
		return release.Artifact{}, fmt.Errorf("%s %s/%s: %w", v, goos, goarch, s.artifactErr)
	}
	return release.Artifact{Version: v, OS: goos, Arch: goarch, Source: s.name}, nil
}

func file(name string) release.File { return release.File{Filename: name, Kind: "archive"} }

func TestChainListMerges(t *testing.T) {
	a := &scripted{name: "proxy", releases: []release.Release{
		{Version: "go1.22.5", Stable: true, Files: []release.File{file("v0.0.1-go1.22.5.linux-amd64.zip")}},
		{Version: "go1.21.0", Stable: true},
	}}
	b := &scripted{name: "go.dev", releases: []release.Release{
		{Version: "go1.23rc1", Files: []release.File{file("go1.23rc1.linux-amd64.tar.gz")}},
		{Version: "go1.22.5", Stable: true, Files: []release.File{file("go1.22.5.linux-amd64.tar.gz"), file("v0.0.1-go1.22.5.linux-amd64.zip")}},
	}}
	down := &scripted{name: "mirror", listErr: release.ErrUnavailable}
	got, err := release.NewChain(down, a, b).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(versions(got), " ") != "go1.23rc1 go1.22.5 go1.21.0" {
		t.Fatalf("List = %v", versions(got))
	}
	var names []string
	for _, f := range got[1].Files {
		names = append(names, f.Filename)
	}
	if strings.Join(names, " ") != "v0.0.1-go1.22.5.linux-amd64.zip go1.22.5.linux-amd64.tar.gz" {
		t.Errorf("go1.22.5 files = %v, want the union without duplicates", names)
	}
	if len(a.releases[0].Files) != 1 {
		t.Error("merging changed a source's own release")
	}
}

func TestChainListAllFail(t *testing.T) {
	a := &scripted{name: "proxy", listErr: release.ErrUnavailable}
	b := &scripted{name: "go.dev", listErr: release.ErrMalformed}
	_, err := release.NewChain(a, b).List(context.Background())
	if !errors.Is(err, release.ErrUnavailable) || !errors.Is(err, release.ErrMalformed) ||
		!strings.Contains(err.Error(), "proxy") || !strings.Contains(err.Error(), "go.dev") {
		t.Errorf("err = %v, want both failures, each named", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := release.NewChain(&scripted{name: "x"}).List(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestChainArtifact(t *testing.T) {
	for _, tc := range []struct {
		name       string
		firstErr   error
		secondErr  error
		wantFrom   string // source that answered; "" for an error
		wantErr    []error
		secondUsed bool
	}{
		{name: "first answers", wantFrom: "first"},
		{name: "not found moves on", firstErr: release.ErrNotFound, wantFrom: "second", secondUsed: true},
		{name: "unavailable moves on", firstErr: release.ErrUnavailable, wantFrom: "second", secondUsed: true},
		{name: "verification stops", firstErr: release.ErrVerification, wantErr: []error{release.ErrVerification}},
		{name: "insecure stops", firstErr: release.ErrInsecure, wantErr: []error{release.ErrInsecure}},
		{name: "malformed stops", firstErr: release.ErrMalformed, wantErr: []error{release.ErrMalformed}},
		{name: "all miss", firstErr: release.ErrUnavailable, secondErr: release.ErrNotFound,
			wantErr: []error{release.ErrUnavailable, release.ErrNotFound}, secondUsed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := &scripted{name: "first", artifactErr: tc.firstErr}
			second := &scripted{name: "second", artifactErr: tc.secondErr}
			a, err := release.NewChain(first, second).Artifact(context.Background(), goversion.MustParse("1.22.5"), "linux", "amd64")
			if (second.asked > 0) != tc.secondUsed {
				t.Errorf("second source asked %d times", second.asked)
			}
			if tc.wantFrom != "" {
				if err != nil || a.Source != tc.wantFrom {
					t.Fatalf("Artifact from %q, %v; want from %s", a.Source, err, tc.wantFrom)
				}
				return
			}
			for _, want := range tc.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tc.secondUsed && (!strings.Contains(err.Error(), "first:") || !strings.Contains(err.Error(), "second:")) {
				t.Errorf("err = %v, want each source named", err)
			}
		})
	}
}

func TestChainName(t *testing.T) {
	c := release.NewChain(&scripted{name: "proxy https://proxy.golang.org"}, &scripted{name: "go.dev"})
	if c.Name() != "proxy https://proxy.golang.org, then go.dev" {
		t.Errorf("Name = %q", c.Name())
	}
	if _, err := release.NewChain().List(context.Background()); !errors.Is(err, release.ErrUnavailable) {
		t.Errorf("empty chain: err = %v", err)
	}
}
