//go:build thirdparty

package thirdparty_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/noticeconf/noticeconf/suites/thirdparty"
)

// Bounds on the child processes.
const (
	// startTimeout bounds a mock's start-up, until it answers HTTP.
	startTimeout = 90 * time.Second
	// verifyTimeout bounds one `noticeconf verify` run.
	verifyTimeout = 2 * time.Minute
	// stopTimeout bounds the end of a process group after SIGKILL.
	stopTimeout = 10 * time.Second
)

// repoRoot is the repository's top directory: this package is suites/thirdparty.
func repoRoot() string {
	GinkgoHelper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	Expect(err).NotTo(HaveOccurred())
	return root
}

// paths are the files the mocks are started from, under the repository's root.
type paths struct {
	root, prism, wiremockJar, wiremockRoot, openapi string
}

func newPaths() paths {
	GinkgoHelper()
	root := repoRoot()
	p := paths{
		root:         root,
		prism:        filepath.Join(root, "fixtures", "thirdparty", "node_modules", ".bin", "prism"),
		wiremockJar:  filepath.Join(root, "fixtures", "thirdparty", "node_modules", "wiremock", "build", "wiremock-standalone-"+thirdparty.WireMockVersion+".jar"),
		wiremockRoot: filepath.Join(root, "fixtures", "thirdparty", "wiremock"),
		openapi:      filepath.Join(root, "fixtures", "openapi.yaml"),
	}
	for _, f := range []string{p.prism, p.wiremockJar} {
		_, err := os.Stat(f)
		Expect(err).NotTo(HaveOccurred(), "run `npm ci --prefix fixtures/thirdparty` first (make thirdparty does)")
	}
	_, err := exec.LookPath("java")
	Expect(err).NotTo(HaveOccurred(), "WireMock needs Java 17 (apt-get install openjdk-17-jre-headless)")
	return p
}

// freePort returns a loopback port nobody listens on right now.
func freePort() int {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	port := ln.Addr().(*net.TCPAddr).Port
	Expect(ln.Close()).To(Succeed())
	return port
}

// baseURL is the loopback URL of port.
func baseURL(port int) string { return "http://127.0.0.1:" + strconv.Itoa(port) }

// startProcess starts a long-running child in a process group of its own, its output
// prefixed in GinkgoWriter. A cleanup kills the whole group and waits until no member
// is left. The child also gets SIGKILL if the test process dies first.
func startProcess(name, dir string, env []string, argv ...string) *gexec.Session {
	GinkgoHelper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	w := gexec.NewPrefixedWriter(fmt.Sprintf("[%s] ", name), GinkgoWriter)
	s, err := gexec.Start(cmd, w, w)
	Expect(err).NotTo(HaveOccurred(), "start %s", name)
	DeferCleanup(killGroup, name, s)
	return s
}

// killGroup sends SIGKILL to the process group of s and waits for the leader to be
// reaped and the group to be empty.
func killGroup(name string, s *gexec.Session) {
	GinkgoHelper()
	pgid := s.Command.Process.Pid
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		Fail(fmt.Sprintf("kill the process group of %s: %v", name, err))
	}
	Eventually(s).WithTimeout(stopTimeout).Should(gexec.Exit(), "%s must end after SIGKILL", name)
	Eventually(func() error { return syscall.Kill(-pgid, 0) }).WithTimeout(stopTimeout).
		Should(MatchError(syscall.ESRCH), "no process of %s's group may be left running", name)
}

// awaitHTTP waits until base answers HTTP (any status), failing at once if the
// process s has exited.
func awaitHTTP(name, base string, s *gexec.Session) {
	GinkgoHelper()
	c := &http.Client{Timeout: 2 * time.Second}
	Eventually(func() error {
		if code := s.ExitCode(); code != -1 {
			return StopTrying(fmt.Sprintf("%s exited with %d before answering:\n%s%s", name, code, s.Out.Contents(), s.Err.Contents()))
		}
		resp, err := c.Get(base + "/")
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}).WithTimeout(startTimeout).WithPolling(200*time.Millisecond).Should(Succeed(), "%s must answer HTTP at %s", name, base)
}
