// Package modproxy is a client for the Go module proxy protocol and the Go
// checksum database that follows the go command's rules, so that every part
// of govm that reads modules (toolchain downloads, `govm scan`) agrees with
// what `go` itself would do with the same environment:
//
//   - GoEnv reads GOPROXY, GOSUMDB and friends the way the go command does
//     (process environment, then the `go env -w` file, then defaults).
//   - Client walks a GOPROXY list with its "," and "|" fallback rules,
//     honours GONOPROXY/GOPRIVATE, and verifies go.mod files and module zip
//     hashes against the checksum database named by GOSUMDB, reached through
//     the proxies' /sumdb/ endpoint when they support it.
//
// Nothing here prints or exits: warnings and logs go to callbacks, and every
// network access takes a context and the caller's *http.Client.
package modproxy
