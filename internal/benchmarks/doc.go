// Package benchmarks measures noticeconf against baselines run on the same machine in
// the same process: a request sent directly, through a bare httputil.ReverseProxy, and
// through go-vcr's own recorder, against the recording proxy and the replay server.
// `make bench` runs these benchmarks several times and writes docs/benchmarks.md with
// the ratios. The package holds no code outside its tests.
package benchmarks
