package verify

import (
	"context"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/noticeconf/noticeconf/suites"
)

// What the tests (package verify_test) reach inside the package.

const NotSelected = notSelected

func (o Options) ResolveTarget(ctx context.Context) (suites.Target, string, func(), error) {
	var rewind func()
	return o.target(ctx, &rewind)
}

func (o Options) SuiteConfig() (types.SuiteConfig, error) { return o.suiteConfig() }

func (o Options) WriteFiles(rep Report, r types.Report) error { return o.writeFiles(rep, r) }
