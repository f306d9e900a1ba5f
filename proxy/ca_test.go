package proxy_test

import (
	"crypto/ecdsa"
	"os"
	"path/filepath"
	"time"

	"github.com/elazarl/goproxy"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/noticeconf/noticeconf/proxy"
)

var _ = Describe("LoadOrCreateCA", func() {
	var dir string

	BeforeEach(func() {
		dir = filepath.Join(GinkgoT().TempDir(), "ca")
	})

	When("the directory holds no CA", func() {
		It("generates one valid for a year, its key readable by the owner only", func() {
			ca, err := proxy.LoadOrCreateCA(dir)
			Expect(err).NotTo(HaveOccurred())
			cert := ca.Certificate()
			Expect(cert.IsCA).To(BeTrue())
			Expect(cert.PublicKey).To(BeAssignableToTypeOf(&ecdsa.PublicKey{}))
			Expect(cert.NotAfter).To(BeTemporally("~", time.Now().Add(365*24*time.Hour), 2*time.Hour))
			fi, err := os.Stat(filepath.Join(dir, proxy.CAKeyFile))
			Expect(err).NotTo(HaveOccurred())
			Expect(fi.Mode().Perm()).To(Equal(os.FileMode(0o600)))
			Expect(ca.CertFile()).To(Equal(filepath.Join(dir, proxy.CACertFile)))
			Expect(readFile(ca.CertFile())).NotTo(Equal(string(goproxy.CA_CERT)))
		})
	})

	When("the directory holds a CA", func() {
		It("loads the same one", func() {
			first, err := proxy.LoadOrCreateCA(dir)
			Expect(err).NotTo(HaveOccurred())
			again, err := proxy.LoadOrCreateCA(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(again.Certificate().Raw).To(Equal(first.Certificate().Raw))
		})

		It("refuses a key file others can read", func() {
			_, err := proxy.LoadOrCreateCA(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.Chmod(filepath.Join(dir, proxy.CAKeyFile), 0o644)).To(Succeed())
			_, err = proxy.LoadOrCreateCA(dir)
			Expect(err).To(MatchError(ContainSubstring("chmod 600")))
		})

		It("refuses a directory with only one of the two files", func() {
			_, err := proxy.LoadOrCreateCA(dir)
			Expect(err).NotTo(HaveOccurred())
			Expect(os.Remove(filepath.Join(dir, proxy.CAKeyFile))).To(Succeed())
			_, err = proxy.LoadOrCreateCA(dir)
			Expect(err).To(MatchError(ContainSubstring("only one")))
		})
	})

	When("the directory holds goproxy's bundled CA", func() {
		It("refuses it", func() {
			Expect(os.MkdirAll(dir, 0o700)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, proxy.CACertFile), goproxy.CA_CERT, 0o644)).To(Succeed())
			Expect(os.WriteFile(filepath.Join(dir, proxy.CAKeyFile), goproxy.CA_KEY, 0o600)).To(Succeed())
			_, err := proxy.LoadOrCreateCA(dir)
			Expect(err).To(MatchError(ContainSubstring("bundled")))
		})
	})
})
