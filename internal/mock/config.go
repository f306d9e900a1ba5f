package mock

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/noticeconf/noticeconf/fixtures"
	"github.com/noticeconf/noticeconf/internal/aksk"
)

// ResultStyle is the form of the success envelope's `result` field.
type ResultStyle string

const (
	// ResultObject answers {"job_id": "<id>"}, the vendor page's own example. The
	// official Go SDK cannot decode it.
	ResultObject ResultStyle = "object"
	// ResultString answers the job id as a string, the type the vendor page's table
	// documents and the SDK decodes.
	ResultString ResultStyle = "string"
	// ResultNull answers null, as a sibling endpoint's example does.
	ResultNull ResultStyle = "null"
)

// ParseResultStyle parses "object", "string" or "null".
func ParseResultStyle(s string) (ResultStyle, error) {
	switch ResultStyle(s) {
	case ResultObject, ResultString, ResultNull:
		return ResultStyle(s), nil
	}
	return "", fmt.Errorf("result style %q: want object, string or null", s)
}

// DefaultMaxBodyBytes is the request body limit when Config.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 1 << 20

// Config configures the reference mock.
type Config struct {
	// Tokens are the X-Auth-Token values accepted. Empty means none.
	Tokens []string
	// ForbiddenTokens authenticate but are refused with 403.
	ForbiddenTokens []string
	// Credentials are the AK/SK pairs whose signatures are accepted.
	Credentials []aksk.Credential
	// JobIDs are the jobs that exist. A well-formed id not listed answers 404.
	JobIDs []string
	// ResultStyle is the form of `result` on success. If empty, ResultObject.
	ResultStyle ResultStyle
	// Latency is slept before every answer. Zero means none.
	Latency time.Duration
	// MaxBodyBytes caps request bodies (413 above it). If zero, DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Logger receives one line per request. If nil, nothing is logged.
	Logger *slog.Logger
}

// Profile is the demo data the mock serves with no flags: fixtures/profile.json.
type Profile struct {
	Tokens          []string          `json:"tokens"`
	ForbiddenTokens []string          `json:"forbidden_tokens"`
	Credentials     []aksk.Credential `json:"credentials"`
	JobIDs          []string          `json:"job_ids"`
}

// DefaultProfile returns the built-in demo profile.
func DefaultProfile() (Profile, error) {
	var p Profile
	if err := json.Unmarshal(fixtures.Profile, &p); err != nil {
		return p, fmt.Errorf("parse fixtures/profile.json: %w", err)
	}
	if len(p.Tokens) == 0 || len(p.JobIDs) == 0 || len(p.Credentials) == 0 || len(p.ForbiddenTokens) == 0 {
		return p, fmt.Errorf("fixtures/profile.json: tokens, forbidden_tokens, credentials and job_ids must each have one entry")
	}
	return p, nil
}

// DefaultConfig returns a Config that serves the built-in demo profile.
func DefaultConfig() (Config, error) {
	p, err := DefaultProfile()
	if err != nil {
		return Config{}, err
	}
	return Config{
		Tokens:          p.Tokens,
		ForbiddenTokens: p.ForbiddenTokens,
		Credentials:     p.Credentials,
		JobIDs:          p.JobIDs,
		ResultStyle:     ResultObject,
	}, nil
}
