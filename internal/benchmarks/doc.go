// Package benchmarks measures noticeconf against baselines run on the same machine in
// the same process: the recording proxy against a request sent directly, through a
// bare httputil.ReverseProxy and through go-vcr's recorder (BenchmarkProxy); the
// replay server's lookup against go-vcr's recorder in replay mode (BenchmarkReplay);
// persisting an interaction against go-vcr's Save (BenchmarkPersist); loading a
// cassette against go-vcr's cassette.Load (BenchmarkLoad10k); and a full verify run
// (BenchmarkVerify). The proxy baselines are the ReverseProxy the recording proxy is
// built on, over its upstream transport (proxy.NewReverseProxy, proxy.NewTransport), so
// that they differ from it only in what they record. `make bench` runs them several
// times and writes docs/benchmarks.md with the ratios and their confidence intervals
// (cmd/benchreport); `make bench-compare BASE=REV` runs those of REV and of the
// working tree interleaved and compares them with benchstat (compare.sh). Apart from
// those, the package holds no code outside its tests.
//
// The benchmarks over HTTP, every server in a process of its own under load from
// another, are `make bench-http`: package httpbench and the commands loadgen (the
// load), benchserve (the baselines, and noticeconf's servers under the profiler) and
// benchhttp (the run and its report, the section "Benchmarks over HTTP" of
// docs/benchmarks.md, which package docsection keeps apart from the rest). Both
// reports judge their targets the same way, with package verdict: by a median's 95%
// confidence interval, as benchstat reads a sample.
package benchmarks
