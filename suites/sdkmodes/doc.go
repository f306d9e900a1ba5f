// Package sdkmodes holds specs that drive the official Huawei Cloud Go SDK
// (services/codeartsbuild/v3) as a client through every way noticeconf serves the
// endpoint: the reference mock, the recording proxy in reverse and in forward mode,
// and the replay server over what the proxy recorded. The specs are in the package's
// test files; it has no API of its own.
package sdkmodes
