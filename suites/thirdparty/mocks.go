// Package thirdparty puts third-party mock servers of the notice update endpoint under
// test: Stoplight Prism serving fixtures/openapi.yaml (in mock mode, and as a
// validation proxy in front of the reference mock) and WireMock with the stub mappings
// in fixtures/thirdparty/wiremock. For each one it holds the committed verdict every
// conformance check is expected to get, and why (Mocks), and it writes the page
// docs/mocks.md from the JSON reports of `noticeconf verify` (WriteDoc).
//
// The specs that start the mocks and run `noticeconf verify` against them are behind
// the build tag "thirdparty" (they need Node and Java): `make thirdparty` runs them.
package thirdparty

import (
	"github.com/noticeconf/noticeconf/internal/verify"
)

// Versions of the third-party mocks, as pinned in fixtures/thirdparty/package-lock.json.
const (
	PrismVersion    = "5.14.2"
	WireMockVersion = "3.13.2"
)

// Seed is the --seed of every run: the generated checks draw the same requests, so
// their verdicts are as committed.
const Seed = "1"

// Names of the mocks: each one's key in Mocks and its report's file name, NAME.json.
const (
	NamePrism      = "prism"
	NameWireMock   = "wiremock"
	NamePrismProxy = "prism-proxy"
)

// Expectation is the verdict one check is expected to get from a mock, and why.
type Expectation struct {
	// Check is the check's name, as in the report.
	Check string
	// Result is the expected verdict.
	Result verify.Result
	// Why says what in the mock makes it so.
	Why string
}

// Mock is a third-party mock server under test.
type Mock struct {
	// Name is the short name; the JSON report of its run is NAME.json.
	Name string
	// Title names the mock, its version and its mode.
	Title string
	// Run is how the mock is started (Markdown).
	Run string
	// Verify is how `noticeconf verify` is pointed at it (Markdown).
	Verify string
	// PassMore is how to configure the mock to pass more checks (Markdown).
	PassMore string
	// Expected is the verdict of every check, in the report's order.
	Expected []Expectation
}

// verifyFlags are the flags every run uses; the credentials go in the environment
// (NOTICECONF_TOKEN, NOTICECONF_AK, NOTICECONF_SK, NOTICECONF_FORBIDDEN_TOKEN), set to
// the demo profile's values (fixtures/profile.json).
const verifyEnv = "`NOTICECONF_TOKEN=noticeconf-demo-token NOTICECONF_FORBIDDEN_TOKEN=noticeconf-forbidden-token NOTICECONF_AK=NOTICECONFDEMOAK0001 NOTICECONF_SK=noticeconf-demo-sk`"

// Mocks returns the mocks under test, in the order docs/mocks.md lists them.
func Mocks() []Mock {
	return []Mock{
		{
			Name:  NamePrism,
			Title: "Stoplight Prism " + PrismVersion + ", mock mode",
			Run:   "`prism mock -h 127.0.0.1 -p PORT fixtures/openapi.yaml` (npm `@stoplight/prism-cli@" + PrismVersion + "`, installed by `npm ci --prefix fixtures/thirdparty`). Prism answers from the document alone: the static examples of `fixtures/openapi.yaml`, its request validation and its security schemes.",
			Verify: "`noticeconf verify --target http://127.0.0.1:PORT --job-id 48c66c6002964721be537cdc6ce0297b --fault-injection --seed 1` with " + verifyEnv +
				". `--fault-injection` fits: Prism answers `Prefer: code=500` with the document's 500 example.",
			PassMore: `Prism knows only the document, so what it fails cannot be configured away in Prism itself:

- **Tokens (401, 403) and jobs (404).** Prism checks that an ` + "`X-Auth-Token`" + ` or ` + "`Authorization`" + ` header is present, never its value, and cannot know which jobs exist. A client test that needs these answers can ask for them with Prism's ` + "`Prefer: code=401`" + `, ` + "`code=403`" + ` or ` + "`code=404`" + ` header (noticeconf's checks do not send it: they check what a server does on its own). For the real behaviour, run Prism as a validation proxy in front of a server that knows (below), or use WireMock's stubs.
- **A body that is not JSON.** Prism answers it itself with ` + "`{\"error\":{\"code\":\"invalid_json\",...}}`" + `; no option changes that body.
- **The official SDK's decoding.** The document's 200 example is the vendor page's, with ` + "`result`" + ` as an object. A copy of the document whose 200 example has ` + "`result: <job id>`" + ` makes Prism answer a body the SDK decodes.
- **AK/SK.** Prism cannot verify a signature: any ` + "`Authorization`" + ` header satisfies the document's ` + "`aksk`" + ` apiKey scheme.
- **The read-back.** Prism keeps no state; the query always answers its example.`,
			Expected: prismExpected(),
		},
		{
			Name:  NameWireMock,
			Title: "WireMock " + WireMockVersion + " with fixtures/thirdparty/wiremock",
			Run:   "`java -jar fixtures/thirdparty/node_modules/wiremock/build/wiremock-standalone-" + WireMockVersion + ".jar --port PORT --bind-address 127.0.0.1 --root-dir fixtures/thirdparty/wiremock --disable-banner` (npm `wiremock@" + WireMockVersion + "` bundles the standalone jar; run it with `java -jar` directly, as stopping the npm wrapper leaves Java running). The stub mappings in `fixtures/thirdparty/wiremock/mappings/` answer, by priority: no credentials (01), the demo forbidden token (02), any other token than the demo one (03), `Prefer: code=500` (04), a malformed `job_id` (05), a body failing a JSON schema of the request (06), a well-formed job other than the two demo jobs (07), success (08), the read-back (09), anything else (99, the gateway's 404).",
			Verify: "`noticeconf verify --target http://127.0.0.1:PORT --job-id 48c66c6002964721be537cdc6ce0297b --fault-injection --seed 1` with " + verifyEnv +
				". `--fault-injection` fits: stub 04 answers `Prefer: code=500`.",
			PassMore: `- **The official SDK's decoding.** Change the body of ` + "`08-update-success.json`" + ` to ` + "`\"result\":\"{{request.pathSegments.[3]}}\"`" + ` (the string form) and the SDK decodes it.
- **AK/SK.** WireMock cannot verify a signature: the token stubs match only requests that carry an ` + "`X-Auth-Token`" + `, so a signed update reaches the success stub whatever its signature, and the wrong-signature checks fail (accepting a forged signature is a MUST failure), as does the token sent in an ` + "`Authorization`" + ` header. Only a server that runs the SDK's signer (the reference mock, or a WireMock extension in Java) can pass them.
- **Bytes after the JSON value.** Stub 06's JSON schema match reads the first JSON value and ignores the rest; a stub with a ` + "`matches`" + ` pattern on the body's end could refuse them.
- **A form-encoded body.** Sent as ` + "`application/x-www-form-urlencoded`" + `, a body with a ` + "`%`" + ` that is no escape makes Jetty answer 500 before any stub; nothing in the stubs can change that.
- **The read-back.** Stub 09 answers a fixed body. WireMock's scenarios (` + "`scenarioName`" + `, ` + "`requiredScenarioState`" + `, ` + "`newScenarioState`" + `) can make the query answer what the last update set, one state per combination of events the test uses.`,
			Expected: wiremockExpected(),
		},
		{
			Name:  NamePrismProxy,
			Title: "Stoplight Prism " + PrismVersion + ", validation proxy in front of the reference mock",
			Run:   "`prism proxy fixtures/openapi.yaml http://127.0.0.1:MOCKPORT -h 127.0.0.1 -p PORT` in front of `noticeconf mock --listen 127.0.0.1:0`. Prism forwards every request it can parse to the mock and reports what breaks the document in its log and in the `sl-violations` response header. The whole conformance run through it gets no response violation (`make thirdparty` asserts it); the request violations it reports are the invalid requests the checks send on purpose.",
			Verify: "`noticeconf verify --target http://127.0.0.1:PORT --job-id 48c66c6002964721be537cdc6ce0297b --fault-injection --seed 1` with " + verifyEnv +
				". The mock honours `Prefer: code=500`, which Prism forwards.",
			PassMore: `- **A body that is not JSON.** Prism answers it itself, without forwarding it, with ` + "`{\"error\":{\"code\":\"invalid_json\",...}}`" + `; no option changes that. It does so before the mock sees the credentials, so the generated precedence checks fail through it.
- **A body changed after signing.** Prism re-encodes the JSON body it forwards, so whitespace added after an AK/SK signature is gone by the time the mock checks it: the signature verifies. Send signed requests to the mock directly.
- **The official SDK's decoding.** Run the mock with ` + "`noticeconf mock --result-style string`" + `.
- **The 200 body.** Prism checks every answer against ` + "`fixtures/openapi.yaml`" + `, the 200 envelope included. Its validator does not compile a schema that puts ` + "`nullable: true`" + ` beside a ` + "`oneOf`" + ` with no ` + "`type`" + ` and then silently checks nothing, so the document writes ` + "`result`" + ` as ` + "`oneOf: [{type: string, nullable: true}, {$ref: JobRef}]`" + `, which kin-openapi reads the same way.`,
			Expected: prismProxyExpected(),
		},
	}
}
