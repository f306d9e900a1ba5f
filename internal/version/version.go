// Package version holds noticeconf's version, written into cassette provenance and
// printed by `noticeconf version`.
package version

// Version is the release of noticeconf this tree builds.
const Version = "0.1.0"
