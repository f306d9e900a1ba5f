package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bounds on the child processes.
const (
	startTimeout = 90 * time.Second
	stopTimeout  = 15 * time.Second
)

// proc is a server started for the run, in a process group of its own, its stderr
// (and, for WireMock, stdout) in a log file of the work directory.
type proc struct {
	name string
	cmd  *exec.Cmd
	url  string
	log  string
	done chan struct{}
	err  error
}

// procs are the servers of a run; stopAll ends them all.
type procs struct {
	dir  string
	list []*proc
}

func (ps *procs) command(name string, argv []string) (*exec.Cmd, *os.File, error) {
	logPath := filepath.Join(ps.dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = ps.dir
	cmd.Stderr = logf
	// Its own group, so that stopping it stops what it started; and killed if this
	// process dies first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return cmd, logf, nil
}

func (ps *procs) track(name string, cmd *exec.Cmd, logf *os.File) *proc {
	p := &proc{name: name, cmd: cmd, log: logf.Name(), done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		_ = logf.Close()
		close(p.done)
	}()
	ps.list = append(ps.list, p)
	return p
}

// startListening starts a server that prints "listening on http://HOST:PORT" as its
// first line on stdout (noticeconf's servers, benchserve) and waits for that line.
func (ps *procs) startListening(ctx context.Context, name string, argv ...string) (*proc, error) {
	cmd, logf, err := ps.command(name, argv)
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		_ = logf.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := ps.track(name, cmd, logf)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		for sc.Scan() { // keep draining, so that the child never blocks on stdout
		}
	}()
	select {
	case line, ok := <-lines:
		addr, found := strings.CutPrefix(line, "listening on ")
		if !ok || !found {
			<-p.done
			return nil, fmt.Errorf("%s did not start (%v); its log %s:\n%s", name, p.err, p.log, tail(p.log))
		}
		p.url = addr
		return p, nil
	case <-time.After(startTimeout):
	case <-ctx.Done():
	}
	return nil, fmt.Errorf("%s did not say where it listens within %s; its log %s:\n%s", name, startTimeout, p.log, tail(p.log))
}

// startWireMock starts WireMock on a free loopback port with its root directory
// root and waits until its admin API answers.
func (ps *procs) startWireMock(ctx context.Context, name, jar, root string, args ...string) (*proc, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv := append([]string{"java", "-jar", jar, "--port", strconv.Itoa(port), "--bind-address", "127.0.0.1",
		"--root-dir", root, "--disable-banner"}, args...)
	cmd, logf, err := ps.command(name, argv)
	if err != nil {
		return nil, err
	}
	cmd.Stdout = logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := ps.track(name, cmd, logf)
	p.url = "http://127.0.0.1:" + strconv.Itoa(port)
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case <-p.done:
			return nil, fmt.Errorf("%s exited before answering (%v); its log %s:\n%s", name, p.err, p.log, tail(p.log))
		case <-time.After(200 * time.Millisecond):
		}
		resp, err := c.Get(p.url + "/__admin/health")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p, nil
			}
		}
	}
	return nil, fmt.Errorf("%s did not answer at %s within %s; its log %s:\n%s", name, p.url, startTimeout, p.log, tail(p.log))
}

// stop sends SIGTERM to p's group and waits for it to end, then SIGKILL.
func (p *proc) stop() error {
	pgid := p.cmd.Process.Pid
	select {
	case <-p.done:
		return nil
	default:
	}
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
		return fmt.Errorf("%s did not stop within %s of SIGTERM; killed", p.name, stopTimeout)
	}
	// Whatever is left of the group (WireMock's JVM has none; be sure).
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: kill its group: %w", p.name, err)
	}
	return nil
}

// stopAll stops every server still running.
func (ps *procs) stopAll() error {
	var errs []error
	for _, p := range ps.list {
		errs = append(errs, p.stop())
	}
	ps.list = nil
	return errors.Join(errs...)
}

// rss returns the resident and peak resident memory of process pid, in bytes.
func rss(pid int) (cur, peak int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if k == "VmRSS" {
			cur = n << 10
		} else {
			peak = n << 10
		}
	}
	if cur == 0 {
		return 0, 0, fmt.Errorf("memory of process %d: no VmRSS in /proc/%d/status", pid, pid)
	}
	return cur, peak, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// tail returns the last lines of a log file, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}
