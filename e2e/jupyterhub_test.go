package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hubBudget bounds the whole JupyterHub session, from the hub's start to
// its stop.
const hubBudget = 90 * time.Second

// hubUser is the user who logs in (DummyAuthenticator takes any password).
const hubUser = "alice"

// TestJupyterHub runs spinlab the way a team does: JupyterHub 3 with its
// proxy (configurable-http-proxy from e2e/server), a local spawner and the
// dummy authenticator. A user logs in through the login form, the hub API
// starts their single-user server (jupyter_server, with the spinlab
// kernelspec on its JUPYTER_PATH), @jupyterlab/services runs a cell in
// spinlab through the proxy, and then the user's server and the hub stop,
// taking every process along (a second kernel is left running for the
// server's stop to shut down).
func TestJupyterHub(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping JupyterHub test in -short mode")
	}
	client := serverClientDir(t)
	chp := filepath.Join(client, "node_modules", "configurable-http-proxy", "bin", "configurable-http-proxy")
	need(t,
		executable(python),
		pythonModules("jupyterhub", "jupyter_server"),
		executable("/usr/bin/jupyterhub-singleuser"),
		onPath("node"),
		needServerClient(client),
		fileExists(chp, "configurable-http-proxy in e2e/server/node_modules (npm ci)"),
	)
	je := newJupyterEnv(t, "spinlab")
	bin := spinlabBinary(t)
	begin := time.Now()
	s := newServer(t, je, "jupyterhub")
	home := filepath.Join(je.Dir, "home", "{username}")
	userDir := filepath.Join(je.Dir, "home", hubUser)
	var hubPort, apiPort int
	startServer(t, je, s, "/hub/api/", func(port int) []string {
		hubPort, apiPort = freePort(t), freePort(t)
		cfg := filepath.Join(s.Dir, "jupyterhub_config.py")
		writeHubConfig(t, cfg, hubConfig{
			Dir: s.Dir, Port: port, HubPort: hubPort, APIPort: apiPort,
			Proxy: chp, Home: home, RootDir: userDir,
			Token: s.Token, Env: je.Env,
		})
		return []string{"-m", "jupyterhub", "-f", cfg}
	})
	t.Logf("JupyterHub at %s (hub %d, proxy API %d), ready after %v", s.URL, hubPort, apiPort, time.Since(begin).Round(time.Millisecond))
	proxy := processTree(fmt.Sprintf("--api-port %d", apiPort))
	if len(proxy) == 0 {
		t.Errorf("no configurable-http-proxy process with --api-port %d", apiPort)
	}
	hub := &serverAPI{t: t, url: s.URL, token: s.Token}

	// The user logs in through the hub's login form.
	hubLogin(t, s.URL, hubUser)
	if code, out := hub.do("GET", "/hub/api/users/"+hubUser, nil); code != http.StatusOK {
		t.Fatalf("after %s logged in, GET /hub/api/users/%s: %d %s", hubUser, hubUser, code, out)
	}

	// Their server starts through the hub API.
	spawned := time.Now()
	if code, out := hub.do("POST", "/hub/api/users/"+hubUser+"/server", nil); code != http.StatusCreated && code != http.StatusAccepted {
		t.Fatalf("POST /hub/api/users/%s/server: %d %s", hubUser, code, out)
	}
	if err := waitHubServer(hub, hubUser, true, begin.Add(hubBudget)); err != nil {
		t.Fatalf("%v\n%s", err, readFile(s.Log))
	}
	t.Logf("single-user server ready %v after the spawn request", time.Since(spawned).Round(time.Millisecond))
	single := processTree("--ServerApp.root_dir=" + userDir)
	if len(single) == 0 {
		t.Errorf("no jupyterhub-singleuser process serving %s", userDir)
	}

	// A cell in spinlab, through the proxy and the single-user server.
	watch := &kernelWatch{t: t, binary: bin}
	remaining := time.Until(begin.Add(hubBudget))
	rep := runServerClient(t, client, je.Env, serverClientConfig{
		BaseURL:   s.URL + "/user/" + hubUser + "/",
		Token:     s.Token,
		Kernel:    "spinlab",
		Mode:      "smoke",
		TimeoutMS: 30_000,
		Cell:      `fmt.Println("hello from", runtime.Version())`,
	}, remaining, watch.checkpoint)
	if r := rep.Steps.Execute; r.ok(t, "execute") {
		text, _ := r.streams()
		if r.Reply.Status != "ok" || !strings.HasPrefix(text, "hello from go1.") {
			t.Errorf("the cell through JupyterHub: status %q, printed %q; want ok and \"hello from go1...\"\n%s", r.Reply.Status, text, r)
		}
	}
	checkShutdown(t, rep)

	// A kernel left running: stopping the user's server must take it along.
	user := &serverAPI{t: t, url: s.URL + "/user/" + hubUser, token: s.Token}
	lastID := user.startKernel("spinlab")
	last, err := spinlabKernelTree(lastID, bin, 30*time.Second)
	if err != nil {
		t.Error(err)
	}
	stopped := time.Now()
	if code, out := hub.do("DELETE", "/hub/api/users/"+hubUser+"/server", nil); code != http.StatusNoContent && code != http.StatusAccepted {
		t.Errorf("DELETE /hub/api/users/%s/server: %d %s", hubUser, code, out)
	}
	if err := waitHubServer(hub, hubUser, false, begin.Add(hubBudget)); err != nil {
		t.Error(err)
	}
	t.Logf("%s's server stopped %v after the stop request", hubUser, time.Since(stopped).Round(time.Millisecond))
	if left := waitGone(append(single, last...), 10*time.Second); len(left) > 0 {
		t.Errorf("stopping %s's server left processes running:%s", hubUser, describeProcs(left))
	}

	hubStop := time.Now()
	s.Stop()
	t.Logf("the hub stopped %v after SIGTERM", time.Since(hubStop).Round(time.Millisecond))
	if left := waitGone(proxy, 10*time.Second); len(left) > 0 {
		t.Errorf("stopping the hub left its proxy running:%s", describeProcs(left))
	}
	took := time.Since(begin)
	t.Logf("JupyterHub session: %v from the hub's start to its stop", took.Round(time.Millisecond))
	if took > hubBudget {
		t.Errorf("the JupyterHub session took %v, over its budget of %v", took, hubBudget)
	}
	if t.Failed() {
		t.Logf("JupyterHub log:\n%s", readFile(s.Log))
	}
}

// hubConfig is what jupyterhub_config.py sets.
type hubConfig struct {
	Dir                    string // the hub's working directory: database, cookie secret
	Port, HubPort, APIPort int    // the proxy's public port, the hub's, the proxy's API
	Proxy                  string // configurable-http-proxy
	Home                   string // users' home directories, with {username}
	RootDir                string // the single-user server's root directory
	Token                  string // the e2e service's API token
	Env                    []string
}

// writeHubConfig writes a JupyterHub configuration that binds everything to
// 127.0.0.1 and keeps all state under c.Dir. Values are written as JSON,
// which Python reads as the same literals.
func writeHubConfig(t *testing.T, path string, c hubConfig) {
	t.Helper()
	py := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	// The single-user server finds the spinlab kernelspec through the
	// test's private Jupyter directories.
	env := map[string]string{}
	for _, kv := range c.Env {
		if k, v, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "JUPYTER_") || k == "PYDEVD_DISABLE_FILE_VALIDATION" || k == "PYTHONNOUSERSITE" {
			env[k] = v
		}
	}
	args := []string{"--ServerApp.root_dir=" + c.RootDir}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	lines := []string{
		"c = get_config()  # noqa",
		"c.JupyterHub.ip = '127.0.0.1'",
		fmt.Sprintf("c.JupyterHub.port = %d", c.Port),
		"c.JupyterHub.hub_ip = '127.0.0.1'",
		fmt.Sprintf("c.JupyterHub.hub_port = %d", c.HubPort),
		fmt.Sprintf("c.ConfigurableHTTPProxy.api_url = %s", py(fmt.Sprintf("http://127.0.0.1:%d", c.APIPort))),
		fmt.Sprintf("c.ConfigurableHTTPProxy.command = %s", py([]string{"node", c.Proxy})),
		fmt.Sprintf("c.ConfigurableHTTPProxy.pid_file = %s", py(filepath.Join(c.Dir, "proxy.pid"))),
		fmt.Sprintf("c.JupyterHub.db_url = %s", py("sqlite:///"+filepath.Join(c.Dir, "jupyterhub.sqlite"))),
		fmt.Sprintf("c.JupyterHub.cookie_secret_file = %s", py(filepath.Join(c.Dir, "jupyterhub_cookie_secret"))),
		"c.JupyterHub.authenticator_class = 'dummy'",
		// SimpleLocalProcessSpawner runs servers as the hub's own user, in
		// home directories it makes: no system users needed.
		"c.JupyterHub.spawner_class = 'simple'",
		fmt.Sprintf("c.SimpleLocalProcessSpawner.home_dir_template = %s", py(c.Home)),
		"c.Spawner.ip = '127.0.0.1'",
		"c.Spawner.cmd = ['/usr/bin/jupyterhub-singleuser']",
		fmt.Sprintf("c.Spawner.args = %s", py(args)),
		fmt.Sprintf("c.Spawner.environment = %s", py(env)),
		"c.Spawner.start_timeout = 60",
		"c.Spawner.http_timeout = 60",
		// The test's own API client: it may start and stop servers and
		// reach them.
		fmt.Sprintf("c.JupyterHub.services = [{'name': 'e2e', 'api_token': %s}]", py(c.Token)),
		"c.JupyterHub.load_roles = [{'name': 'e2e', 'scopes': ['admin:users', 'admin:servers', 'access:servers'], 'services': ['e2e']}]",
		"c.JupyterHub.cleanup_servers = True",
		"c.JupyterHub.cleanup_proxy = True",
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hubLogin logs user in through the hub's login form, as a browser does,
// and checks that the hub answers with its login cookie.
func hubLogin(t *testing.T, base, user string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		// The login answers with a redirect to the spawn page; stop there.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := c.Get(base + "/hub/login")
	if err != nil {
		t.Fatalf("GET /hub/login: %v", err)
	}
	resp.Body.Close()
	form := url.Values{"username": {user}, "password": {"any password"}}
	for _, ck := range jar.Cookies(resp.Request.URL) {
		if ck.Name == "_xsrf" {
			form.Set("_xsrf", ck.Value)
		}
	}
	resp, err = c.PostForm(base+"/hub/login", form)
	if err != nil {
		t.Fatalf("POST /hub/login: %v", err)
	}
	resp.Body.Close()
	var cookies []string
	for _, ck := range resp.Cookies() {
		cookies = append(cookies, ck.Name)
	}
	if resp.StatusCode != http.StatusFound || !strings.Contains(strings.Join(cookies, " "), "jupyterhub-hub-login") {
		t.Fatalf("POST /hub/login as %s: %s, cookies %q; want 302 with the jupyterhub-hub-login cookie", user, resp.Status, cookies)
	}
	t.Logf("%s logged in: %s to %s", user, resp.Status, resp.Header.Get("Location"))
}

// waitHubServer polls the hub API until user's default server is ready
// (ready) or stopped (!ready), or the deadline passes.
func waitHubServer(hub *serverAPI, user string, ready bool, deadline time.Time) error {
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	for {
		code, out := hub.do("GET", "/hub/api/users/"+user, nil)
		var u struct {
			Pending *string
			Servers map[string]struct {
				Ready bool
			}
		}
		if code == http.StatusOK && json.Unmarshal(out, &u) == nil {
			srv, ok := u.Servers[""]
			if ready && ok && srv.Ready || !ready && !ok && u.Pending == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			want := "stopped"
			if ready {
				want = "ready"
			}
			return fmt.Errorf("%s's server not %s by the deadline: GET /hub/api/users/%s: %d %s", user, want, user, code, out)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
