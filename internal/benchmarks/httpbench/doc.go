// Package httpbench is what `make bench-http` is made of: the generated cassettes,
// their conversion to WireMock stub mappings, a load generator that sends a
// cassette's recorded requests over keep-alive HTTP/1.1 connections, and the
// percentile arithmetic of its report. The commands under internal/benchmarks/cmd
// (loadgen, benchserve, benchhttp) are thin shells over it.
package httpbench
