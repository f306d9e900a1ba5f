package cassette

// ParseSlow and ParseFast expose the loader's two paths to the tests.
var (
	ParseSlow = parseSlow
	ParseFast = parseFastFile
)
