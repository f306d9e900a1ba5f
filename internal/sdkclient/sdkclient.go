// Package sdkclient builds the official Huawei Cloud Go SDK's CodeArts Build client
// against any endpoint (the reference mock, the recording proxy, the replay server, a
// live region), with AK/SK or with an IAM token.
package sdkclient

import (
	"fmt"
	"net/http"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/impl"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	codeartsbuild "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/codeartsbuild/v3"

	"github.com/noticeconf/noticeconf/fixtures/contract"
)

// UserAgent is the User-Agent suffix the client sends. Setting one also stops the SDK
// from writing an environment file under ~/.huaweicloud.
const UserAgent = "noticeconf"

// Options configures a client. Exactly one of Token or AK/SK must be set.
type Options struct {
	// Endpoint is the base URL, e.g. "http://127.0.0.1:8080".
	Endpoint string
	// Token is an IAM token sent as X-Auth-Token.
	Token string
	// AK and SK sign every request with the SDK's AK/SK signer.
	AK, SK string
	// ProjectID, if set, is sent as X-Project-Id (AK/SK only).
	ProjectID string
	// Transport, if non-nil, carries every request (a proxy, a custom TLS config).
	// If nil, the SDK's default transport is used.
	Transport http.RoundTripper
}

// New returns a CodeArts Build client. It never calls IAM or any other live service.
func New(o Options) (*codeartsbuild.CodeArtsBuildClient, error) {
	hc := config.DefaultHttpConfig().WithUserAgent(UserAgent).WithRetries(0)
	if o.Transport != nil {
		hc = hc.WithHttpRoundTripper(o.Transport)
	}
	b := codeartsbuild.CodeArtsBuildClientBuilder().
		WithEndpoint(o.Endpoint).
		WithHttpConfig(hc)
	switch {
	case o.Token != "" && o.AK == "":
		b = b.WithCredentialsType(tokenCredentialType).WithCredential(&TokenCredential{Token: o.Token})
	case o.AK != "" && o.SK != "" && o.Token == "":
		cb := basic.NewCredentialsBuilder().WithAk(o.AK).WithSk(o.SK)
		if o.ProjectID != "" {
			cb = cb.WithProjectId(o.ProjectID)
		}
		cred, err := cb.SafeBuild()
		if err != nil {
			return nil, fmt.Errorf("sdk credentials: %w", err)
		}
		b = b.WithCredential(cred)
	default:
		return nil, fmt.Errorf("sdk client for %s: give either a token or an AK/SK pair", o.Endpoint)
	}
	hcClient, err := b.SafeBuild()
	if err != nil {
		return nil, fmt.Errorf("sdk client for %s: %w", o.Endpoint, err)
	}
	return codeartsbuild.NewCodeArtsBuildClient(hcClient), nil
}

const tokenCredentialType = "sdkclient.TokenCredential"

// TokenCredential is an SDK credential that sends an IAM token as X-Auth-Token and
// signs nothing. The SDK has none of its own for a bare token.
type TokenCredential struct {
	Token string
}

var _ auth.ICredential = (*TokenCredential)(nil)

// ProcessAuthParams returns c unchanged: a token needs no region look-ups.
func (c *TokenCredential) ProcessAuthParams(*impl.DefaultHttpClient, string) (auth.ICredential, error) {
	return c, nil
}

// ProcessAuthRequest adds the X-Auth-Token header.
func (c *TokenCredential) ProcessAuthRequest(_ *impl.DefaultHttpClient, req *request.DefaultHttpRequest) (*request.DefaultHttpRequest, error) {
	req.Builder().AddHeaderParam(contract.HeaderAuthToken, c.Token)
	return req, nil
}
