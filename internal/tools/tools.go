//go:build tools

// Package tools pins the modules noticeconf builds on, so that go.mod lists them
// before every package that uses them exists.
package tools

import (
	_ "github.com/elazarl/goproxy"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/getkin/kin-openapi/routers/gorillamux"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3"
	_ "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3/model"
	_ "github.com/onsi/ginkgo/v2"
	_ "github.com/onsi/ginkgo/v2/reporters"
	_ "github.com/onsi/ginkgo/v2/types"
	_ "github.com/onsi/gomega"
	_ "github.com/onsi/gomega/gcustom"
	_ "github.com/onsi/gomega/gexec"
	_ "github.com/onsi/gomega/ghttp"
	_ "github.com/spf13/cobra"
	_ "go.uber.org/goleak"
	_ "gopkg.in/dnaeon/go-vcr.v3/cassette"
	_ "gopkg.in/dnaeon/go-vcr.v3/recorder"
	_ "gopkg.in/yaml.v3"
)
