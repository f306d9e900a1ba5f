package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/noticeconf/noticeconf/proxy"
)

func newCACmd(e *env) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "ca",
		Short: "Print the forward proxy's CA certificate path and how to trust it",
		Long: `Print the path of the CA certificate that "noticeconf record --forward" signs its
per-host certificates with, and how to make clients trust it. The CA is generated on
first use (an ECDSA key, mode 0600, and a certificate valid for one year) in --ca-dir;
it is never goproxy's bundled CA.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if dir == "" {
				d, err := proxy.DefaultCADir()
				if err != nil {
					return usageErr(err)
				}
				dir = d
			}
			_, statErr := os.Stat(filepath.Join(dir, proxy.CACertFile))
			ca, err := proxy.LoadOrCreateCA(dir)
			if err != nil {
				return usageErr(err)
			}
			state := "existing"
			if errors.Is(statErr, fs.ErrNotExist) {
				state = "generated now"
			}
			cert := ca.CertFile()
			fmt.Fprintf(e.stdout, "CA certificate: %s\n", cert)
			fmt.Fprintf(e.stdout, "(%s; valid until %s; its key %s is readable by you only: never share or commit it)\n\n",
				state, ca.Certificate().NotAfter.Format(time.DateOnly), filepath.Join(dir, proxy.CAKeyFile))
			fmt.Fprintf(e.stdout, `Trust it in the clients of "noticeconf record --forward" (listening on 127.0.0.1:8081):
  Go programs, the Huawei Cloud Go SDK included:
    SSL_CERT_FILE=%[1]s HTTPS_PROXY=http://127.0.0.1:8081 your-program
  curl:
    curl --cacert %[1]s --proxy http://127.0.0.1:8081 https://cloudbuild-ext.cn-north-4.myhuaweicloud.com/...
`, cert)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "ca-dir", "", "directory of the CA (default: noticeconf/ca under the user's config directory)")
	return cmd
}
