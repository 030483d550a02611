// Package layers holds nightlight's architecture test. Its test file
// states which package belongs to which layer and which imports between
// packages are allowed, runs `go list` over the module, and fails on any
// import that points up a layer and on command-line code outside
// internal/cli. docs/architecture.md explains the layers in prose.
//
// Data flows one way: files → loaders → model → IAM/graph → rules →
// result → reports → scan → cli. The package has no code of its own.
package layers
