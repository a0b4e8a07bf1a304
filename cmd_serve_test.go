package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/headroom-dev/headroom/internal/fakenvml"
)

// serveProcess is a running `headroom serve`.
type serveProcess struct {
	cmd    *exec.Cmd
	addr   string
	stderr *bytes.Buffer
	done   chan struct{}
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

// startServe starts `headroom serve` with env added, listening on a free
// loopback port unless args give --listen, and waits until it answers.
func startServe(t *testing.T, env []string, args ...string) *serveProcess {
	t.Helper()
	addr := freePort(t)
	listen := []string{"--listen", addr}
	for i, a := range args {
		if a == "--listen" {
			addr, listen = args[i+1], nil
		}
	}
	cmd := exec.Command(testBinary(t), append(append([]string{"serve"}, listen...), args...)...)
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	p := &serveProcess{cmd: cmd, addr: addr, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	require.NoError(t, cmd.Start())
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
	})
	return p
}

// get fetches path from the exporter over plain HTTP, retrying for up to
// 10 s while it starts.
func (p *serveProcess) get(t *testing.T, path string) (int, string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + path)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.NoError(t, rerr)
			return resp.StatusCode, string(body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("headroom serve never answered on %s: %v\n%s", p.addr, err, p.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// metricLine is the first line of a page that starts with prefix.
func metricLine(page, prefix string) string {
	for _, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

// On the fake driver: dcgm-exporter's series with the driver's figures,
// the snapshot document `snapshot --json` prints, and a clean stop on
// SIGTERM within a second.
func TestServeOnTheFakeDriver(t *testing.T) {
	lib := fakenvml.Build(t)
	state := filepath.Join(t.TempDir(), "state")
	d := fakenvml.RTXPro6000()
	d.Used = 40 << 30
	d.Processes = []fakenvml.Process{{PID: 4242, Used: 40 << 30, Name: "python3"}}
	require.NoError(t, fakenvml.WriteState(state, fakenvml.State{Devices: []fakenvml.Device{d}}))
	env := fakenvml.Env(lib, state)
	p := startServe(t, env, "--interval", "200ms")

	code, page := p.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "headroom_nvml_up 1")
	used := metricLine(page, "DCGM_FI_DEV_FB_USED{")
	assert.Contains(t, used, `UUID="`+d.UUID+`"`)
	assert.Contains(t, used, `modelName="`+d.Name+`"`)
	assert.Contains(t, used, `gpu="0"`)
	assert.True(t, strings.HasSuffix(used, fmt.Sprintf(" %d", (40<<30)>>20)), used)
	assert.Contains(t, page, `headroom_process_memory_bytes{gpu="0",pid="4242"} 4.294967296e+10`)
	assert.NotContains(t, page, "python3", "no process names without --process-labels")

	code, doc := p.get(t, "/api/v1/snapshot")
	require.Equal(t, http.StatusOK, code)
	rc, out, errOut := runHeadroom(t, env, "snapshot", "--json")
	require.Equal(t, 0, rc, errOut)
	assert.Equal(t, withoutTime(t, out), withoutTime(t, doc), "/api/v1/snapshot is snapshot --json's document")

	start := time.Now()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(2 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	assert.Less(t, time.Since(start), time.Second, "stops within a second")
	assert.Equal(t, 0, p.cmd.ProcessState.ExitCode(), p.stderr.String())
	assert.Empty(t, p.stderr.String(), "nothing to say on loopback")
}

// withoutTime is a snapshot document with its sampling time taken out.
func withoutTime(t *testing.T, doc string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(doc), &v), doc)
	delete(v, "time")
	return v
}

// With no driver the exporter serves, says so, and keeps trying.
func TestServeWithoutADriver(t *testing.T) {
	p := startServe(t, []string{"HEADROOM_NVML_LIB=" + filepath.Join(t.TempDir(), "libnvidia-ml.so.1")})
	code, page := p.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "headroom_nvml_up 0")
	assert.NotContains(t, page, "headroom_gpu_up{")
	code, _ = p.get(t, "/api/v1/snapshot")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	code, body := p.get(t, "/healthz")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "ok\n", body)
}

// Listening beyond loopback is said at start; bad flags are usage errors.
func TestServeSaysWhenItListensBeyondThisMachine(t *testing.T) {
	addr := freePort(t)
	_, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	p := startServe(t, []string{"HEADROOM_NVML_LIB="}, "--demo", "--listen", "0.0.0.0:"+port)
	p.addr = "127.0.0.1:" + port
	code, _ := p.get(t, "/healthz")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, p.stderr.String(), "listening on 0.0.0.0:"+port+", beyond this machine, without TLS or authentication")

	checkUsageErrors(t, map[string]usageCase{
		"listen":     {[]string{"serve", "--listen", "9835"}, "--listen \"9835\""},
		"precision":  {[]string{"serve", "--precision", "fp3"}, "--precision"},
		"runtime":    {[]string{"serve", "--runtime", "ollama"}, "--runtime"},
		"web config": {[]string{"serve", "--web.config.file", writeFile(t, "web.yml", "tls_server_config:\n  cert_file: nope.crt\n")}, "--web.config.file"},
	})
}

// TLS and basic authentication come from the exporter toolkit's web
// configuration file, tested with the toolkit's own certificates and users.
func TestServeWithTLSAndBasicAuth(t *testing.T) {
	dir := toolkitTestdata(t)
	cfg := writeFile(t, "web.yml", fmt.Sprintf("tls_server_config:\n  cert_file: %s\n  key_file: %s\nbasic_auth_users:\n  dave: %s\n",
		filepath.Join(dir, "server.crt"), filepath.Join(dir, "server.key"), "$2y$10$2UXri9cIDdgeKjBo4Rlpx.U3ZLDV8X1IxKmsfOvhcM5oXQt/mLmXq"))
	p := startServe(t, nil, "--demo", "--web.config.file", cfg)

	ca, err := os.ReadFile(filepath.Join(dir, "tls-ca-chain.pem"))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(ca))
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(user, pass string) int {
		req, err := http.NewRequest("GET", "https://"+p.addr+"/metrics", nil)
		require.NoError(t, err)
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				return resp.StatusCode
			}
			if time.Now().After(deadline) {
				t.Fatalf("no TLS answer: %v\n%s", err, p.stderr)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	assert.Equal(t, http.StatusUnauthorized, get("", ""))
	assert.Equal(t, http.StatusUnauthorized, get("dave", "wrong"))
	assert.Equal(t, http.StatusOK, get("dave", "dave123"))
	resp, err := http.Get("http://" + p.addr + "/metrics")
	if err == nil {
		resp.Body.Close()
		assert.NotEqual(t, http.StatusOK, resp.StatusCode, "no plain HTTP")
	}
}

// toolkitTestdata is the exporter toolkit's own test certificates, from
// the module cache.
func toolkitTestdata(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/prometheus/exporter-toolkit").Output()
	require.NoError(t, err)
	dir := filepath.Join(strings.TrimSpace(string(out)), "web", "testdata")
	require.FileExists(t, filepath.Join(dir, "server.crt"))
	return dir
}

// The systemd unit in the repository runs a command headroom accepts: its
// ExecStart, on a free port, serves both contexts it names.
func TestTheSystemdUnitsCommandServes(t *testing.T) {
	unit, err := os.ReadFile("contrib/systemd/headroom.service")
	require.NoError(t, err)
	var args []string
	for _, l := range strings.Split(string(unit), "\n") {
		if rest, ok := strings.CutPrefix(l, "ExecStart="); ok {
			args = strings.Fields(rest)
		}
	}
	require.Greater(t, len(args), 2, "an ExecStart line")
	assert.Equal(t, "/usr/local/bin/headroom", args[0])
	require.Equal(t, "serve", args[1])
	args = args[2:]
	for i := range args {
		if args[i] == "--listen" {
			args[i+1] = freePort(t)
		}
	}
	p := startServe(t, []string{"HEADROOM_NVML_LIB=" + filepath.Join(t.TempDir(), "none")}, append([]string{"--demo"}, args...)...)
	code, page := p.get(t, "/metrics")
	require.Equal(t, http.StatusOK, code, p.stderr.String())
	assert.Contains(t, page, `context="8192"`)
	assert.Contains(t, page, `context="32768"`)
}
